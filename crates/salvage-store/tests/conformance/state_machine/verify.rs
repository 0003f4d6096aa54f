//! After every step: what the repository shows, to the administrator and to each user, must be
//! what the model says.

use super::*;

impl Harness {
    /// Everything the repository shows must be what the model says.
    pub(super) async fn verify(&self) -> Check {
        let repo = &self.w.repo;
        let admin = &self.w.admin;
        let m = &self.model;

        let violations = repo.check().await.map_err(|e| format!("check failed: {e:?}"))?;
        if !violations.is_empty() {
            return Err(format!("invariants broken: {violations:#?}"));
        }

        // The live tree, walked from the top with `children` (paths by names as the walk goes;
        // `resolve` checks them the other way round below).
        let mut actual = Vec::new();
        let mut stack: Vec<(String, Node)> = Vec::new();
        let libs = repo
            .children(admin, None, None, 10_000)
            .await
            .map_err(|e| format!("children of the top: {e:?}"))?
            .items;
        stack.extend(libs.into_iter().rev().map(|n| (String::new(), n)));
        while let Some((parent_path, n)) = stack.pop() {
            let path = format!("{parent_path}/{}", n.name);
            if n.kind == NodeKind::Document {
                let (version, mut reader) = repo
                    .open_version(admin, n.id, None)
                    .await
                    .map_err(|e| format!("open #{}: {e:?}", n.id))?;
                let mut content = String::new();
                reader.read_to_string(&mut content).await.map_err(|e| e.to_string())?;
                expect_same("current version number", version.number, n.current_version)?;
                actual.push(node_line(
                    &path,
                    n.id,
                    n.kind,
                    n.current_version,
                    n.size,
                    Some(&content),
                ));
            } else {
                actual.push(node_line(&path, n.id, n.kind, 0, 0, None));
                let kids = repo
                    .children(admin, Some(n.id), None, 10_000)
                    .await
                    .map_err(|e| format!("children of #{}: {e:?}", n.id))?
                    .items;
                for k in &kids {
                    expect_same("parent of a listed child", k.parent_id, Some(n.id))?;
                }
                stack.extend(kids.into_iter().rev().map(|k| (path.clone(), k)));
            }
        }
        diff_lines("live tree", &actual, &m.tree_lines())?;

        // A record counts exactly its members: its marked nodes and what lies beneath them
        // without a mark of its own (the model keeps the counts the way the repository does,
        // so this holds both to the rule).
        for (rid, r) in &m.records {
            let marked = m.marked_by(*rid);
            let members = marked
                .iter()
                .map(|n| m.stats(*n))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            expect_same(
                &format!("record {rid}: recorded (items, bytes) against its members"),
                (r.item_count, r.total_size),
                members,
            )?;
        }

        // The trash, as the administrator and as each user sees it.
        let records = repo
            .trash(admin, &TrashFilter::default(), TrashSort::default(), None, 10_000)
            .await
            .map_err(|e| format!("trash listing: {e:?}"))?
            .items;
        let actual: Vec<String> = records.iter().map(|r| record_line(r.id, &model_record(r))).collect();
        diff_lines("trash listing", &actual, &m.record_lines())?;
        for user in &self.actors[1..] {
            self.verify_view_of(user).await?;
        }

        // Every id ever handed out: a live node resolves by its path (by names), anything else
        // is not found by id.
        for id in (1..m.next_node).chain([BOGUS]) {
            if m.is_live(id) {
                let path = m.name_path(id);
                let by_path = repo.resolve(admin, &path).await.map(|n| n.id);
                expect_same(&format!("resolve {path:?}"), by_path, Ok(id))?;
            } else {
                match repo.node(admin, id).await {
                    Err(Error::NotFound(_)) => {}
                    other => {
                        return Err(format!(
                            "node #{id} is not live in the model, but `node` gives {other:?}"
                        ))
                    }
                }
            }
        }

        // `descendants` (one range query) agrees with the walk.
        for lib in m.children(None).into_iter().filter(|l| m.is_live(*l)) {
            let actual: Vec<NodeId> = repo
                .descendants(admin, lib, 10_000)
                .await
                .map_err(|e| format!("descendants of #{lib}: {e:?}"))?
                .iter()
                .map(|n| n.id)
                .collect();
            let mut predicted: Vec<(String, NodeId)> = m
                .nodes
                .keys()
                .filter(|i| **i != lib && m.is_live(**i) && m.chain(**i).contains(&lib))
                .map(|i| (m.path(*i), *i))
                .collect();
            predicted.sort();
            let predicted: Vec<NodeId> = predicted.into_iter().map(|(_, i)| i).collect();
            expect_same(&format!("descendants of #{lib}"), actual, predicted)?;
        }
        Ok(())
    }
}

impl Harness {
    /// What one user sees must be exactly what the model says that user may see: the trash
    /// and each deletion's contents, the libraries and everything below them.
    pub(super) async fn verify_view_of(&self, user: &Actor) -> Check {
        let (repo, m) = (&self.w.repo, &self.model);
        let c = Caller {
            id: user.user_id,
            admin: user.is_admin,
        };
        let who = &user.username;
        let ids = |nodes: Vec<Node>| nodes.iter().map(|n| n.id).collect::<Vec<_>>();
        let in_path_order = |mut v: Vec<NodeId>| {
            v.sort_by_key(|i| m.path(*i));
            v
        };

        let listed: Vec<RecordId> = repo
            .trash(user, &TrashFilter::default(), TrashSort::default(), None, 10_000)
            .await
            .map_err(|e| format!("trash listing of {who}: {e:?}"))?
            .items
            .iter()
            .map(|r| r.id)
            .collect();
        let predicted: Vec<RecordId> = m
            .sorted_records(None)
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| m.record_visible(c, *id))
            .collect();
        expect_same(&format!("trash listing of {who}"), &listed, &predicted)?;
        for rid in predicted {
            let actual = repo
                .trash_contents(user, rid, 10_000)
                .await
                .map_err(|e| format!("contents of record {rid} for {who}: {e:?}"))?;
            let mut seen = Vec::new();
            for marked in m.marked_by(rid) {
                seen.extend(
                    in_path_order(m.members(marked))
                        .into_iter()
                        .filter(|x| m.visible(c, *x)),
                );
            }
            expect_same(&format!("contents of record {rid} for {who}"), ids(actual), seen)?;
        }

        let libraries = repo
            .children(user, None, None, 10_000)
            .await
            .map_err(|e| format!("libraries of {who}: {e:?}"))?
            .items;
        let mut predicted: Vec<NodeId> = m
            .children(None)
            .into_iter()
            .filter(|l| m.is_live(*l) && m.visible(c, *l))
            .collect();
        predicted.sort_by_key(|l| key(&m.node(*l).name));
        expect_same(&format!("libraries of {who}"), ids(libraries), predicted.clone())?;
        for lib in predicted {
            let below = repo
                .descendants(user, lib, 10_000)
                .await
                .map_err(|e| format!("descendants of #{lib} for {who}: {e:?}"))?;
            let seen: Vec<NodeId> = m
                .nodes
                .keys()
                .copied()
                .filter(|i| *i != lib && m.is_live(*i) && m.chain(*i).contains(&lib) && m.visible(c, *i))
                .collect();
            expect_same(
                &format!("descendants of #{lib} for {who}"),
                ids(below),
                in_path_order(seen),
            )?;
        }
        Ok(())
    }
}
