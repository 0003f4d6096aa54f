//! The blob store contract, run against local files and against a real S3-compatible server
//! (moto, installed by the test setup): both stores must behave the same.

use salvage_blob::{LocalBlobStore, S3BlobStore};
use salvage_core::blob::BlobStore;
use salvage_testkit::MotoServer;
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

async fn read_all(store: &dyn BlobStore, sha: &str, offset: u64) -> Vec<u8> {
    let mut reader = store.open_at(sha, offset).await.unwrap();
    let mut out = Vec::new();
    reader.read_to_end(&mut out).await.unwrap();
    out
}

/// Everything the core relies on, on one store.
async fn contract(store: &dyn BlobStore) {
    // Stored under its hash, once, however often it is promoted.
    let staged = store.stage(&mut &b"hello"[..]).await.unwrap();
    assert_eq!(
        staged.sha256,
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(staged.size, 5);
    let sha = staged.sha256.clone();
    assert!(!store.exists(&sha).await.unwrap(), "staged content is not visible yet");
    store.promote(staged).await.unwrap();
    let again = store.stage(&mut &b"hello"[..]).await.unwrap();
    store.promote(again).await.unwrap();
    assert!(store.exists(&sha).await.unwrap());
    let mut content = String::new();
    store
        .open(&sha)
        .await
        .unwrap()
        .read_to_string(&mut content)
        .await
        .unwrap();
    assert_eq!(content, "hello");
    assert_eq!(read_all(store, &sha, 2).await, b"llo");
    assert_eq!(read_all(store, &sha, 5).await, b"");

    // A discarded upload never appears.
    let dropped = store.stage(&mut &b"not kept"[..]).await.unwrap();
    let dropped_sha = dropped.sha256.clone();
    store.discard(dropped).await;
    assert!(!store.exists(&dropped_sha).await.unwrap());

    // Larger than one multipart part: streamed in and out intact.
    let big: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let staged = store.stage(&mut big.as_slice()).await.unwrap();
    assert_eq!(staged.sha256, hex::encode(Sha256::digest(&big)));
    assert_eq!(staged.size, big.len() as i64);
    let big_sha = staged.sha256.clone();
    store.promote(staged).await.unwrap();
    assert_eq!(read_all(store, &big_sha, 0).await, big);
    assert_eq!(read_all(store, &big_sha, 10_000_000).await, &big[10_000_000..]);

    // Deleting is idempotent; names that are not hashes are refused.
    store.delete(&sha).await.unwrap();
    store.delete(&sha).await.unwrap();
    assert!(!store.exists(&sha).await.unwrap());
    assert!(store.open(&sha).await.is_err());
    assert!(store.open("../../etc/passwd").await.is_err());
    assert!(store.exists(&"A".repeat(64)).await.is_err());
}

#[tokio::test]
async fn local_files_keep_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalBlobStore::open(dir.path()).await.unwrap();
    contract(&store).await;
    assert_eq!(std::fs::read_dir(dir.path().join("staging")).unwrap().count(), 0);
}

#[tokio::test]
async fn an_s3_bucket_keeps_the_contract() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let created = reqwest::Client::new()
        .put(format!("{}/salvage-test", moto.endpoint))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "create the bucket: {}", created.status());
    let settings = moto.environment();
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let store = S3BlobStore::configured("s3://salvage-test/some/prefix", &settings).unwrap();
    contract(&store).await;

    // Everything lives under the prefix, and no staged object is left behind.
    let listing = reqwest::Client::new()
        .get(format!("{}/salvage-test?list-type=2", moto.endpoint))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let keys: Vec<&str> = listing
        .split("<Key>")
        .skip(1)
        .map(|k| k.split("</Key>").next().unwrap())
        .collect();
    assert!(!keys.is_empty());
    assert!(keys.iter().all(|k| k.starts_with("some/prefix/")), "{keys:?}");
    assert!(!keys.iter().any(|k| k.contains("/staging/")), "{keys:?}");

    // A bucket that does not exist is reported as an error, not as missing content.
    let missing = S3BlobStore::configured("s3://no-such-bucket", &settings).unwrap();
    assert!(missing.stage(&mut &b"x"[..]).await.is_err());
}
