//! Two `salvage serve` processes on one PostgreSQL database and one S3 bucket (moto's server),
//! as behind a load balancer: a session made on one works on the other, over REST and the
//! infoRouter services; restores on one racing purges of the same trash items on the other give
//! every item exactly one outcome; and `salvage check` finds the result consistent.

use crate::support::server::{serve, Running};
use reqwest::{Client, StatusCode};
use salvage_store::testing::ScratchDatabase;
use salvage_testkit::MotoServer;
use serde_json::{json, Value};
use std::process::Command;

const BUCKET: &str = "salvage-shared";
const PASSWORD: &str = "correct horse";
const ITEMS: usize = 40;

struct Shared {
    vars: Vec<(String, String)>,
    dir: tempfile::TempDir,
}

impl Shared {
    fn vars(&self) -> Vec<(&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    /// A server with its own (otherwise unused) data directory.
    fn server(&self, name: &str) -> Running {
        let data = self.dir.path().join(name).display().to_string();
        serve(&["--listen", "127.0.0.1:0", "--data-dir", &data], &self.vars())
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_salvage"));
        cmd.args(args)
            .env("SALVAGE_DATA_DIR", self.dir.path().join("cli"))
            .env("SALVAGE_ADMIN_PASSWORD", PASSWORD)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        cmd
    }

    fn salvage(&self, args: &[&str]) -> std::process::Output {
        self.command(args).output().expect("run salvage")
    }
}

async fn login(http: &Client, server: &Running) -> String {
    let r = http
        .post(format!("{}/api/v1/sessions", server.base))
        .json(&json!({ "login": "admin", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn rest(
    http: &Client,
    server: &Running,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = http
        .request(method, format!("{}/api/v1{path}", server.base))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let r = request.send().await.unwrap();
    let status = r.status();
    let bytes = r.bytes().await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// An infoRouter call over the HTTP GET binding; returns the response document.
async fn inforouter(http: &Client, base: &str, operation: &str, params: &[(&str, &str)]) -> String {
    let r = http
        .get(format!("{base}/srv.asmx/{operation}"))
        .query(params)
        .send()
        .await
        .unwrap();
    assert!(!r.status().is_server_error(), "{operation}: {}", r.status());
    r.text().await.unwrap()
}

fn ticket_of(response: &str) -> String {
    response
        .split("ticket=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no ticket in {response}"))
        .to_owned()
}

fn succeeded(response: &str) -> bool {
    response.contains("success=\"true\"")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_sessions_and_give_each_trash_item_one_outcome() {
    let Some(database) = ScratchDatabase::for_test().await else {
        return;
    };
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let http = Client::new();
    let created = http.put(format!("{}/{BUCKET}", moto.endpoint)).send().await.unwrap();
    assert!(created.status().is_success(), "create the bucket: {}", created.status());
    let mut vars: Vec<(String, String)> = moto.environment().into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    vars.push(("SALVAGE_DATABASE_URL".into(), database.url.clone()));
    vars.push(("SALVAGE_BLOB_URL".into(), format!("s3://{BUCKET}/shared")));
    let shared = Shared {
        vars,
        dir: tempfile::tempdir().unwrap(),
    };
    let init = shared.salvage(&["init"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let (a, b) = (shared.server("a"), shared.server("b"));

    // A REST token from A works on B, and logging out on B ends it on A.
    let token = login(&http, &a).await;
    let (status, me) = rest(&http, &b, &token, reqwest::Method::GET, "/me", None).await;
    assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("admin")));
    let (status, _) = rest(&http, &b, &token, reqwest::Method::DELETE, "/sessions/current", None).await;
    assert!(status.is_success(), "{status}");
    let (status, _) = rest(&http, &a, &token, reqwest::Method::GET, "/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An infoRouter ticket from B works on A, and logging out on A ends it on B.
    let ticket = ticket_of(
        &inforouter(
            &http,
            &b.base,
            "AuthenticateUser",
            &[("UID", "admin"), ("PWD", PASSWORD)],
        )
        .await,
    );
    let bin = inforouter(
        &http,
        &a.base,
        "GetRecycleBinContent",
        &[("AuthenticationTicket", &ticket)],
    )
    .await;
    assert!(succeeded(&bin), "{bin}");
    assert!(succeeded(
        &inforouter(&http, &a.base, "LogOut", &[("AuthenticationTicket", &ticket)]).await
    ));
    let refused = inforouter(
        &http,
        &b.base,
        "GetRecycleBinContent",
        &[("AuthenticationTicket", &ticket)],
    )
    .await;
    assert!(!succeeded(&refused), "{refused}");

    // Documents uploaded through A (their content goes to the bucket) and deleted through B.
    let token = login(&http, &a).await;
    let ticket = ticket_of(
        &inforouter(
            &http,
            &b.base,
            "AuthenticateUser",
            &[("UID", "admin"), ("PWD", PASSWORD)],
        )
        .await,
    );
    let (_, library) = rest(
        &http,
        &a,
        &token,
        reqwest::Method::POST,
        "/libraries",
        Some(json!({ "name": "Race" })),
    )
    .await;
    let library = library["id"].as_i64().unwrap();
    let mut items = Vec::new();
    for i in 0..ITEMS {
        let r = http
            .post(format!("{}/api/v1/nodes/{library}/documents", a.base))
            .query(&[("name", format!("doc-{i}.txt"))])
            .bearer_auth(&token)
            .body(format!("content {i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let document = r.json::<Value>().await.unwrap()["document"]["id"].as_i64().unwrap();
        let (status, record) = rest(
            &http,
            &b,
            &token,
            reqwest::Method::DELETE,
            &format!("/nodes/{document}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        items.push((document, record["id"].as_i64().unwrap()));
    }

    // A restores every item over REST while B purges the same items, alternately over REST
    // (which says whether it purged) and infoRouter (where purging what is no longer in the bin
    // also succeeds, so only the end state tells).
    let restores = {
        let (http, token, base, items) = (http.clone(), token.clone(), a.base.clone(), items.clone());
        tokio::spawn(async move {
            let mut won = Vec::new();
            for (_, record) in items {
                let r = http
                    .post(format!("{base}/api/v1/trash/restore"))
                    .bearer_auth(&token)
                    .json(&json!({ "items": [record] }))
                    .send()
                    .await
                    .unwrap();
                assert!(!r.status().is_server_error(), "restore {record}: {}", r.status());
                let body: Value = r.json().await.unwrap_or(Value::Null);
                won.push(body["results"][0]["status"] == "restored");
            }
            won
        })
    };
    let purges = {
        let (http, token, ticket, base, items) = (
            http.clone(),
            token.clone(),
            ticket.clone(),
            b.base.clone(),
            items.clone(),
        );
        tokio::spawn(async move {
            let mut won = Vec::new();
            for (i, (_, record)) in items.into_iter().enumerate() {
                if i % 2 == 0 {
                    let r = http
                        .post(format!("{base}/api/v1/trash/purge"))
                        .bearer_auth(&token)
                        .json(&json!({ "items": [record] }))
                        .send()
                        .await
                        .unwrap();
                    assert!(!r.status().is_server_error(), "purge {record}: {}", r.status());
                    let body: Value = r.json().await.unwrap_or(Value::Null);
                    won.push(Some(body[0]["status"] == "purged"));
                } else {
                    let handler = format!("D{record}");
                    let params = [("AuthenticationTicket", ticket.as_str()), ("ItemHandler", &handler)];
                    let r = inforouter(&http, &base, "PurgeRecycleBinItem", &params).await;
                    assert!(succeeded(&r), "{r}");
                    won.push(None);
                }
            }
            won
        })
    };
    let (restored, purged) = (restores.await.unwrap(), purges.await.unwrap());

    let mut tally = (0, 0);
    for (i, (document, record)) in items.iter().enumerate() {
        if let Some(purged) = purged[i] {
            assert!(
                restored[i] != purged,
                "item {record}: restored {} and purged {purged}: exactly one must win",
                restored[i]
            );
        }
        let (live, _) = rest(
            &http,
            &a,
            &token,
            reqwest::Method::GET,
            &format!("/nodes/{document}"),
            None,
        )
        .await;
        let (in_bin, _) = rest(
            &http,
            &b,
            &token,
            reqwest::Method::GET,
            &format!("/trash/{record}"),
            None,
        )
        .await;
        assert_eq!(in_bin, StatusCode::NOT_FOUND, "item {record} left the bin either way");
        if restored[i] {
            assert_eq!(live, StatusCode::OK, "restored item {record} is live");
            let content = http
                .get(format!("{}/api/v1/documents/{document}/content", b.base))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert_eq!(content, format!("content {i}"));
            tally.0 += 1;
        } else {
            assert_eq!(live, StatusCode::NOT_FOUND, "purged item {record} is gone");
            tally.1 += 1;
        }
    }
    eprintln!("{} restored on one server, {} purged on the other", tally.0, tally.1);

    // Retention passes started at once from two processes do no harm.
    let sweeps: Vec<_> = (0..2)
        .map(|_| shared.command(&["trash", "sweep"]).spawn().unwrap())
        .collect();
    for sweep in sweeps {
        assert!(sweep.wait_with_output().unwrap().status.success());
    }
    let check = shared.salvage(&["check"]);
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    a.stop();
    b.stop();
}
