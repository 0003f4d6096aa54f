use crate::cli::Cli;
use crate::output::{size, time, JsonArray};
use anyhow::Result;
use salvage_core::model::{Actor, Node, NodeId, NodeKind};
use salvage_core::Repository;
use serde::Serialize;
use std::process::ExitCode;

#[derive(Serialize)]
struct Entry<'a> {
    path: String,
    #[serde(flatten)]
    node: &'a Node,
}

/// Prints as it walks, one page of children at a time, so huge folders stream.
pub async fn run(cli: &Cli, repo: &Repository, actor: &Actor, path: &str, recursive: bool) -> Result<ExitCode> {
    let root = if path.trim_matches(['/', '\\']).is_empty() {
        None
    } else {
        Some(repo.resolve(actor, path).await?)
    };
    let mut out = Printer {
        json: cli.json.then(JsonArray::start),
    };
    if !cli.json {
        println!("{:<8} {:>8} {:>10} {:<19} NAME", "TYPE", "ID", "SIZE", "MODIFIED");
    }
    let base = match &root {
        Some(node) => repo.path_of(actor, node).await?,
        None => String::new(),
    };
    match root {
        Some(node) if node.kind == NodeKind::Document => out.print(&base, &node)?,
        _ => list_folder(repo, actor, root.map(|n| n.id), &base, recursive, &mut out).await?,
    }
    if let Some(json) = out.json {
        json.finish();
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints a folder's children depth first, one page of children at a time.
async fn list_folder(
    repo: &Repository,
    actor: &Actor,
    parent: Option<NodeId>,
    prefix: &str,
    recursive: bool,
    out: &mut Printer,
) -> Result<()> {
    let mut after: Option<String> = None;
    loop {
        let page = repo.children(actor, parent, after.as_deref(), 1000).await?;
        for child in &page.items {
            let child_path = format!("{prefix}/{}", child.name);
            out.print(if recursive { &child_path } else { &child.name }, child)?;
            if recursive && child.kind.is_container() {
                Box::pin(list_folder(repo, actor, Some(child.id), &child_path, true, out)).await?;
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(()),
        }
    }
}

struct Printer {
    json: Option<JsonArray>,
}

impl Printer {
    fn print(&mut self, path: &str, node: &Node) -> Result<()> {
        match &mut self.json {
            Some(json) => json.push(&Entry {
                path: path.to_owned(),
                node,
            }),
            None => {
                let size = if node.kind == NodeKind::Document {
                    size(node.size)
                } else {
                    "-".into()
                };
                println!(
                    "{:<8} {:>8} {:>10} {:<19} {}",
                    node.kind.as_str(),
                    node.id,
                    size,
                    time(node.modified_at),
                    path
                );
                Ok(())
            }
        }
    }
}
