//! Seeding the installation the rounds work on: a source tree imported with `salvage import`,
//! read back by id.

use super::*;

/// The seeded source tree, as `salvage import` will copy it under `/Crash`.
fn write_source(dir: &Path) {
    let write = |rel: String| {
        let path = dir.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content_of(&format!("/Crash/{rel}"))).unwrap();
    };
    for t in 0..TREES {
        for s in 0..SUBFOLDERS {
            for d in 0..DOCS_PER_SUBFOLDER {
                write(format!("Trees/T{t}/S{s}/doc-{d}.txt"));
            }
            let empty = EMPTY_FOLDERS_PER_SUBFOLDER[usize::from(t > 0)];
            for e in 0..empty {
                std::fs::create_dir_all(dir.join(format!("Trees/T{t}/S{s}/empty-{e}"))).unwrap();
            }
        }
    }
    for d in 0..SINGLES {
        write(format!("Singles/single-{d:04}.txt"));
    }
    for c in 0..CAROL_FOLDERS {
        for d in 0..CAROL_DOCS {
            write(format!("Carol/C{c}/carol-{d}.txt"));
        }
    }
}

pub(super) fn start(data: &Path) -> Running {
    let data = data.display().to_string();
    serve(&["--listen", "127.0.0.1:0", "--data-dir", &data], &[])
}

async fn resolve(rest: &Rest, path: &str) -> i64 {
    let (status, node) = rest
        .get(&format!("/resolve?path={}", clients::urlencode(path)))
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK, "resolve {path}: {node}");
    node["id"].as_i64().unwrap()
}

/// Every node beneath a live folder (not the folder itself). The seeded `empty-*` folders are
/// listed but not opened: nothing ever puts anything in them.
pub(super) async fn descendants(rest: &Rest, folder: i64) -> Vec<Value> {
    let mut found = Vec::new();
    let mut pending = vec![folder];
    while let Some(parent) = pending.pop() {
        for child in rest.all_pages(&format!("/nodes/{parent}/children"), "after").await {
            let empty = child["name"].as_str().unwrap().starts_with("empty-");
            if child["kind"] != "document" && !empty {
                pending.push(child["id"].as_i64().unwrap());
            }
            found.push(child);
        }
    }
    found
}

async fn tree_at(rest: &Rest, path: &str) -> Tree {
    let root = resolve(rest, path).await;
    let mut tree = Tree {
        path: path.to_owned(),
        root,
        nodes: BTreeSet::from([root]),
        docs: Vec::new(),
        size: 0,
    };
    for node in descendants(rest, root).await {
        let id = node["id"].as_i64().unwrap();
        tree.nodes.insert(id);
        if node["kind"] == "document" {
            let content = content_of(node["path"].as_str().unwrap());
            tree.size += content.len() as i64;
            tree.docs.push(Doc {
                id,
                sha: sha256(&content),
            });
        }
    }
    tree
}

/// Seeds the data directory with `salvage init` and `salvage import`, then reads the ids back
/// through a server.
pub(super) async fn seed(dir: &Path, http: &Client) -> Seed {
    let source = dir.join("source");
    write_source(&source);
    let data = dir.join("data").display().to_string();
    let vars = [("SALVAGE_ADMIN_PASSWORD", PASSWORD)];
    for args in [
        vec!["--data-dir", &data, "init"],
        vec!["--data-dir", &data, "import", source.to_str().unwrap(), "/Crash"],
    ] {
        let out = clients::salvage_with(&args, &vars);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let server = start(&dir.join("data"));
    let admin = Rest::login(http, &server.base, "admin", PASSWORD).await;
    let (status, carol) = admin
        .post(
            "/users",
            json!({ "username": "carol", "email": "carol@example.com", "password": CAROL_PASSWORD }),
        )
        .await
        .unwrap();
    assert_eq!(status, StatusCode::CREATED, "{carol}");
    let crash = resolve(&admin, "/Crash").await;
    let (status, uploads) = admin
        .post(&format!("/nodes/{crash}/folders"), json!({ "name": "Uploads" }))
        .await
        .unwrap();
    assert_eq!(status, StatusCode::CREATED, "{uploads}");

    let mut trees = Vec::new();
    for t in 0..TREES {
        trees.push(tree_at(&admin, &format!("/Crash/Trees/T{t}")).await);
    }
    let mut carol = Vec::new();
    for c in 0..CAROL_FOLDERS {
        carol.push(tree_at(&admin, &format!("/Crash/Carol/C{c}")).await);
    }
    let singles = tree_at(&admin, "/Crash/Singles").await;
    let mut singles_docs = singles.docs.clone();
    singles_docs.sort_by_key(|d| d.id);
    assert_eq!(singles_docs.len(), SINGLES);
    server.stop();
    Seed {
        trees,
        singles_folder: singles.root,
        singles: singles_docs,
        carol,
        uploads_folder: uploads["id"].as_i64().unwrap(),
    }
}
