//! The world every call acts on: a server with one user per kind of caller, another tenant, and
//! fresh targets (live and trashed items) for each row, renumbered for a second set.

use super::*;

pub(super) async fn world() -> World {
    // Wrong passwords are part of the matrix: no throttling here (it has tests of its own).
    let s = start_configured(
        Config {
            login_throttle: ThrottlePolicy {
                account_failures: 0,
                account_total_failures: 0,
                address_failures: 0,
                ..ThrottlePolicy::default()
            },
            ..Config::default()
        },
        Limits::default(),
    )
    .await;
    let repo = &s.repo;
    let admin_user = repo.check_login("admin", ADMIN_PASSWORD, None).await.unwrap();
    let admin = repo.actor_by_name(TENANT, "admin").await.unwrap();
    let mut entries = Vec::new();
    for who in Who::all() {
        let Some(name) = who.username() else { continue };
        let (role, right) = match who {
            Who::Admin | Who::Foreign => continue,
            Who::Reader => (Role::IpsUser, Right::Read),
            Who::Role(r) => (r, Right::Change),
            _ => (Role::IpsUser, Right::Change),
        };
        let user = repo.create_user(&admin, &new_user(&name), role).await.unwrap();
        entries.push(AclEntry {
            principal: Principal::User(user.id),
            right,
        });
    }
    let lib = repo.create_library(&admin, "Lib").await.unwrap();
    repo.set_access_list(&admin, lib.id, false, &entries, false)
        .await
        .unwrap();
    let folder = repo.create_folder(&admin, lib.id, "F").await.unwrap();
    let elsewhere = repo.create_tenant(&admin, ELSEWHERE).await.unwrap();
    let their_admin = repo.actor_for(&admin_user, elsewhere.id).await.unwrap();
    repo.create_user(&their_admin, &new_user("foreign"), Role::IpsAdmin)
        .await
        .unwrap();
    let mut tickets = HashMap::new();
    for who in Who::all() {
        let Some(name) = who.username() else { continue };
        let (tenant, password) = match who {
            Who::Foreign => (ELSEWHERE, PASSWORD),
            Who::Admin => (TENANT, ADMIN_PASSWORD),
            _ => (TENANT, PASSWORD),
        };
        let (ticket, _) = repo.login(Some(tenant), &name, password, None).await.unwrap();
        tickets.insert(who.label(), ticket);
    }
    tickets.insert(Who::Bogus.label(), "00000000-0000-0000-0000-000000000000".to_owned());
    let owner = repo.actor_by_name(TENANT, "owner").await.unwrap();
    let home = format!("c|{}", admin.tenant_id);
    World {
        tickets,
        owner,
        folder: folder.id,
        home,
        elsewhere: format!("c|{}", elsewhere.id),
        made: Default::default(),
        s,
    }
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.into(),
        email: format!("{name}@example.com"),
        first_name: name.into(),
        last_name: "Tester".into(),
        password: PASSWORD.into(),
        is_system_admin: false,
    }
}

impl World {
    /// The target with the company handle `who` names: its own.
    pub(super) fn as_seen_by(&self, who: Who, target: &Target) -> Target {
        Target {
            company: if who == Who::Foreign {
                self.elsewhere.clone()
            } else {
                self.home.clone()
            },
            ..target.clone()
        }
    }

    /// A fresh target, made by the owner.
    pub(super) async fn target(&self) -> Target {
        let n = self.made.get() + 1;
        self.made.set(n);
        let repo = &self.s.repo;
        let (doc, _) = repo
            .upload(&self.owner, self.folder, &format!("d{n}.txt"), &mut &b"live"[..])
            .await
            .unwrap();
        let (gone, _) = repo
            .upload(&self.owner, self.folder, &format!("g{n}.txt"), &mut &b"deleted"[..])
            .await
            .unwrap();
        let record = repo.delete(&self.owner, gone.id).await.unwrap();
        let sub = repo
            .create_folder(&self.owner, self.folder, &format!("s{n}"))
            .await
            .unwrap();
        Target {
            company: self.home.clone(),
            folder_name: "F".into(),
            doc: doc.id,
            doc_name: doc.name,
            record: record.id,
            gone: gone.id,
            gone_name: gone.name,
            sub: sub.id,
            sub_name: sub.name,
            folder: self.folder,
        }
    }

    /// A fresh target in a folder of its own, made by the owner like any other and then hidden
    /// by an access list from everyone but administrators.
    pub(super) async fn hidden_target(&self) -> Target {
        let n = self.made.get() + 1;
        self.made.set(n);
        let repo = &self.s.repo;
        let admin = repo.actor_by_name(TENANT, "admin").await.unwrap();
        let lib = repo.resolve(&admin, "/Lib").await.unwrap();
        let folder = repo.create_folder(&admin, lib.id, &format!("H{n}")).await.unwrap();
        let (doc, _) = repo
            .upload(&self.owner, folder.id, &format!("d{n}.txt"), &mut &b"live"[..])
            .await
            .unwrap();
        let (gone, _) = repo
            .upload(&self.owner, folder.id, &format!("g{n}.txt"), &mut &b"deleted"[..])
            .await
            .unwrap();
        let record = repo.delete(&self.owner, gone.id).await.unwrap();
        let sub = repo
            .create_folder(&self.owner, folder.id, &format!("s{n}"))
            .await
            .unwrap();
        repo.set_access_list(&admin, folder.id, false, &[], false)
            .await
            .unwrap();
        Target {
            company: self.home.clone(),
            folder_name: folder.name,
            doc: doc.id,
            doc_name: doc.name,
            record: record.id,
            gone: gone.id,
            gone_name: gone.name,
            sub: sub.id,
            sub_name: sub.name,
            folder: folder.id,
        }
    }

    /// Every table but the sessions, row by row.
    pub(super) async fn snapshot(&self) -> String {
        let url = format!("sqlite://{}?mode=ro", self.s.data_dir().join("salvage.db").display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let tables: Vec<(String,)> = sqlx::query_as(
            // Ordinary tables only: the name index (an FTS5 table and its shadow tables) is
            // derived from `trash_records`, which is compared itself.
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT IN ('sessions', '_sqlx_migrations', 'sqlite_schema') ORDER BY name",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut out = String::new();
        for (table,) in tables {
            let columns: Vec<(String,)> = sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&pool)
                .await
                .unwrap();
            let row = columns
                .iter()
                .map(|(c,)| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || ',' || ");
            let rows: Vec<(String,)> = sqlx::query_as(&format!("SELECT {row} FROM \"{table}\" ORDER BY rowid"))
                .fetch_all(&pool)
                .await
                .unwrap();
            writeln!(out, "[{table}]").unwrap();
            for (r,) in rows {
                writeln!(out, "{r}").unwrap();
            }
        }
        pool.close().await;
        out
    }
}
