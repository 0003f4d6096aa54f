//! The `salvage` binary as a user meets it: real processes on a temporary data directory.

use salvage_store::testing::ScratchDatabase;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
    /// The PostgreSQL database the commands use (`--database-url`); SQLite in the data
    /// directory without one.
    database: Option<ScratchDatabase>,
}

impl Env {
    fn new() -> Env {
        Env::init(None)
    }

    /// An environment on a new PostgreSQL database; `None` when PostgreSQL cannot be reached
    /// (and `SALVAGE_REQUIRE_POSTGRES=1` does not insist).
    fn on_postgres() -> Option<Env> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let database = runtime.block_on(ScratchDatabase::for_test())?;
        Some(Env::init(Some(database)))
    }

    fn init(database: Option<ScratchDatabase>) -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
            database,
        };
        let out = env.run_with(&["init"], &[("SALVAGE_ADMIN_PASSWORD", "correct horse")]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        env
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run_with(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_salvage"));
        cmd.args(args)
            .env("SALVAGE_DATA_DIR", self.data())
            .env_remove("SALVAGE_DATABASE_URL")
            .env_remove("SALVAGE_USER")
            .env_remove("SALVAGE_ADMIN_PASSWORD");
        if let Some(database) = &self.database {
            cmd.env("SALVAGE_DATABASE_URL", &database.url);
        }
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.current_dir(self.dir.path()).output().expect("run salvage")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run_with(args, &[]);
        assert!(
            out.status.success(),
            "salvage {args:?} failed: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).expect("valid JSON")
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run_with(args, &[]);
        assert!(
            !out.status.success(),
            "salvage {args:?} should fail but printed {}",
            text(&out.stdout)
        );
        format!("{}{}", text(&out.stdout), text(&out.stderr))
    }

    fn tree(&self, files: &[(&str, &str)]) -> String {
        let src = self.dir.path().join("src");
        for (path, content) in files {
            let file = src.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, content).unwrap();
        }
        src.display().to_string()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn paths(listing: &Value) -> Vec<String> {
    listing
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn init_generates_a_password_once_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_salvage"))
            .args(["init", "--data-dir"])
            .arg(&data)
            .env_remove("SALVAGE_ADMIN_PASSWORD")
            .output()
            .unwrap()
    };
    let first = text(&run().stdout);
    assert!(first.contains("The administrator's password is: "), "{first}");
    let password = first
        .lines()
        .find_map(|l| l.strip_prefix("The administrator's password is: "))
        .unwrap();
    assert!(password.len() >= 16);
    let second = text(&run().stdout);
    assert!(second.contains("already set up"), "{second}");
    assert!(!second.contains(password));
    assert!(data.join("salvage.db").exists());
}

#[test]
fn commands_need_an_initialised_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_salvage"))
        .args(["ls", "--data-dir"])
        .arg(dir.path().join("none"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("run `salvage init` first"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn import_list_delete_and_restore_a_tree() {
    import_list_delete_and_restore(Env::new());
}

#[test]
fn import_list_delete_and_restore_a_tree_on_postgres() {
    if let Some(env) = Env::on_postgres() {
        import_list_delete_and_restore(env);
    }
}

#[test]
fn an_unreachable_database_is_a_clear_error_without_the_password() {
    let env = Env::new();
    let out = env.fails(&[
        "check",
        "--database-url",
        "postgres://salvage:s3cret@127.0.0.1:1/salvage",
    ]);
    assert!(
        out.contains("cannot connect to PostgreSQL database \"salvage\" at 127.0.0.1:1"),
        "{out}"
    );
    assert!(out.contains("Is the server running"), "{out}");
    assert!(!out.contains("s3cret"), "{out}");
    let out = env.fails(&["check", "--database-url", "mysql://salvage:s3cret@db/salvage"]);
    assert!(
        out.contains("SQLite (sqlite:///path/to/salvage.db) or PostgreSQL"),
        "{out}"
    );
    assert!(!out.contains("s3cret"), "{out}");
}

fn import_list_delete_and_restore(env: Env) {
    let src = env.tree(&[("a/b/x.txt", "hello"), ("a/y.txt", "world"), ("c/z.txt", "z")]);
    let summary = env.json(&["import", &src, "/Docs/In"]);
    assert_eq!(
        (
            summary["documents"].as_u64(),
            summary["folders"].as_u64(),
            summary["bytes"].as_i64()
        ),
        (Some(3), Some(3), Some(11))
    );

    // --data-dir is accepted after the subcommand as well as before it
    let data = env.data();
    let listing = env.json(&["ls", "-R", "/Docs", "--data-dir", &data]);
    assert_eq!(
        paths(&listing),
        [
            "/Docs/In",
            "/Docs/In/a",
            "/Docs/In/a/b",
            "/Docs/In/a/b/x.txt",
            "/Docs/In/a/y.txt",
            "/Docs/In/c",
            "/Docs/In/c/z.txt"
        ]
    );
    let listing = env.json(&["--data-dir", &data, "ls", "/Docs/In"]);
    assert_eq!(paths(&listing), ["a", "c"]);

    let removed = env.ok(&["rm", "/Docs/In/a"]);
    assert!(removed.contains("trash item 1 (4 item(s), 10 B)"), "{removed}");
    assert_eq!(paths(&env.json(&["ls", "/Docs/In"])), ["c"]);
    let trash = env.json(&["trash", "list"]);
    assert_eq!(trash[0]["original_path"], "/Docs/In/a");
    assert_eq!(trash[0]["deleted_by_name"], "admin");
    assert_eq!(trash[0]["item_count"], 4);

    let shown = env.json(&["trash", "show", "1"]);
    let contents: Vec<_> = shown["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["a", "b", "x.txt", "y.txt"]);

    let restored = env.json(&["trash", "restore", "1"]);
    assert_eq!(restored["restored"], 1);
    assert_eq!(restored["results"][0]["path"], "/Docs/In/a");
    assert_eq!(
        paths(&env.json(&["ls", "-R", "/Docs/In/a"])),
        ["/Docs/In/a/b", "/Docs/In/a/b/x.txt", "/Docs/In/a/y.txt"]
    );
    assert!(env.ok(&["check"]).contains("All invariants hold"));
}

#[test]
fn restore_reports_conflicts_and_renames_on_request() {
    let env = Env::new();
    let src = env.tree(&[("r.txt", "old")]);
    env.ok(&["import", &src, "/L"]);
    env.ok(&["rm", "/L/r.txt"]);
    env.ok(&["import", &src, "/L"]);
    let out = env.fails(&["trash", "restore", "1"]);
    assert!(out.contains("already exists in the target folder"), "{out}");
    let dry = env.json(&["trash", "restore", "1", "--on-conflict", "rename", "--dry-run"]);
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["applied"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(dry["results"][0]["path"], "/L/r (restored).txt");
    assert_eq!(
        paths(&env.json(&["ls", "/L"])),
        ["r.txt"],
        "the preflight changed nothing"
    );
    let done = env.json(&["trash", "restore", "1", "--on-conflict", "rename"]);
    assert_eq!(done["results"][0]["renamed_from"], "r.txt");
    assert_eq!(paths(&env.json(&["ls", "/L"])), ["r (restored).txt", "r.txt"]);
}

#[test]
fn one_item_out_of_a_deleted_folder_and_missing_parents() {
    let env = Env::new();
    let src = env.tree(&[("f/sub/a.txt", "a"), ("f/b.txt", "b")]);
    env.ok(&["import", &src, "/L"]);
    let id = env
        .json(&["ls", "-R", "/L"])
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "a.txt")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    env.ok(&["rm", "/L/f"]);
    let item = format!("node:{id}");
    let out = env.fails(&["trash", "restore", &item]);
    assert!(out.contains("original location no longer exists"), "{out}");
    env.ok(&["trash", "restore", &item, "--missing-parent", "recreate"]);
    assert_eq!(
        paths(&env.json(&["ls", "-R", "/L"])),
        ["/L/f", "/L/f/sub", "/L/f/sub/a.txt"]
    );
    assert_eq!(
        env.json(&["trash", "list"])[0]["item_count"],
        1,
        "b.txt is still in the trash"
    );
    env.ok(&["trash", "restore", "1"]);
    assert_eq!(
        paths(&env.json(&["ls", "-R", "/L"])),
        ["/L/f", "/L/f/b.txt", "/L/f/sub", "/L/f/sub/a.txt"]
    );
}

#[test]
fn bulk_restore_by_filter_with_preflight() {
    let env = Env::new();
    let src = env.tree(&[
        ("keep.txt", "1"),
        ("q1.xls", "2"),
        ("q2.xls", "3"),
        ("other/q3.xls", "4"),
    ]);
    env.ok(&["import", &src, "/Finance"]);
    for p in [
        "/Finance/q1.xls",
        "/Finance/q2.xls",
        "/Finance/other/q3.xls",
        "/Finance/keep.txt",
    ] {
        env.ok(&["rm", p]);
    }
    let filter = [
        "trash",
        "restore",
        "--filter",
        "--deleted-by",
        "admin",
        "--since",
        "1h",
        "--name",
        ".XLS",
        "--path-prefix",
        "/Finance",
        "--type",
        "document",
    ];
    let mut dry = filter.to_vec();
    dry.push("--dry-run");
    assert_eq!(env.json(&dry)["restored"], 3);
    assert_eq!(env.json(&["trash", "list"]).as_array().unwrap().len(), 4);
    env.json(&filter);
    let left = env.json(&["trash", "list"]);
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["name"], "keep.txt");
    // A plain date is its whole day on either end; a user by id works like a user by name.
    let today = chrono::Utc::now().date_naive().to_string();
    let dated = env.json(&[
        "trash",
        "list",
        "--since",
        &today,
        "--until",
        &today,
        "--deleted-by",
        "1",
    ]);
    assert_eq!(dated.as_array().unwrap().len(), 1, "{dated}");
    let narrowed = env.json(&["trash", "list", "--path-prefix", "\\Finance\\other"]);
    assert_eq!(narrowed.as_array().unwrap().len(), 0);
}

#[test]
fn the_trash_lists_in_the_order_asked_for() {
    let env = Env::new();
    let src = env.tree(&[("b.txt", "bbb"), ("A.txt", "a"), ("c.txt", "ccccc")]);
    env.ok(&["import", &src, "/L"]);
    for p in ["/L/b.txt", "/L/A.txt", "/L/c.txt"] {
        env.ok(&["rm", p]);
    }
    let names = |sort: &str| -> Vec<String> {
        env.json(&["trash", "list", "--sort", sort, "--limit", "2"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("largest"), ["c.txt", "b.txt"]);
    assert_eq!(names("smallest"), ["A.txt", "b.txt"]);
    assert_eq!(names("name"), ["A.txt", "b.txt"]);
    assert_eq!(names("name-desc"), ["c.txt", "b.txt"]);
    let refused = env.fails(&["trash", "list", "--sort", "sideways"]);
    assert!(refused.contains("largest"), "{refused}");
}

#[test]
fn purge_empty_and_sweep() {
    let env = Env::new();
    let src = env.tree(&[("a.txt", "a"), ("b.txt", "b")]);
    env.ok(&["import", &src, "/L"]);
    env.ok(&["rm", "/L/a.txt"]);
    env.ok(&["rm", "/L/b.txt"]);
    let purged = env.json(&["trash", "purge", "1"]);
    assert_eq!(purged[0]["status"], "purged");
    assert!(env
        .ok(&["trash", "empty"])
        .contains("Moved 1 item(s) to the system recycle bin"));
    assert_eq!(env.json(&["trash", "list"])[0]["stage"], "system-bin");
    let sweep = env.json(&["trash", "sweep"]);
    assert_eq!(sweep["purged"], 0, "not due yet");
    let out = env.fails(&["trash", "purge", "1"]);
    assert!(out.contains("no longer in the recycle bin"), "{out}");
    assert!(env.ok(&["check"]).contains("All invariants hold"));
}

#[test]
fn bad_input_gets_clear_errors_and_changes_nothing() {
    let env = Env::new();
    let src = env.tree(&[("fine.txt", "ok"), ("bad\\name.txt", "x")]);
    let out = env.fails(&["import", &src, "/L"]);
    assert!(
        out.contains("bad\\name.txt") && out.contains("must not contain"),
        "{out}"
    );
    assert_eq!(paths(&env.json(&["ls", "/L"])), ["fine.txt"]);
    assert!(env.fails(&["rm", "/L/missing.txt"]).contains("not found"));
    assert!(env
        .fails(&["trash", "restore", "abc"])
        .contains("cannot read \"abc\" as a trash item"));
    assert!(env
        .fails(&["trash", "list", "--since", "soonish"])
        .contains("--since must be a time"));
    assert!(env
        .fails(&["trash", "list", "--deleted-by", "ghost"])
        .contains("--deleted-by must name a user"));
    assert!(env
        .fails(&["trash", "restore", "99"])
        .contains("no longer in the recycle bin"));
    assert!(env
        .fails(&["ls", "--as", "ghost"])
        .contains("cannot act as user \"ghost\""));
    assert!(env
        .fails(&["import", "/definitely/not/here", "/L"])
        .contains("is not a directory"));
    assert!(Path::new(&env.data()).join("salvage.db").exists());
}
