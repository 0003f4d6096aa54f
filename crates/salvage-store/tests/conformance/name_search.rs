//! The trash name search: `name_contains` takes exactly the records whose name holds the text,
//! compared by name key (any case under full case folding, either normalization form), with `%`, `_` and quotes taken literally, for texts too short for a
//! trigram index as for longer ones — and forgets a record once it leaves the bin.

use crate::support::*;
use salvage_core::model::*;
use salvage_core::name::key;
use salvage_core::store::{TrashFilter, TrashSort};
use salvage_core::trash::{OnConflict, RestoreOptions};
use std::collections::BTreeSet;

/// The names (by record) the bin lists for a name search, and the count it gives for it.
async fn search(w: &World, actor: &Actor, text: &str) -> (BTreeSet<String>, i64) {
    let filter = TrashFilter {
        name_contains: Some(text.into()),
        ..TrashFilter::default()
    };
    let page = w
        .repo
        .trash(actor, &filter, TrashSort::default(), None, 1_000)
        .await
        .unwrap_or_else(|e| panic!("search {text:?}: {e}"));
    let names = page.items.iter().map(|r| r.name.clone()).collect();
    let count = w.repo.trash_count(actor, &filter).await.unwrap();
    (names, count)
}

/// The records of `w.admin`'s bin a search for `text` must give, worked out here: those whose
/// name's key holds the text's key.
fn expected(all: &[TrashRecord], text: &str) -> BTreeSet<String> {
    let text = key(text);
    all.iter()
        .filter(|r| key(&r.name).contains(&text))
        .map(|r| r.name.clone())
        .collect()
}

#[tokio::test]
async fn a_name_search_finds_exactly_the_records_whose_name_holds_the_text() {
    let w = world().await;
    let lib = w.library("Archive").await;
    let names = [
        "Quarterly Report.PDF",
        "report-final.docx",
        "REPORT_2024%.xls",
        "100% done.txt",
        "a_b.txt",
        "ab.txt",
        "axb.txt",
        "x",
        "Q",
        "say \"hi\".txt",
        "Straße Ünïcode.md",
        "reports",
    ];
    for name in names {
        let node = if name.contains('.') {
            w.doc(&w.admin, &lib, name, "x").await
        } else {
            w.folder(&w.admin, &lib, name).await
        };
        w.repo.delete(&w.admin, node.id).await.unwrap();
    }
    let all = w.all_trash().await;
    assert_eq!(all.len(), names.len());

    // Every text of one to four characters found in a name, as typed and in the other case,
    // every whole name, and texts whose wildcards or quotes must be taken literally.
    let mut texts = BTreeSet::new();
    for name in names {
        let chars: Vec<char> = name.chars().collect();
        for len in 1..=4 {
            for window in chars.windows(len) {
                let text: String = window.iter().collect();
                texts.insert(text.to_uppercase());
                texts.insert(text);
            }
        }
        texts.insert(name.to_owned());
        texts.insert(name.to_uppercase());
    }
    for text in [
        "%",
        "_",
        "%%",
        "_b",
        "a%b",
        "a_b",
        "4%.",
        "\\",
        "\"",
        "\"hi\"",
        "\"\"",
        "'",
        "REPORT-FINAL.DOCX!",
        "zzz",
        "rep*",
        "re%rt",
        "STRASSE",
        "ünï",
        "ÜNÏ",
    ] {
        texts.insert(text.to_owned());
    }
    for text in &texts {
        let (found, count) = search(&w, &w.admin, text).await;
        let want = expected(&all, text);
        assert_eq!(found, want, "search {text:?}");
        assert_eq!(count, want.len() as i64, "count of search {text:?}");
    }

    // The same on a page of the bin by name, and within one deleter's bin.
    let bob = w.user("bob", Role::IpsUser).await;
    let mine = w.doc(&w.admin, &lib, "bob's Report.txt", "x").await;
    w.repo.delete(&bob, mine.id).await.unwrap();
    let (found, count) = search(&w, &bob, "REPORT").await;
    assert_eq!(found, BTreeSet::from(["bob's Report.txt".to_owned()]));
    assert_eq!(count, 1);
    let filter = TrashFilter {
        name_contains: Some("repor".into()),
        ..TrashFilter::default()
    };
    let by_name = w.repo.trash(&w.admin, &filter, TrashSort::NAME, None, 2).await.unwrap();
    let names: Vec<_> = by_name.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["bob's Report.txt", "Quarterly Report.PDF"]);
    let rest = w
        .repo
        .trash(&w.admin, &filter, TrashSort::NAME, by_name.next.as_ref(), 10)
        .await
        .unwrap();
    let names: Vec<_> = rest.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["report-final.docx", "REPORT_2024%.xls", "reports"]);
    w.assert_consistent().await;
}

#[tokio::test]
async fn a_name_search_forgets_records_that_leave_the_bin() {
    let w = world().await;
    let lib = w.library("L").await;
    let folder = w.folder(&w.admin, &lib, "Budget notes").await;
    w.doc(&w.admin, &folder, "budget inside.txt", "x").await;
    let restored = w.doc(&w.admin, &lib, "Budget-2024.xlsx", "x").await;
    let purged = w.doc(&w.admin, &lib, "budget-2025.xlsx", "x").await;
    let emptied = w.doc(&w.admin, &lib, "BUDGET-2026.xlsx", "x").await;
    let clashing = w.doc(&w.admin, &lib, "budget-2027.xlsx", "x").await;
    let folder_r = w.repo.delete(&w.admin, folder.id).await.unwrap();
    let restored_r = w.repo.delete(&w.admin, restored.id).await.unwrap();
    let purged_r = w.repo.delete(&w.admin, purged.id).await.unwrap();
    w.repo.delete(&w.admin, emptied.id).await.unwrap();
    let clashing_r = w.repo.delete(&w.admin, clashing.id).await.unwrap();
    let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    let everything = [
        "Budget notes",
        "Budget-2024.xlsx",
        "budget-2025.xlsx",
        "BUDGET-2026.xlsx",
        "budget-2027.xlsx",
    ];
    assert_eq!(search(&w, &w.admin, "budget").await, (names(&everything), 5));
    assert_eq!(
        search(&w, &w.admin, "inside").await,
        (BTreeSet::new(), 0),
        "only the deleted folder's own name is searched, not its contents"
    );

    // Restored: the record is gone, and with it every way to find it.
    w.repo.restore_one(&w.admin, rec(&restored_r), opts()).await.unwrap();
    // Purged.
    let purge = w.repo.purge(&w.admin, &[rec(&purged_r)]).await.unwrap();
    assert!(purge.iter().all(|p| p.outcome.is_ok()), "{purge:?}");
    // Restored under another name, beside a new item that took its name.
    w.doc(&w.admin, &lib, "budget-2027.xlsx", "new").await;
    let renamed = RestoreOptions {
        on_conflict: OnConflict::Rename,
        ..opts()
    };
    let back = w.repo.restore_one(&w.admin, rec(&clashing_r), renamed).await.unwrap();
    assert_eq!(back.name, "budget-2027 (restored).xlsx");
    // Moved to the system bin: still in the trash, still found.
    assert_eq!(w.repo.empty(&w.admin, true).await.unwrap(), 2);
    let left = ["Budget notes", "BUDGET-2026.xlsx"];
    for text in [
        "budget",
        "BUDGET-20",
        "2024",
        "2025",
        "2026",
        "2027",
        "restored",
        "xlsx",
    ] {
        let want: BTreeSet<_> = left
            .iter()
            .filter(|n| key(n).contains(&key(text)))
            .map(|n| n.to_string())
            .collect();
        let count = want.len() as i64;
        assert_eq!(search(&w, &w.admin, text).await, (want, count), "search {text:?}");
    }

    // Deleted again: found once, as the new deletion.
    let again = w.repo.resolve(&w.admin, "/L/Budget-2024.xlsx").await.unwrap();
    let again_r = w.repo.delete(&w.admin, again.id).await.unwrap();
    let filter = TrashFilter {
        name_contains: Some("2024".into()),
        ..TrashFilter::default()
    };
    let page = w
        .repo
        .trash(&w.admin, &filter, TrashSort::default(), None, 10)
        .await
        .unwrap();
    let ids: Vec<_> = page.items.iter().map(|r| r.id).collect();
    assert_eq!(ids, [again_r.id]);
    assert_ne!(again_r.id, restored_r.id);

    // Purging the folder of the system bin leaves one.
    let purge = w.repo.purge(&w.admin, &[rec(&folder_r)]).await.unwrap();
    assert!(purge.iter().all(|p| p.outcome.is_ok()), "{purge:?}");
    assert_eq!(
        search(&w, &w.admin, "budget").await,
        (names(&["BUDGET-2026.xlsx", "Budget-2024.xlsx"]), 2)
    );
    w.assert_consistent().await;
}
