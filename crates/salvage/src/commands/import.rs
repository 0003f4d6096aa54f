//! `salvage import SRC_DIR /Library/Folder`: mirrors a directory tree into the repository, file
//! contents streamed, with a progress bar. Existing folders are reused; a file whose document
//! already exists becomes a new version of it.

use crate::cli::Cli;
use crate::output::{print_json, size};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use salvage_core::model::{Actor, NodeId};
use salvage_core::{Error, Repository};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use walkdir::WalkDir;

#[derive(Debug, Default, Serialize)]
struct Summary {
    target: String,
    folders: u64,
    documents: u64,
    bytes: i64,
    seconds: f64,
    skipped: Vec<Skipped>,
}

#[derive(Debug, Serialize)]
struct Skipped {
    path: PathBuf,
    reason: String,
}

pub async fn run(cli: &Cli, repo: &Repository, actor: &Actor, source: &Path, target: &str) -> Result<ExitCode> {
    if !source.is_dir() {
        bail!(
            "{} is not a directory: `salvage import` copies a directory tree",
            source.display()
        );
    }
    let started = Instant::now();
    let root = repo.ensure_folder_path(actor, target).await?;
    let root_path = repo.path_of(actor, &root).await?;
    let total = WalkDir::new(source)
        .min_depth(1)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .count();
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} files  {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );

    let mut summary = Summary {
        target: root_path.clone(),
        ..Summary::default()
    };
    let mut folders: HashMap<PathBuf, (NodeId, String)> = HashMap::from([(source.to_path_buf(), (root.id, root_path))]);
    let walk = WalkDir::new(source)
        .min_depth(1)
        .sort_by_file_name()
        .follow_links(false);
    for entry in walk {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_default();
                summary.skipped.push(Skipped {
                    path,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let path = entry.path().to_path_buf();
        let Some((parent_id, parent_path)) = entry.path().parent().and_then(|p| folders.get(p)).cloned() else {
            continue; // inside a directory that was itself skipped
        };
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            summary.skipped.push(Skipped {
                path,
                reason: "the name is not valid UTF-8".into(),
            });
            continue;
        };
        let file_type = entry.file_type();
        let result = if file_type.is_dir() {
            import_folder(repo, actor, parent_id, &parent_path, &name)
                .await
                .map(|id| {
                    summary.folders += 1;
                    folders.insert(path.clone(), (id, format!("{parent_path}/{name}")));
                })
        } else if file_type.is_file() {
            bar.set_message(name.clone());
            let outcome = import_file(repo, actor, parent_id, &name, &path).await.map(|bytes| {
                summary.documents += 1;
                summary.bytes += bytes;
            });
            bar.inc(1);
            outcome
        } else {
            Err(anyhow::anyhow!(
                "not a regular file or directory (links are not followed)"
            ))
        };
        if let Err(e) = result {
            bar.println(format!("skipped {}: {e:#}", path.display()));
            summary.skipped.push(Skipped {
                path,
                reason: format!("{e:#}"),
            });
        }
    }
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();

    if cli.json {
        print_json(&summary)?;
    } else {
        println!(
            "Imported {} documents ({}) and {} folders into {} in {:.1} s.",
            summary.documents,
            size(summary.bytes),
            summary.folders,
            summary.target,
            summary.seconds
        );
        if !summary.skipped.is_empty() {
            println!("{} item(s) were skipped:", summary.skipped.len());
            for s in summary.skipped.iter().take(50) {
                println!("  {}: {}", s.path.display(), s.reason);
            }
        }
    }
    Ok(if summary.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn import_folder(
    repo: &Repository,
    actor: &Actor,
    parent: NodeId,
    parent_path: &str,
    name: &str,
) -> Result<NodeId> {
    match repo.create_folder(actor, parent, name).await {
        Ok(node) => Ok(node.id),
        Err(Error::NameConflict(_)) => {
            let existing = repo.resolve(actor, &format!("{parent_path}/{name}")).await?;
            if !existing.kind.is_container() {
                bail!("a document with this name already exists in the target folder");
            }
            Ok(existing.id)
        }
        Err(e) => Err(e.into()),
    }
}

async fn import_file(repo: &Repository, actor: &Actor, parent: NodeId, name: &str, path: &Path) -> Result<i64> {
    let mut file = tokio::fs::File::open(path)
        .await
        .with_context(|| format!("cannot read {}", path.display()))?;
    let (_, version) = repo.upload(actor, parent, name, &mut file).await?;
    Ok(version.size)
}
