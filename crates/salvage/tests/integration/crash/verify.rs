//! What a restarted server must show: every tree whole in one place, every acknowledged change
//! kept, every blob on disk with its bytes; and, after the last round, everything back.

use super::*;

/// The whole trash, grouped by the node each record marks.
pub(super) async fn records_by_root(rest: &Rest) -> HashMap<i64, Vec<Value>> {
    let mut by_root: HashMap<i64, Vec<Value>> = HashMap::new();
    for record in rest.all_pages("/trash?sort=oldest", "cursor").await {
        by_root
            .entry(record["root_node_id"].as_i64().unwrap())
            .or_default()
            .push(record);
    }
    by_root
}

/// Where a tree is, asserting that it is there whole: live with all its items and nothing of it
/// in the trash, or in the trash as exactly one record that holds all of it, or gone.
async fn observe_tree(rest: &Rest, tree: &Tree, trash: &HashMap<i64, Vec<Value>>, when: &str) -> Place {
    for id in tree.nodes.iter().filter(|&&id| id != tree.root) {
        assert!(
            !trash.contains_key(id),
            "{when}: item {id} of {} has a trash record of its own: {:?}",
            tree.path,
            trash[id]
        );
    }
    let (status, _) = rest.get(&format!("/nodes/{}", tree.root)).await.unwrap();
    let records = trash.get(&tree.root).map(Vec::as_slice).unwrap_or_default();
    if status == StatusCode::OK {
        assert!(
            records.is_empty(),
            "{when}: {} is live and in the trash: {records:?}",
            tree.path
        );
        let live: BTreeSet<i64> = descendants(rest, tree.root)
            .await
            .iter()
            .map(|n| n["id"].as_i64().unwrap())
            .chain([tree.root])
            .collect();
        assert_eq!(
            live, tree.nodes,
            "{when}: {} is live with only some of its items",
            tree.path
        );
        return Place::Live;
    }
    assert_eq!(status, StatusCode::NOT_FOUND, "{when}: GET {}", tree.path);
    match records {
        [] => {
            let (status, _) = rest.get(&format!("/nodes/{}", tree.docs[0].id)).await.unwrap();
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{when}: a document of purged {} is live",
                tree.path
            );
            Place::Purged
        }
        [record] => {
            assert_eq!(
                (record["item_count"].as_i64(), record["total_size"].as_i64()),
                (Some(tree.nodes.len() as i64), Some(tree.size)),
                "{when}: the trash record of {} does not hold all of it: {record}",
                tree.path
            );
            let id = record["id"].as_i64().unwrap();
            let (status, contents) = rest.get(&format!("/trash/{id}/contents")).await.unwrap();
            assert_eq!(status, StatusCode::OK, "{contents}");
            let held: BTreeSet<i64> = contents["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_i64().unwrap())
                .collect();
            assert!(
                held.is_subset(&tree.nodes) && held.len() == tree.nodes.len().min(CONTENTS_LIMIT),
                "{when}: trash record {id} of {} lists {} of its {} items, or others",
                tree.path,
                held.len(),
                tree.nodes.len()
            );
            match record["stage"].as_str() {
                Some("user-bin") => Place::UserBin,
                Some("system-bin") => Place::SystemBin,
                other => panic!("{when}: stage {other:?}"),
            }
        }
        more => panic!("{when}: {} is in the trash {} times: {more:?}", tree.path, more.len()),
    }
}

/// Checks the file of every blob a live or trashed document uses: present, and its bytes hash to
/// its name.
fn assert_blob_files(data: &Path, shas: &BTreeSet<String>, when: &str) {
    for sha in shas {
        let path = data.join("blobs").join(&sha[0..2]).join(&sha[2..4]).join(sha);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{when}: blob file {}: {e}", path.display()));
        assert_eq!(&sha256(&bytes), sha, "{when}: blob file {} is damaged", path.display());
    }
}

impl Round<'_> {
    /// Reads the restarted server's state, checks it against the model and the operations that
    /// were in flight, and makes the model what was found.
    pub(super) async fn verify(&mut self, admin: &Rest, flight: InFlight, when: &str) {
        let trash = records_by_root(admin).await;
        let known: BTreeSet<i64> = self
            .seed
            .trees
            .iter()
            .chain(&self.seed.carol)
            .map(|t| t.root)
            .chain(self.seed.singles.iter().map(|d| d.id))
            .collect();
        for (root, records) in &trash {
            assert!(known.contains(root), "{when}: unexpected trash records {records:?}");
        }

        // Trees: each one whole, where it was or where its operation took it.
        let mut moving: HashMap<usize, (Place, bool)> = HashMap::new();
        for (tree, after, acked) in &flight.trees {
            moving.insert(*tree, (*after, acked.load(Ordering::SeqCst)));
        }
        for (i, tree) in self.seed.trees.iter().enumerate() {
            let found = observe_tree(admin, tree, &trash, when).await;
            let before = self.model.trees[i];
            match moving.get(&i) {
                Some(&(after, true)) => assert_eq!(found, after, "{when}: acknowledged change of {} lost", tree.path),
                Some(&(after, false)) => assert!(
                    found == before || found == after,
                    "{when}: {} is {found:?}, neither {before:?} nor {after:?}",
                    tree.path
                ),
                None => assert_eq!(found, before, "{when}: {} changed by itself", tree.path),
            }
            self.model.trees[i] = found;
        }

        // Carol's folders: each whole, and all emptied or none.
        let mut carol = Vec::new();
        for tree in &self.seed.carol {
            carol.push(observe_tree(admin, tree, &trash, when).await);
        }
        match &flight.empty {
            Some(acked) => {
                assert!(
                    carol.iter().all(|&p| p == carol[0]) && carol[0] != Place::Live && carol[0] != Place::Purged,
                    "{when}: an empty of carol's bin happened in part: {carol:?}"
                );
                if acked.load(Ordering::SeqCst) {
                    assert_eq!(carol[0], Place::SystemBin, "{when}: acknowledged empty lost");
                }
            }
            None => assert_eq!(carol, self.model.carol, "{when}: carol's folders changed by themselves"),
        }
        self.model.carol = carol;

        // Single documents: each live or in the trash as its own record, never both or neither.
        let live: BTreeSet<i64> = admin
            .all_pages(&format!("/nodes/{}/children", self.seed.singles_folder), "after")
            .await
            .iter()
            .map(|n| n["id"].as_i64().unwrap())
            .collect();
        let mut singles_live = Vec::with_capacity(SINGLES);
        for doc in &self.seed.singles {
            let records = trash.get(&doc.id).map(Vec::as_slice).unwrap_or_default();
            let is_live = live.contains(&doc.id);
            match (is_live, records) {
                (true, []) => {}
                (false, [r]) => assert_eq!(r["item_count"], 1, "{when}: {r}"),
                _ => panic!("{when}: document {} live {is_live} with records {records:?}", doc.id),
            }
            singles_live.push(is_live);
        }
        assert_eq!(
            live.len(),
            singles_live.iter().filter(|&&l| l).count(),
            "{when}: strangers in /Crash/Singles"
        );
        match &flight.filter_restore {
            Some(job) => {
                let restored = job.order.iter().take_while(|&&i| singles_live[i]).count();
                let expected: Vec<bool> = (0..SINGLES).map(|i| job.order[..restored].contains(&i)).collect();
                assert_eq!(
                    singles_live, expected,
                    "{when}: the restore by filter did not restore a prefix of its items"
                );
                assert!(
                    restored % JOB_CHUNK == 0 || restored == job.order.len(),
                    "{when}: the restore by filter committed {restored} items, not whole transactions of {JOB_CHUNK}"
                );
                let seen = job.done_seen.load(Ordering::SeqCst);
                assert!(
                    restored >= seen,
                    "{when}: the job reported {seen} items done, but only {restored} are restored"
                );
                eprintln!(
                    "{when}: restore by filter had committed {restored} of {} items",
                    job.order.len()
                );
            }
            None => assert_eq!(
                singles_live, self.model.singles_live,
                "{when}: single documents changed by themselves"
            ),
        }
        self.model.singles_live = singles_live;

        self.verify_uploads(admin, flight.uploads, when).await;
        self.verify_blobs(when);
    }

    /// Every acknowledged upload is there with its bytes; an unacknowledged one is there whole or
    /// not at all (and, once found missing, never comes back).
    async fn verify_uploads(&mut self, admin: &Rest, flight: Arc<Mutex<Vec<(Upload, bool)>>>, when: &str) {
        let listed: HashMap<String, i64> = admin
            .all_pages(&format!("/nodes/{}/children", self.seed.uploads_folder), "after")
            .await
            .iter()
            .map(|n| (n["name"].as_str().unwrap().to_owned(), n["id"].as_i64().unwrap()))
            .collect();
        let flight = std::mem::take(&mut *flight.lock().unwrap());
        let mut to_download = Vec::new();
        for (upload, acked) in flight {
            match listed.get(&upload.name) {
                Some(&id) => {
                    to_download.push((id, upload.clone()));
                    self.model.uploads.insert(upload.name.clone(), upload);
                }
                None if acked => panic!("{when}: acknowledged upload {} lost", upload.name),
                None => {}
            }
        }
        for name in listed.keys() {
            assert!(
                self.model.uploads.contains_key(name),
                "{when}: {name} is in /Crash/Uploads but was never uploaded, or came back"
            );
        }
        for name in self.model.uploads.keys() {
            assert!(listed.contains_key(name), "{when}: upload {name} lost");
        }
        for (id, upload) in to_download {
            let (status, bytes) = admin.download(id).await.unwrap();
            assert_eq!(status, StatusCode::OK, "{when}: download {}", upload.name);
            assert_eq!(
                (bytes.len(), sha256(&bytes)),
                (upload.size, upload.sha),
                "{when}: {}",
                upload.name
            );
        }
    }

    /// The blobs of every live or trashed document, as the model says.
    fn verify_blobs(&self, when: &str) {
        let mut shas = BTreeSet::new();
        let kept = |p: &Place| *p != Place::Purged;
        for (tree, place) in self
            .seed
            .trees
            .iter()
            .zip(&self.model.trees)
            .chain(self.seed.carol.iter().zip(&self.model.carol))
        {
            if kept(place) {
                shas.extend(tree.docs.iter().map(|d| d.sha.clone()));
            }
        }
        shas.extend(self.seed.singles.iter().map(|d| d.sha.clone()));
        shas.extend(self.model.uploads.values().map(|u| u.sha.clone()));
        assert_blob_files(&self.data, &shas, when);
    }
}

/// After the last round: everything still in the trash comes back, and every document that was
/// never purged downloads with the bytes it was uploaded with.
pub(super) async fn bring_everything_back(seed: &Seed, model: &Model, admin: &Rest) {
    let (status, report) = admin
        .post("/trash/restore-by-filter", json!({ "filter": {}, "background": false }))
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert!(
        records_by_root(admin).await.is_empty(),
        "the trash is empty after restoring it all"
    );
    let mut expected: Vec<(i64, String)> = Vec::new();
    for (tree, place) in seed
        .trees
        .iter()
        .zip(&model.trees)
        .chain(seed.carol.iter().zip(&model.carol))
    {
        if *place != Place::Purged {
            expected.extend(tree.docs.iter().map(|d| (d.id, d.sha.clone())));
        }
    }
    expected.extend(seed.singles.iter().map(|d| (d.id, d.sha.clone())));
    let uploads: HashMap<String, i64> = admin
        .all_pages(&format!("/nodes/{}/children", seed.uploads_folder), "after")
        .await
        .iter()
        .map(|n| (n["name"].as_str().unwrap().to_owned(), n["id"].as_i64().unwrap()))
        .collect();
    expected.extend(model.uploads.values().map(|u| (uploads[&u.name], u.sha.clone())));
    let checked = futures_util::stream::iter(expected)
        .map(|(id, sha)| async move {
            let (status, bytes) = admin.download(id).await.unwrap();
            assert_eq!(
                (status, sha256(&bytes)),
                (StatusCode::OK, sha),
                "document {id} after restoring everything"
            );
        })
        .buffer_unordered(8)
        .count()
        .await;
    eprintln!("downloaded {checked} documents after restoring everything; all had their bytes");
}
