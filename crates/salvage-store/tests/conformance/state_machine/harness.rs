//! The harness: a repository beside the model, each step applied to both and their outcomes
//! compared.

use super::*;

pub(super) fn expect_same<T: std::fmt::Debug + PartialEq>(what: &str, actual: T, predicted: T) -> Check {
    if actual == predicted {
        Ok(())
    } else {
        Err(format!(
            "{what}:\n  repository: {actual:?}\n  model:      {predicted:?}"
        ))
    }
}

pub(super) fn diff_lines(what: &str, actual: &[String], predicted: &[String]) -> Check {
    if actual == predicted {
        return Ok(());
    }
    let mut s = format!("{what} differs\n  repository:\n");
    for l in actual {
        let _ = writeln!(s, "    {}{l}", if predicted.contains(l) { "  " } else { "+ " });
    }
    s.push_str("  model:\n");
    for l in predicted {
        let _ = writeln!(s, "    {}{l}", if actual.contains(l) { "  " } else { "- " });
    }
    Err(s)
}

impl Harness {
    pub(super) async fn new(params: Params) -> Harness {
        let w = world().await;
        let u1 = w.user("u1", Role::IpsUser).await;
        let u2 = w.user("u2", Role::IpsUser).await;
        let u3 = w.user("u3", Role::IpsUser).await;
        w.repo
            .set_trash_settings(
                &w.admin,
                TrashSettings {
                    user_bin_days: params.user_bin_days,
                    system_bin_days: params.system_bin_days,
                    names_reserved: params.names_reserved,
                    restore_policy: params.policy,
                },
            )
            .await
            .expect("settings");
        let alpha = w.library("Alpha").await;
        let beta = w.library("Beta").await;
        let shared = w.folder(&w.admin, &alpha, "Shared").await;
        let acl = vec![
            (u1.user_id, Right::FullControl),
            (u2.user_id, Right::Add),
            (u3.user_id, Right::Read),
        ];
        let entries: Vec<AclEntry> = acl
            .iter()
            .map(|(u, r)| AclEntry {
                principal: Principal::User(*u),
                right: *r,
            })
            .collect();
        w.repo
            .set_access_list(&w.admin, shared.id, false, &entries, false)
            .await
            .expect("access list");
        let now = w.repo.clock().now();
        let mut nodes = BTreeMap::new();
        for (n, acl) in [(&alpha, None), (&beta, None), (&shared, Some(acl))] {
            nodes.insert(
                n.id,
                MNode {
                    parent: n.parent_id,
                    kind: n.kind,
                    name: n.name.clone(),
                    versions: Vec::new(),
                    mark: None,
                    acl,
                },
            );
        }
        let model = Model {
            next_node: shared.id + 1,
            nodes,
            records: BTreeMap::new(),
            blobs: BTreeMap::new(),
            next_record: 1,
            now,
            params,
        };
        let mut h = Harness {
            actors: vec![w.admin.clone(), u1, u2, u3],
            w,
            model,
            log: Vec::new(),
        };
        // A few levels with documents, so that deletions of folders take whole subtrees from
        // the first step on. These steps go through the same checks as the generated ones.
        for (parent, name, content) in [
            (shared.id, "a", Some("1")),
            (shared.id, "Inbox", None),
            (alpha.id, "Projects", None),
            (-1, "Q1", None),
            (-1, "c.txt", Some("22")),
            (-2, "b", Some("333")),
            (-3, "Drafts", None),
            (-1, "a", Some("")),
            (-6, "d.x.y", Some("1")),
            (beta.id, "Archive", None),
            (-1, "Old", None),
            (-1, "c.txt", Some("4444")),
            (beta.id, "b", Some("22")),
        ] {
            // A negative parent counts back from the newest node.
            let parent = if parent < 0 { h.model.next_node + parent } else { parent };
            let next = h.model.clone();
            let done = match content {
                Some(c) => h.upload(next, Who::Admin, parent, name, c).await,
                None => h.create_folder(next, Who::Admin, parent, name).await,
            };
            done.expect("setup");
        }
        h
    }

    fn actor(&self, who: Who) -> (Actor, Caller) {
        let a = self.actors[who as usize].clone();
        (
            a.clone(),
            Caller {
                id: a.user_id,
                admin: a.is_admin,
            },
        )
    }

    /// Runs one step against both the repository and the model and compares the outcomes.
    pub(super) async fn step(&mut self, op: &Op) -> Check {
        let repo = self.w.repo.clone();
        let mut next = self.model.clone();
        match *op {
            Op::CreateLibrary { who, name } => {
                let (actor, c) = self.actor(who);
                let predicted = next.create_library(c, name);
                self.note(format!("{who:?} create library {name:?} -> {predicted:?}"));
                let actual = repo.create_library(&actor, name).await;
                let actual = actual.map(|n| n.id).map_err(|e| refusal(&e));
                self.settle(next, "create library", actual, predicted)
            }
            Op::CreateFolder { who, parent, name } => {
                let parent = next.pick(parent);
                self.create_folder(next, who, parent, name).await
            }
            Op::Upload {
                who,
                parent,
                name,
                content,
            } => {
                let parent = next.pick(parent);
                self.upload(next, who, parent, name, content).await
            }
            Op::Reoccupy { who, trashed, content } => {
                let trashed = next.pick(trashed);
                let parent = next.nearest_live_ancestor(trashed).unwrap_or(BOGUS);
                match next.nodes.get(&trashed).map(|n| (n.kind, n.name.clone())) {
                    Some((NodeKind::Document, name)) => self.upload(next, who, parent, &name, content).await,
                    Some((_, name)) => self.create_folder(next, who, parent, &name).await,
                    None => {
                        self.note(format!("{who:?} reoccupy #{trashed}: it is gone, nothing to do"));
                        Ok(())
                    }
                }
            }
            Op::Move { who, node, to } => {
                let (actor, c) = self.actor(who);
                let (node, to) = (next.pick(node), next.pick(to));
                let predicted = next.move_node(c, node, to);
                self.note(format!("{who:?} move #{node} into #{to} -> {predicted:?}"));
                let actual = repo
                    .move_node(&actor, node, to)
                    .await
                    .map(|_| ())
                    .map_err(|e| refusal(&e));
                self.settle(next, "move", actual, predicted)
            }
            Op::Rename { who, node, name } => {
                let (actor, c) = self.actor(who);
                let node = next.pick(node);
                let predicted = next.rename(c, node, name);
                self.note(format!("{who:?} rename #{node} to {name:?} -> {predicted:?}"));
                let actual = repo
                    .rename(&actor, node, name)
                    .await
                    .map(|_| ())
                    .map_err(|e| refusal(&e));
                self.settle(next, "rename", actual, predicted)
            }
            Op::Delete { who, node } => {
                let (actor, c) = self.actor(who);
                let node = next.pick(node);
                let predicted = next.delete(c, node);
                self.note(format!("{who:?} delete #{node} -> {predicted:?}"));
                let actual = repo.delete(&actor, node).await;
                if let (Ok(r), Ok(_)) = (&actual, &predicted) {
                    // The returned record must be the one the listing shows (checked later).
                    expect_same("deleted record root", r.root_node_id, node)?;
                }
                let actual = actual.map(|r| r.id).map_err(|e| refusal(&e));
                self.settle(next, "delete", actual, predicted)
            }
            Op::Restore { who, ref items, opts } | Op::Preflight { who, ref items, opts } => {
                let dry_run = matches!(op, Op::Preflight { .. });
                let (actor, c) = self.actor(who);
                let items: Vec<TrashItem> = items.iter().map(|i| next.pick_item(c, *i)).collect();
                let options = next.pick_opts(opts);
                let predicted = next.restore_batch(c, &items, options.clone(), dry_run);
                let failed = predicted.iter().any(|o| matches!(o, MOutcome::Failed(_)));
                let applied = !(dry_run || options.all_or_nothing && failed);
                self.note(format!(
                    "{who:?} {} {items:?} with {options:?} -> {predicted:?}",
                    if dry_run { "preflight" } else { "restore" }
                ));
                let report: BatchReport = if dry_run {
                    repo.preflight(&actor, &items, options).await
                } else {
                    repo.restore(&actor, &items, options).await
                }
                .map_err(|e| format!("restore call failed as a whole: {e:?}"))?;
                let actual: Vec<MOutcome> = report.results.iter().map(|r| outcome_of(&r.outcome)).collect();
                let items_back: Vec<TrashItem> = report.results.iter().map(|r| r.item).collect();
                expect_same("restore items echoed", items_back, items)?;
                expect_same("restore outcomes", actual, predicted)?;
                expect_same(
                    "restore applied / dry run",
                    (report.applied, report.dry_run),
                    (applied, dry_run),
                )?;
                self.model = next;
                Ok(())
            }
            Op::Purge { who, ref items } => {
                let (actor, c) = self.actor(who);
                let items: Vec<TrashItem> = items.iter().map(|i| next.pick_item(c, *i)).collect();
                let predicted = next.purge(c, &items);
                self.note(format!("{who:?} purge {items:?} -> {predicted:?}"));
                let actual = match repo.purge(&actor, &items).await {
                    Ok(results) => Ok(results
                        .iter()
                        .map(|r| r.outcome.as_ref().map(|rec| rec.id).map_err(refusal))
                        .collect::<Vec<_>>()),
                    Err(e) => Err(refusal(&e)),
                };
                self.settle(next, "purge", actual, predicted)
            }
            Op::Empty { who, everyone } => {
                let (actor, c) = self.actor(who);
                let predicted = next.empty(c, everyone);
                self.note(format!("{who:?} empty (everyone: {everyone}) -> {predicted:?}"));
                let actual = repo.empty(&actor, everyone).await.map_err(|e| refusal(&e));
                self.settle(next, "empty", actual, predicted)
            }
            Op::Sweep { hours } => {
                self.w.later(hours);
                next.now += Duration::hours(hours);
                let predicted = next.sweep();
                self.note(format!(
                    "{hours} hours later, sweep -> (to system bin, purged, blobs removed) {predicted:?}"
                ));
                let r = repo.sweep().await.map_err(|e| format!("sweep failed: {e:?}"))?;
                expect_same("sessions expired", r.sessions_expired, 0)?;
                let actual = (r.moved_to_system_bin, r.purged, r.blobs_removed);
                self.settle(next, "sweep", Ok::<_, Refusal>(actual), Ok(predicted))
            }
            Op::SetAcl { who, folder, acl } => {
                let (actor, c) = self.actor(who);
                let folder = next.pick(folder);
                let acl: Option<Vec<(UserId, Right)>> = acl.map(|rights| {
                    self.actors[1..]
                        .iter()
                        .zip(rights)
                        .filter_map(|(u, r)| r.map(|r| (u.user_id, r)))
                        .collect()
                });
                let predicted = next.set_acl(c, folder, acl.clone());
                self.note(format!(
                    "{who:?} set the access list of #{folder} to {acl:?} -> {predicted:?}"
                ));
                let entries: Vec<AclEntry> = acl
                    .iter()
                    .flatten()
                    .map(|(u, r)| AclEntry {
                        principal: Principal::User(*u),
                        right: *r,
                    })
                    .collect();
                let actual = repo
                    .set_access_list(&actor, folder, acl.is_none(), &entries, false)
                    .await
                    .map_err(|e| refusal(&e));
                self.settle(next, "set access list", actual, predicted)
            }
        }
    }

    pub(super) async fn create_folder(&mut self, mut next: Model, who: Who, parent: NodeId, name: &str) -> Check {
        let (actor, c) = self.actor(who);
        let predicted = next.create_folder(c, parent, name);
        self.note(format!("{who:?} create folder {name:?} in #{parent} -> {predicted:?}"));
        let actual = self.w.repo.create_folder(&actor, parent, name).await;
        let actual = actual.map(|n| n.id).map_err(|e| refusal(&e));
        self.settle(next, "create folder", actual, predicted)
    }

    pub(super) async fn upload(
        &mut self,
        mut next: Model,
        who: Who,
        parent: NodeId,
        name: &str,
        content: &'static str,
    ) -> Check {
        let (actor, c) = self.actor(who);
        let predicted = next.upload(c, parent, name, content);
        self.note(format!(
            "{who:?} upload {name:?} = {content:?} into #{parent} -> {predicted:?}"
        ));
        let actual = self.w.repo.upload(&actor, parent, name, &mut content.as_bytes()).await;
        let actual = actual.map(|(n, v)| (n.id, v.number)).map_err(|e| refusal(&e));
        self.settle(next, "upload", actual, predicted)
    }

    fn note(&mut self, line: String) {
        let n = self.log.len() + 1;
        self.log.push(format!("{n:>3}. {line}"));
    }

    /// Compares an outcome; on success the model moves on to its predicted state.
    fn settle<T: std::fmt::Debug + PartialEq>(
        &mut self,
        next: Model,
        what: &str,
        actual: Res<T>,
        predicted: Res<T>,
    ) -> Check {
        expect_same(&format!("outcome of {what}"), &actual, &predicted)?;
        if predicted.is_ok() {
            self.model = next;
        }
        Ok(())
    }
}
