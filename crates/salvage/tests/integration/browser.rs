//! The web pages in a real headless browser (Debian's Chromium through ChromeDriver) against
//! `salvage serve --demo`: delete a folder with subfolders, find it in the bin by filter, check
//! and restore it; a name conflict shown by the check and resolved by renaming; another user's
//! deletions out of sight. Screenshots of the main pages are left in `target/screenshots/`.

use crate::support::server::demo;
use fantoccini::{Client, ClientBuilder, Locator};
use salvage_testkit::{screenshot_dir, ChromeDriver};

async fn browser(driver: &ChromeDriver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]
        }),
    );
    // ChromeDriver listens on plain HTTP on loopback: no TLS stack is needed to talk to it.
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a ChromeDriver session")
}

async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).expect("save the screenshot");
}

/// An element, waiting for it while a page is still loading.
async fn find(client: &Client, locator: Locator<'_>) -> fantoccini::elements::Element {
    match client
        .wait()
        .at_most(std::time::Duration::from_secs(15))
        .for_element(locator)
        .await
    {
        Ok(element) => element,
        Err(e) => {
            // Say where the browser was and what it showed, and keep a picture of it.
            shot(client, "failure").await;
            let url = client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let source = client.source().await.unwrap_or_default();
            panic!("{locator:?}: {e}\nat {url}:\n{source}")
        }
    }
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = find(client, Locator::Css(css)).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    find(client, Locator::Css(css))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn page_text(client: &Client) -> String {
    // Waiting for <main> lets a page that is still loading finish first. A navigation can
    // still replace the page between finding <body> and reading it (a stale element): then
    // read the new page.
    for _ in 0..50 {
        find(client, Locator::Css("main")).await;
        if let Ok(text) = find(client, Locator::Css("body")).await.text().await {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the page kept changing while its text was read");
}

/// The page's text once it contains `needle` (a click's navigation may still be under way when
/// this is called); the last text seen otherwise, for the assertion message.
async fn text_with(client: &Client, needle: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let text = page_text(client).await;
        if text.contains(needle) || std::time::Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn sign_in(client: &Client, base: &str, user: &str, password: &str, screenshot: Option<&str>) {
    client.goto(&format!("{base}/login")).await.unwrap();
    fill(client, "#login", user).await;
    fill(client, "#password", password).await;
    if let Some(name) = screenshot {
        shot(client, name).await;
    }
    click(client, "form button[type=submit]").await;
    let signed_in = format!("Signed in as {user}");
    let text = text_with(client, &signed_in).await;
    assert!(text.contains(&signed_in), "{text}");
}

/// Opens a folder by following the links of its path from the libraries page.
async fn open(client: &Client, base: &str, path: &[&str]) {
    client.goto(&format!("{base}/")).await.unwrap();
    for name in path {
        find(client, Locator::LinkText(name)).await.click().await.unwrap();
    }
}

/// Ticks the bin's checkbox of the item labelled `name`.
async fn tick(client: &Client, name: &str) {
    find(
        client,
        Locator::XPath(&format!(
            "//tr[td/label[normalize-space()='{name}']]//input[@type='checkbox']"
        )),
    )
    .await
    .click()
    .await
    .unwrap();
}

#[tokio::test]
async fn a_deleted_folder_is_found_checked_and_restored_in_a_browser() {
    let _alone = crate::support::alone().await;
    let Some(driver) = ChromeDriver::start() else {
        return;
    };
    let server = demo();
    let base = server.base.clone();
    let client = browser(&driver).await;

    sign_in(&client, &base, "alice", "demo-password", Some("login")).await;
    shot(&client, "libraries").await;

    // Delete /Finance/Reports (with its subfolder 2026) from its library's page.
    open(&client, &base, &["Finance"]).await;
    find(
        &client,
        Locator::XPath("//tr[td/a[normalize-space()='Reports']]//summary"),
    )
    .await
    .click()
    .await
    .unwrap();
    let delete = find(&client, Locator::XPath("//button[normalize-space()='Delete Reports']")).await;
    delete.click().await.unwrap();
    let text = text_with(&client, "was moved to the recycle bin").await;
    assert!(
        text.contains("\u{201c}Reports\u{201d} was moved to the recycle bin."),
        "{text}"
    );
    shot(&client, "deleted-with-undo").await;

    // Find it in the bin by filter, check, restore.
    client.goto(&format!("{base}/trash")).await.unwrap();
    fill(&client, "#name", "Rep").await;
    click(&client, "form.filters button[type=submit]").await;
    let text = text_with(&client, "Deleted from").await;
    assert!(text.contains("Reports") && !text.contains("brief.docx"), "{text}");
    shot(&client, "recycle-bin").await;
    tick(&client, "Reports").await;
    click(
        &client,
        "form[action='/trash/preflight'] p button[type=submit]:not([formaction])",
    )
    .await;
    let text = text_with(&client, "can be restored").await;
    assert!(
        text.contains("1 can be restored, 0 would be skipped, 0 cannot be restored"),
        "{text}"
    );
    shot(&client, "preflight").await;
    click(&client, "form[action='/trash/restore'] button[type=submit]").await;
    assert!(text_with(&client, "1 restored, 0 skipped, 0 not restored")
        .await
        .contains("1 restored, 0 skipped, 0 not restored"));
    open(&client, &base, &["Finance", "Reports", "2026"]).await;
    let text = text_with(&client, "Q2 report.pdf").await;
    assert!(
        text.contains("Q2 report.pdf"),
        "the folder is back with its contents: {text}"
    );

    // A folder named like the deleted Spring campaign is made meanwhile: the check shows the
    // conflict, and a restore under a new name resolves it.
    open(&client, &base, &["Marketing", "Campaigns"]).await;
    fill(&client, "#new-folder", "Spring").await;
    click(&client, "form[action$='/folders'] button[type=submit]").await;
    // The folder exists once its page says so; only then leave it.
    let text = text_with(&client, "created.").await;
    assert!(text.contains("Folder \u{201c}Spring\u{201d} created."), "{text}");
    client.goto(&format!("{base}/trash?name=Spring")).await.unwrap();
    tick(&client, "Spring").await;
    click(
        &client,
        "form[action='/trash/preflight'] p button[type=submit]:not([formaction])",
    )
    .await;
    let text = text_with(&client, "Cannot be restored").await;
    assert!(
        text.contains("Cannot be restored") && text.contains("already exists"),
        "{text}"
    );
    shot(&client, "preflight-conflict").await;
    find(&client, Locator::Css("#conflict"))
        .await
        .select_by_value("rename")
        .await
        .unwrap();
    click(&client, "form[action='/trash/restore'] button[type=submit]").await;
    let text = text_with(&client, "1 restored").await;
    assert!(
        text.contains("1 restored") && text.contains("Spring (restored)"),
        "{text}"
    );
    open(&client, &base, &["Marketing", "Campaigns", "Spring (restored)"]).await;
    let text = text_with(&client, "brief.docx").await;
    assert!(text.contains("brief.docx"), "{text}");

    // Alice never sees what Bob deleted.
    client.goto(&format!("{base}/trash")).await.unwrap();
    let text = page_text(&client).await;
    assert!(!text.contains("Travel.md") && !text.contains("Q1 report.pdf"), "{text}");
    client.goto(&format!("{base}/audit")).await.unwrap();
    shot(&client, "audit").await;

    // The administrator sees everyone's, including the system bin.
    click(&client, "form[action='/logout'] button").await;
    sign_in(&client, &base, "admin", "demo-admin", None).await;
    client.goto(&format!("{base}/trash")).await.unwrap();
    let text = text_with(&client, "Travel.md").await;
    assert!(text.contains("Travel.md") && text.contains("system bin"), "{text}");
    shot(&client, "recycle-bin-admin").await;
    client.close().await.unwrap();
}
