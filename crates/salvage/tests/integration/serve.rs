//! `salvage serve` as a process: first start, configuration precedence, the demo, and a graceful
//! stop on SIGTERM.

use crate::support::server::{serve, serve_logging};
use std::process::{Command, Stdio};

async fn login(base: &str, login: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/sessions"))
        .json(&serde_json::json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn first_start_initialises_serves_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("salvage.toml");
    // The file says one port and data directory; the flag and the environment win.
    std::fs::write(
        &config,
        "listen = \"127.0.0.1:1\"\ndata_dir = \"/nonexistent/never-used\"\nsweep_interval_secs = 1\n",
    )
    .unwrap();
    let server = serve(
        &["--listen", "127.0.0.1:0", "--config", config.to_str().unwrap()],
        &[
            ("SALVAGE_DATA_DIR", data.to_str().unwrap()),
            ("SALVAGE_ADMIN_PASSWORD", "first start"),
        ],
    );
    let health = reqwest::get(format!("{}/healthz", server.base)).await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(login(&server.base, "admin", "first start").await.status(), 201);
    assert!(
        data.join("salvage.db").exists(),
        "the environment's data directory was used"
    );
    let status = server.stop();
    assert!(status.success(), "a graceful stop exits 0, got {status:?}");
}

#[tokio::test]
async fn a_bad_configuration_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "lissen = \"typo\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_salvage"))
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not valid") && err.contains("lissen"), "{err}");
}

/// The `Set-Cookie` of a web sign-in as admin that says it was forwarded over HTTPS.
async fn sign_in_over_https(base: &str, password: &str) -> String {
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{base}/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("login", "admin"), ("password", password), ("tenant", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    res.headers()["set-cookie"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn trusted_proxies_come_from_the_file_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("salvage.toml");
    std::fs::write(&config, "trusted_proxies = [\"10.0.0.0/8\", \"127.0.0.1\"]\n").unwrap();
    let data = dir.path().join("data");
    let vars = [
        ("SALVAGE_DATA_DIR", data.to_str().unwrap()),
        ("SALVAGE_ADMIN_PASSWORD", "pw"),
    ];
    let args = ["--listen", "127.0.0.1:0", "--config", config.to_str().unwrap()];
    // The file trusts the tests' address: its word that the client used HTTPS is believed.
    let server = serve(&args, &vars);
    assert!(sign_in_over_https(&server.base, "pw").await.ends_with("; Secure"));
    assert!(server.stop().success());
    // The environment wins over the file, and trusts someone else.
    let vars = [vars[0], vars[1], ("SALVAGE_TRUSTED_PROXIES", "10.9.9.9,192.0.2.0/24")];
    let server = serve(&args, &vars);
    assert!(!sign_in_over_https(&server.base, "pw").await.contains("Secure"));
    assert!(server.stop().success());
}

#[tokio::test]
async fn a_bad_trusted_proxy_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_salvage"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--trusted-proxies",
            "127.0.0.1,proxy.example",
        ])
        .env("SALVAGE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("trusted") && err.contains("\"proxy.example\""), "{err}");
}

#[tokio::test]
async fn a_session_max_age_of_zero_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("salvage.toml");
    std::fs::write(&config, "session_max_age_hours = 0\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_salvage"))
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .env("SALVAGE_DATA_DIR", dir.path())
        .env_remove("SALVAGE_TRUSTED_PROXIES")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("session_max_age_hours"), "{err}");
}

#[tokio::test]
async fn the_demo_serves_a_seeded_repository() {
    let server = serve(&["--demo", "--listen", "127.0.0.1:0"], &[]);
    let session: serde_json::Value = login(&server.base, "alice", "demo-password")
        .await
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap();
    let trash: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/trash", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<_> = trash["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["logo-dark.svg", "Spring"]);
    let libraries: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/libraries", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(libraries["items"].as_array().unwrap().len(), 3);
    assert!(server.stop().success());
}

#[tokio::test]
async fn logs_can_be_json_lines_naming_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let file = std::fs::File::create(&log).unwrap();
    let data = dir.path().join("data");
    let server = serve_logging(
        &[
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data-dir",
            data.to_str().unwrap(),
        ],
        &[("SALVAGE_ADMIN_PASSWORD", "pw")],
        Stdio::from(file),
    );
    let res = reqwest::Client::new()
        .get(format!("{}/readyz", server.base))
        .header("x-request-id", "find-me")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(server.stop().success());
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON line: {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["fields"]["message"] == "salvage is serving"),
        "{text}"
    );
    assert!(text.contains("find-me"), "request lines carry the request id: {text}");
}

#[tokio::test]
async fn a_stop_lets_requests_in_flight_finish() {
    use futures_util::StreamExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = serve(
        &["--listen", "127.0.0.1:0", "--data-dir", data.to_str().unwrap()],
        &[("SALVAGE_ADMIN_PASSWORD", "pw")],
    );
    let session: serde_json::Value = login(&server.base, "admin", "pw").await.json().await.unwrap();
    let token = session["token"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let lib: serde_json::Value = http
        .post(format!("{}/api/v1/libraries", server.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "name": "L" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pid = server.pid().to_string();
    let chunks = futures_util::stream::iter(0..6).then(move |i| {
        let pid = pid.clone();
        async move {
            if i == 2 {
                // The stop arrives while the upload is half sent.
                Command::new("kill").arg("-TERM").arg(&pid).status().unwrap();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            Ok::<_, std::io::Error>(vec![b'x'; 1000])
        }
    });
    let res = http
        .post(format!(
            "{}/api/v1/nodes/{}/documents?name=late.bin",
            server.base, lib["id"]
        ))
        .bearer_auth(&token)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "the upload in flight completed");
    let status = server.wait();
    assert!(status.success(), "{status:?}");
    // The document is really there: list it with the command line.
    let out = Command::new(env!("CARGO_BIN_EXE_salvage"))
        .args(["ls", "/L", "--json", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listing[0]["size"], 6000);
}

/// Tickets, tokens and passwords travel in JSON bodies, query strings, forms, SOAP bodies and
/// headers, HTTP Basic and cookies; none of them may reach the log, even at debug level.
#[tokio::test]
async fn secrets_never_reach_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let file = std::fs::File::create(&log).unwrap();
    let data = dir.path().join("data");
    let admin_password = "Admin-Secret-Passw0rd";
    let server = serve_logging(
        &[
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data-dir",
            data.to_str().unwrap(),
        ],
        &[("SALVAGE_ADMIN_PASSWORD", admin_password), ("RUST_LOG", "debug")],
        Stdio::from(file),
    );
    let base = &server.base;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let wrong_password = "Wrong-Secret-Guess";
    assert_eq!(login(base, "admin", wrong_password).await.status(), 401);
    let session: serde_json::Value = login(base, "admin", admin_password).await.json().await.unwrap();
    let token = session["token"].as_str().unwrap().to_owned();

    // REST: bearer header, a token in the query string, the session cookie.
    // Every route must exist; Scene7 answers faults (a wrong password) with a 500.
    let ok = |r: reqwest::Response| assert_ne!(r.status(), 404, "{}", r.url());
    ok(http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap());
    ok(http
        .get(format!("{base}/api/v1/trash?access_token={token}"))
        .send()
        .await
        .unwrap());
    ok(http
        .get(format!("{base}/api/v1/me"))
        .header("cookie", format!("salvage_session={token}"))
        .send()
        .await
        .unwrap());

    // infoRouter: a login in the query string, the ticket in the query, a form, a SOAP body and
    // a cookie.
    let text = http
        .get(format!(
            "{base}/srv.asmx/AuthenticateUser?UID=admin&PWD={admin_password}"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ticket = text
        .split("ticket=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    ok(http
        .get(format!(
            "{base}/srv.asmx/GetRecycleBinContent?AuthenticationTicket={ticket}"
        ))
        .send()
        .await
        .unwrap());
    ok(http
        .post(format!("{base}/srv.asmx/GetRecycleBinContent"))
        .form(&[("AuthenticationTicket", ticket.as_str())])
        .send()
        .await
        .unwrap());
    let soap = format!(
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><GetRecycleBinContent xmlns=\"http://tempuri.org/\"><AuthenticationTicket>{ticket}</AuthenticationTicket></GetRecycleBinContent></soap:Body></soap:Envelope>"
    );
    ok(http
        .post(format!("{base}/srv.asmx"))
        .header("content-type", "text/xml; charset=utf-8")
        .header("SOAPAction", "\"http://tempuri.org/GetRecycleBinContent\"")
        .body(soap)
        .send()
        .await
        .unwrap());
    ok(http
        .get(format!("{base}/srv.asmx/isValidTicket"))
        .header("cookie", format!("ticket={ticket}"))
        .send()
        .await
        .unwrap());

    // Scene7: the password in the authHeader, in HTTP Basic, and a wrong one.
    for password in [admin_password, wrong_password] {
        let envelope = format!(
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Header><authHeader xmlns=\"http://www.scene7.com/IpsApi/xsd\"><user>admin</user><password>{password}</password></authHeader></soapenv:Header><soapenv:Body><getUserInfoParam xmlns=\"http://www.scene7.com/IpsApi/xsd/2008-01-15\"/></soapenv:Body></soapenv:Envelope>"
        );
        ok(http
            .post(format!("{base}/scene7/services/IpsApiService"))
            .header("content-type", "text/xml; charset=UTF-8")
            .body(envelope)
            .send()
            .await
            .unwrap());
    }
    let envelope = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><getUserInfoParam xmlns=\"http://www.scene7.com/IpsApi/xsd/2008-01-15\"/></soapenv:Body></soapenv:Envelope>";
    ok(http
        .post(format!("{base}/scene7/services/IpsApiService"))
        .basic_auth("admin", Some(admin_password))
        .header("content-type", "text/xml; charset=UTF-8")
        .body(envelope)
        .send()
        .await
        .unwrap());

    // The web pages: the sign-in form, the session cookie, a form token in a query string.
    let res = http
        .post(format!("{base}/login"))
        .form(&[("login", "admin"), ("password", admin_password), ("tenant", "")])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let web_ticket = cookie.trim_start_matches("salvage_session=").to_owned();
    let page = http
        .get(format!("{base}/trash"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    ok(http
        .post(format!("{base}/browse/1/upload?csrf={csrf}"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap());

    assert!(server.stop().success());
    let text = std::fs::read_to_string(&log).unwrap();
    // The log did record these requests (so the test looks at the right output).
    assert!(text.contains("/srv.asmx/GetRecycleBinContent"), "{text}");
    assert!(text.contains("\"level\":\"DEBUG\""), "debug lines are on: {text}");
    let lower = text.to_lowercase();
    for (what, secret) in [
        ("REST token", token.as_str()),
        ("infoRouter ticket", ticket.as_str()),
        ("web session ticket", web_ticket.as_str()),
        ("form token", csrf.as_str()),
        ("password", admin_password),
        ("wrong password", wrong_password),
    ] {
        assert!(
            !lower.contains(&secret.to_lowercase()),
            "the {what} {secret} is in the log:\n{}",
            text.lines()
                .filter(|l| l.to_lowercase().contains(&secret.to_lowercase()))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// The `/metrics` of a server, as (status, text).
async fn scrape(base: &str) -> (u16, String) {
    let res = reqwest::get(format!("{base}/metrics")).await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Where a server said it serves its metrics.
fn metrics_base(server: &crate::support::server::Running) -> String {
    let line = server
        .banner
        .iter()
        .find(|l| l.contains("/metrics"))
        .unwrap_or_else(|| panic!("the server names its metrics address: {:?}", server.banner));
    let address = line.split("http://").nth(1).unwrap().split('/').next().unwrap();
    format!("http://{address}")
}

#[tokio::test]
async fn metrics_can_be_kept_off_the_main_address_and_name_tenants_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let vars = [("SALVAGE_ADMIN_PASSWORD", "pw")];
    let data_flag = ["--data-dir", data.to_str().unwrap()];

    // By default the main address serves the metrics, without tenant names.
    let server = serve(&[&["--listen", "127.0.0.1:0"][..], &data_flag].concat(), &vars);
    let session: serde_json::Value = login(&server.base, "admin", "pw").await.json().await.unwrap();
    let token = session["token"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let made = http
        .post(format!("{}/api/v1/tenants", server.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "name": "Acme" }))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    let lib: serde_json::Value = http
        .post(format!("{}/api/v1/libraries", server.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "name": "Finance" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let deleted = http
        .delete(format!("{}/api/v1/nodes/{}", server.base, lib["id"]))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success());
    let (status, text) = scrape(&server.base).await;
    assert_eq!(status, 200);
    assert!(text.contains("salvage_trash_items{stage=\"user-bin\"} 1"), "{text}");
    assert!(!text.contains("tenant=") && !text.contains("Acme"), "{text}");
    assert!(server.stop().success());

    // With a metrics address (flag) only that address serves them, still summed over tenants.
    let server = serve(
        &[
            &["--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"][..],
            &data_flag,
        ]
        .concat(),
        &vars,
    );
    let metrics = metrics_base(&server);
    assert_ne!(metrics, server.base);
    let (status, text) = scrape(&server.base).await;
    assert_eq!(status, 404, "the main address has no metrics: {text}");
    assert!(!text.contains("salvage_trash_items"), "{text}");
    assert_eq!(
        login(&server.base, "admin", "pw").await.status(),
        201,
        "the rest is served"
    );
    let (status, text) = scrape(&metrics).await;
    assert_eq!(status, 200);
    assert!(text.contains("salvage_trash_items{stage=\"user-bin\"} 1"), "{text}");
    assert!(!text.contains("tenant=") && !text.contains("Acme"), "{text}");
    let other = reqwest::get(format!("{metrics}/api/v1/me")).await.unwrap();
    assert_eq!(other.status(), 404, "the metrics address serves nothing else");
    assert!(server.stop().success());

    // Tenant names only when the configuration asks; the address from the environment, which
    // wins over the file's.
    let config = dir.path().join("salvage.toml");
    std::fs::write(
        &config,
        "metrics_listen = \"127.0.0.1:1\"\nmetrics_tenant_labels = true\n",
    )
    .unwrap();
    let server = serve(
        &[
            &["--listen", "127.0.0.1:0", "--config", config.to_str().unwrap()][..],
            &data_flag,
        ]
        .concat(),
        &[
            ("SALVAGE_ADMIN_PASSWORD", "pw"),
            ("SALVAGE_METRICS_LISTEN", "127.0.0.1:0"),
        ],
    );
    let metrics = metrics_base(&server);
    assert_eq!(scrape(&server.base).await.0, 404);
    let (status, text) = scrape(&metrics).await;
    assert_eq!(status, 200);
    assert!(
        text.contains("salvage_trash_items{stage=\"user-bin\",tenant=\"default\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("salvage_trash_items{stage=\"user-bin\",tenant=\"Acme\"} 0"),
        "{text}"
    );
    assert!(server.stop().success());
}
