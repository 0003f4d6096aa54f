//! The operations a round starts before the kill, each noting what it was told (acknowledged or
//! not) in the `InFlight` the next round verifies.

use super::*;

impl Round<'_> {
    /// Makes the repository ready for the chosen operations (acknowledged changes, before any
    /// kill), then starts them. Returns what is in flight.
    pub(super) async fn start_operations(
        &mut self,
        rng: &mut StdRng,
        round: usize,
        admin: &Rest,
        carol: &Rest,
        tickets: &Tickets,
    ) -> (InFlight, Vec<tokio::task::JoinHandle<()>>) {
        let mut flight = InFlight::default();
        let mut tasks = Vec::new();
        let base = admin.base.clone();
        let trash = records_by_root(admin).await;
        let record_of = |root: i64| trash[&root][0]["id"].as_i64().unwrap();

        // Up to three trees: delete a live one, restore or purge a deleted one.
        let remaining = self.model.trees.iter().filter(|&&p| p != Place::Purged).count();
        let mut candidates: Vec<usize> = (0..TREES).filter(|&i| self.model.trees[i] != Place::Purged).collect();
        candidates.shuffle(rng);
        let mut purges = 0;
        for &i in candidates.iter().take(rng.gen_range(1..=3)) {
            let tree = &self.seed.trees[i];
            let acked = Arc::new(AtomicBool::new(false));
            let (rest, binding) = (
                rng.gen_bool(0.5).then(|| admin.clone()),
                *Binding::ALL.choose(rng).unwrap(),
            );
            let (http, base, ticket, a) = (self.http.clone(), base.clone(), tickets.admin.clone(), acked.clone());
            let after = match self.model.trees[i] {
                Place::Live => {
                    let (root, path) = (tree.root, tree.path.clone());
                    tasks.push(tokio::spawn(async move {
                        let ok = match rest {
                            Some(rest) => answer(rest.call(Method::DELETE, &format!("/nodes/{root}"), None).await)
                                .is_some_and(|(s, _)| s == StatusCode::OK),
                            None => {
                                inforouter_ok(
                                    &http,
                                    &base,
                                    binding,
                                    "DeleteFolder",
                                    &[("AuthenticationTicket", &ticket), ("Path", &path)],
                                )
                                .await
                            }
                        };
                        a.store(ok, Ordering::SeqCst);
                    }));
                    Place::UserBin
                }
                Place::UserBin | Place::SystemBin if remaining - purges > 3 && rng.gen_bool(0.3) => {
                    purges += 1;
                    let record = record_of(tree.root);
                    tasks.push(tokio::spawn(async move {
                        let ok = match rest {
                            Some(rest) => answer(rest.post("/trash/purge", json!({ "items": [record] })).await)
                                .is_some_and(|(s, v)| s == StatusCode::OK && v[0]["status"] == "purged"),
                            None => {
                                let handler = format!("F{record}");
                                inforouter_ok(
                                    &http,
                                    &base,
                                    binding,
                                    "PurgeRecycleBinItem",
                                    &[("AuthenticationTicket", &ticket), ("ItemHandler", &handler)],
                                )
                                .await
                            }
                        };
                        a.store(ok, Ordering::SeqCst);
                    }));
                    Place::Purged
                }
                Place::UserBin | Place::SystemBin => {
                    let record = record_of(tree.root);
                    tasks.push(tokio::spawn(async move {
                        let ok = match rest {
                            Some(rest) => answer(rest.post("/trash/restore", json!({ "items": [record] })).await)
                                .is_some_and(|(s, v)| s == StatusCode::OK && v["results"][0]["status"] == "restored"),
                            None => {
                                let handler = format!("F{record}");
                                inforouter_ok(
                                    &http,
                                    &base,
                                    binding,
                                    "RestoreRecycleBinItem",
                                    &[
                                        ("AuthenticationTicket", &ticket),
                                        ("ItemHandler", &handler),
                                        ("RestorePath", ""),
                                    ],
                                )
                                .await
                            }
                        };
                        a.store(ok, Ordering::SeqCst);
                    }));
                    Place::Live
                }
                Place::Purged => unreachable!("purged trees are not candidates"),
            };
            flight.trees.push((i, after, acked));
        }

        if rng.gen_bool(0.6) {
            flight.filter_restore = Some(self.start_filter_restore(admin, &mut tasks).await);
        }
        if rng.gen_bool(0.5) {
            flight.empty = Some(self.start_empty(rng, admin, carol, &tickets.carol, &mut tasks).await);
        }
        tasks.push(self.start_uploads(rng.next_u64(), round, admin, flight.uploads.clone()));
        (flight, tasks)
    }

    /// Deletes every live single document (one Scene7 `deleteAssets`, acknowledged), then starts
    /// restoring them all by one filter, as a background job whose progress is followed.
    async fn start_filter_restore(
        &mut self,
        admin: &Rest,
        tasks: &mut Vec<tokio::task::JoinHandle<()>>,
    ) -> FilterRestore {
        let live: Vec<i64> = (0..SINGLES)
            .filter(|&i| self.model.singles_live[i])
            .map(|i| self.seed.singles[i].id)
            .collect();
        if !live.is_empty() {
            let body = format!(
                "<deleteAssetsParam xmlns=\"{}\"><companyHandle>c|1</companyHandle>\
                 <assetHandleArray>{}</assetHandleArray></deleteAssetsParam>",
                clients::IPS,
                clients::asset_handles(&live)
            );
            let (status, response) = clients::scene7(&self.http, &admin.base, "admin", PASSWORD, &body)
                .await
                .unwrap();
            assert_eq!(status, StatusCode::OK, "{response}");
            assert!(
                response.contains(&format!("<successCount>{}</successCount>", live.len())),
                "{response}"
            );
            self.model.singles_live = vec![false; SINGLES];
        }
        let index: HashMap<i64, usize> = self.seed.singles.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        let order: Vec<usize> = admin
            .all_pages("/trash?sort=oldest&path_prefix=/Crash/Singles", "cursor")
            .await
            .iter()
            .map(|r| index[&r["root_node_id"].as_i64().unwrap()])
            .collect();
        assert_eq!(order.len(), SINGLES);

        let done_seen = Arc::new(AtomicUsize::new(0));
        let (rest, seen) = (admin.clone(), done_seen.clone());
        tasks.push(tokio::spawn(async move {
            let started = answer(
                rest.post(
                    "/trash/restore-by-filter",
                    json!({ "filter": { "path_prefix": "/Crash/Singles" }, "background": true }),
                )
                .await,
            );
            let Some((status, job)) = started else { return };
            assert_eq!(status, StatusCode::ACCEPTED, "{job}");
            let path = format!("/jobs/{}", job["id"].as_str().unwrap());
            // Bounded: the job ends, or the server is killed, well before this.
            for _ in 0..3000 {
                let Some((status, job)) = answer(rest.get(&path).await) else {
                    return;
                };
                assert_eq!(status, StatusCode::OK, "{job}");
                seen.fetch_max(job["done"].as_u64().unwrap() as usize, Ordering::SeqCst);
                if job["state"] != "running" {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
        FilterRestore { order, done_seen }
    }

    /// Brings carol's folders back, has her delete them all (acknowledged), then starts her
    /// emptying her bin.
    async fn start_empty(
        &mut self,
        rng: &mut StdRng,
        admin: &Rest,
        carol: &Rest,
        carol_ticket: &str,
        tasks: &mut Vec<tokio::task::JoinHandle<()>>,
    ) -> Arc<AtomicBool> {
        let trash = records_by_root(admin).await;
        let records: Vec<i64> = self
            .seed
            .carol
            .iter()
            .filter_map(|t| trash.get(&t.root))
            .map(|r| r[0]["id"].as_i64().unwrap())
            .collect();
        if !records.is_empty() {
            let (status, report) = admin.post("/trash/restore", json!({ "items": records })).await.unwrap();
            assert_eq!(
                (status, report["restored"].as_u64()),
                (StatusCode::OK, Some(records.len() as u64)),
                "{report}"
            );
        }
        for tree in &self.seed.carol {
            let (status, record) = carol
                .call(Method::DELETE, &format!("/nodes/{}", tree.root), None)
                .await
                .unwrap();
            assert_eq!(status, StatusCode::OK, "carol deletes {}: {record}", tree.path);
        }
        self.model.carol = vec![Place::UserBin; CAROL_FOLDERS];

        let acked = Arc::new(AtomicBool::new(false));
        let (rest, a) = (rng.gen_bool(0.5).then(|| carol.clone()), acked.clone());
        let (http, base, ticket) = (self.http.clone(), carol.base.clone(), carol_ticket.to_owned());
        let binding = *Binding::ALL.choose(rng).unwrap();
        tasks.push(tokio::spawn(async move {
            let ok = match rest {
                Some(rest) => {
                    answer(rest.post("/trash/empty", json!({})).await).is_some_and(|(s, _)| s == StatusCode::OK)
                }
                None => {
                    inforouter_ok(
                        &http,
                        &base,
                        binding,
                        "EmptyRecycleBin",
                        &[("AuthenticationTicket", &ticket)],
                    )
                    .await
                }
            };
            a.store(ok, Ordering::SeqCst);
        }));
        acked
    }

    /// Uploads new documents one after the other until the kill, noting each before it is sent
    /// and marking it acknowledged on `201 Created`.
    fn start_uploads(
        &self,
        seed: u64,
        round: usize,
        admin: &Rest,
        log: Arc<Mutex<Vec<(Upload, bool)>>>,
    ) -> tokio::task::JoinHandle<()> {
        let (rest, folder) = (admin.clone(), self.seed.uploads_folder);
        tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed);
            for i in 0..UPLOADS_PER_ROUND {
                let mut content = vec![0u8; rng.gen_range(1..=MAX_UPLOAD_BYTES)];
                rng.fill_bytes(&mut content);
                let upload = Upload {
                    name: format!("upload-{round}-{i}.bin"),
                    sha: sha256(&content),
                    size: content.len(),
                };
                let at = {
                    let mut log = log.lock().unwrap();
                    log.push((upload.clone(), false));
                    log.len() - 1
                };
                match answer(rest.upload(folder, &upload.name, content).await) {
                    Some((StatusCode::CREATED, _)) => log.lock().unwrap()[at].1 = true,
                    Some((status, body)) => panic!("upload {}: {status} {body}", upload.name),
                    None => return,
                }
            }
        })
    }
}
