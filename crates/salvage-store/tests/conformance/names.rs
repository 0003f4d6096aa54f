//! DESIGN.md rule 13 on every backend: names are stored in NFC, sibling names are unique by
//! full case folding, and a database written under the earlier rules is brought under it when
//! the store opens it — clashing siblings renamed and audited, `check` clean afterwards — while
//! `check` reports any stored name that breaks the rule.

use crate::support::*;
use salvage_core::model::*;
use salvage_core::store::{AuditFilter, TrashFilter, TrashSort};
use salvage_core::Error;
use salvage_store::testing::legacy::forget_name_migration;

const CAFE_NFC: &str = "caf\u{e9}";
const CAFE_NFD: &str = "cafe\u{301}";

#[tokio::test]
async fn nfd_and_nfc_spellings_are_one_name() {
    let w = world().await;
    let lib = w.library("L").await;
    let folder = w.folder(&w.admin, &lib, CAFE_NFC).await;
    assert_eq!(
        w.repo.create_folder(&w.admin, lib.id, CAFE_NFD).await.unwrap_err(),
        Error::NameConflict(CAFE_NFC.into())
    );
    assert_eq!(
        w.repo.resolve(&w.admin, &format!("/L/{CAFE_NFD}")).await.unwrap().id,
        folder.id
    );

    // Stored in NFC whatever the spelling sent; the same name again is a new version.
    let doc = w.doc(&w.admin, &folder, &format!("{CAFE_NFD}.txt"), "1").await;
    assert_eq!(doc.name, format!("{CAFE_NFC}.txt"));
    let again = w
        .doc(&w.admin, &folder, &format!("{}.TXT", CAFE_NFC.to_uppercase()), "22")
        .await;
    assert_eq!((again.id, again.current_version), (doc.id, 2));
    let other = w.doc(&w.admin, &folder, "other.txt", "3").await;
    assert_eq!(
        w.repo
            .rename(&w.admin, other.id, &format!("{CAFE_NFD}.txt"))
            .await
            .unwrap_err(),
        Error::NameConflict(format!("{CAFE_NFC}.txt"))
    );
    w.assert_consistent().await;
}

#[tokio::test]
async fn names_that_differ_only_in_case_collide_under_full_folding() {
    let w = world().await;
    let lib = w.library("L").await;
    for (first, second) in [
        ("Straße", "STRASSE"),
        ("ΟΔΟΣ", "οδος"),
        ("\u{1c4}ungla", "\u{1c5}ungla"),
        ("\u{fb01}les", "FILES"),
    ] {
        w.folder(&w.admin, &lib, first).await;
        assert_eq!(
            w.repo.create_folder(&w.admin, lib.id, second).await.unwrap_err(),
            Error::NameConflict(second.into()),
            "{first:?} and {second:?}"
        );
    }
    let doc = w.doc(&w.admin, &lib, "a.txt", "1").await;
    assert_eq!(
        w.repo.rename(&w.admin, doc.id, "strasse").await.unwrap_err(),
        Error::NameConflict("strasse".into())
    );
    // A name that merely looks alike is another name.
    w.folder(&w.admin, &lib, "Strase").await;
    w.assert_consistent().await;
}

#[tokio::test]
async fn the_trash_is_searched_by_name_key() {
    let w = world().await;
    let lib = w.library(CAFE_NFC).await;
    let deleted = w.doc(&w.admin, &lib, "Straßenplan.pdf", "1").await;
    let record = w.repo.delete(&w.admin, deleted.id).await.unwrap();
    // Long enough for the trigram indexes, and shorter than a trigram.
    assert_eq!(found(&w, "STRASSENPLAN", None).await, vec![record.id]);
    assert_eq!(found(&w, "SSE", None).await, vec![record.id]);
    assert_eq!(found(&w, "ss", None).await, vec![record.id]);
    assert_eq!(found(&w, "strasen", None).await, Vec::<RecordId>::new());
    // The original path is matched in NFC whatever the spelling of the prefix.
    assert_eq!(found(&w, "plan", Some(&format!("/{CAFE_NFD}"))).await, vec![record.id]);
}

/// The trash records whose name contains `name`, below `prefix` if given.
async fn found(w: &World, name: &str, prefix: Option<&str>) -> Vec<RecordId> {
    let filter = TrashFilter {
        name_contains: Some(name.to_owned()),
        path_prefix: prefix.map(str::to_owned),
        ..TrashFilter::default()
    };
    let page = w
        .repo
        .trash(&w.admin, &filter, TrashSort::default(), None, 10)
        .await
        .unwrap();
    page.items.iter().map(|r| r.id).collect()
}

async fn name_of(w: &World, id: NodeId) -> String {
    w.repo.node(&w.admin, id).await.unwrap().name
}

#[tokio::test]
async fn invisible_format_characters_are_refused() {
    let w = world().await;
    let lib = w.library("L").await;
    let doc = w.doc(&w.admin, &lib, "invoice.pdf", "1").await;
    for c in ['\u{202e}', '\u{200b}', '\u{feff}', '\u{2066}'] {
        let bad = format!("invoice{c}fdp.exe");
        for err in [
            w.repo.create_folder(&w.admin, lib.id, &bad).await.unwrap_err(),
            w.repo.rename(&w.admin, doc.id, &bad).await.unwrap_err(),
            w.repo.upload(&w.admin, lib.id, &bad, &mut &b"x"[..]).await.unwrap_err(),
        ] {
            assert!(
                matches!(err, Error::InvalidName { rule, .. } if rule == salvage_core::name::FORMAT_CHARACTER_RULE),
                "U+{:04X}: {err:?}",
                c as u32
            );
        }
    }
    assert_eq!(w.repo.descendants(&w.admin, lib.id, 10).await.unwrap().len(), 1);
}

/// The audit events of salvage's own renames, oldest first, as (item, from, to).
async fn renames(w: &World) -> Vec<(NodeId, String, String)> {
    let filter = AuditFilter {
        action: Some(AuditAction::Rename),
        ..AuditFilter::default()
    };
    let page = w.repo.audit(&w.admin, &filter, None, 100).await.unwrap();
    let mut events: Vec<_> = page
        .items
        .into_iter()
        .inspect(|e| assert_eq!(e.actor_id, None, "{e:?}"))
        .map(|e| (e.node_id.unwrap(), e.from_path, e.to_path))
        .collect();
    events.reverse();
    events
}

#[tokio::test]
async fn opening_a_database_of_the_earlier_rules_renames_clashing_siblings_once() {
    let mut w = world().await;
    let lib = w.library("L").await;
    let folder = w.folder(&w.admin, &lib, "F").await;
    // Items made under today's rules, then rewritten with raw SQL as the earlier rules stored
    // them: the name as typed, the key lower-cased (not folded, not normalized).
    let strasse = w.doc(&w.admin, &folder, "Straße.txt", "1").await;
    let shouting = w.doc(&w.admin, &folder, "placeholder-1", "2").await;
    let cafe = w.folder(&w.admin, &folder, CAFE_NFC).await;
    let cafe_nfd = w.folder(&w.admin, &folder, "placeholder-2").await;
    let resume_nfd = w.doc(&w.admin, &folder, "placeholder-3", "3").await;
    let resume = w.doc(&w.admin, &folder, "résumé.pdf", "4").await;
    let bidi = w.doc(&w.admin, &folder, "placeholder-4", "5").await;
    let trashed = w.doc(&w.admin, &folder, "placeholder-5", "6").await;
    let record = w.repo.delete(&w.admin, trashed.id).await.unwrap();
    // Two items whose stored keys both change, to the same new key.
    let twin = w.doc(&w.admin, &folder, "placeholder-6", "7").await;
    let later_twin = w.doc(&w.admin, &folder, "placeholder-7", "8").await;
    let old_style = [
        (strasse.id, "Straße.txt".to_owned()),
        (shouting.id, "STRASSE.txt".to_owned()),
        (cafe_nfd.id, CAFE_NFD.to_owned()),
        (resume_nfd.id, "Re\u{301}sume\u{301}.pdf".to_owned()),
        (bidi.id, "invoice\u{202e}fdp.exe".to_owned()),
        (trashed.id, format!("{CAFE_NFD}.txt")),
        (twin.id, format!("Maße {CAFE_NFC}")),
        (later_twin.id, format!("MASSE {CAFE_NFD}")),
    ];
    let mut sql = w.sql().await;
    for (id, name) in &old_style {
        sql.exec(&format!(
            "UPDATE nodes SET name = '{name}', name_key = '{}' WHERE id = {id}",
            name.to_lowercase()
        ))
        .await;
    }
    sql.exec(&format!(
        "UPDATE trash_records SET name = '{CAFE_NFD}.txt', name_key = '{CAFE_NFD}.txt', \
         original_path = '/L/F/{CAFE_NFD}.txt' WHERE id = {}",
        record.id
    ))
    .await;
    forget_name_migration(&mut sql).await;
    sql.close().await;
    assert!(!w.repo.check().await.unwrap().is_empty(), "the old rows break the rule");

    w.reopen().await;

    // The earlier item of each clashing pair keeps the name, the later one is numbered.
    assert_eq!(name_of(&w, strasse.id).await, "Straße.txt");
    assert_eq!(name_of(&w, shouting.id).await, "STRASSE (2).txt");
    assert_eq!(name_of(&w, cafe.id).await, CAFE_NFC);
    assert_eq!(name_of(&w, cafe_nfd.id).await, format!("{CAFE_NFC} (2)"));
    assert_eq!(name_of(&w, resume_nfd.id).await, "R\u{e9}sum\u{e9}.pdf");
    assert_eq!(name_of(&w, resume.id).await, "résumé (2).pdf");
    assert_eq!(name_of(&w, bidi.id).await, "invoicefdp.exe");
    assert_eq!(name_of(&w, twin.id).await, format!("Maße {CAFE_NFC}"));
    assert_eq!(name_of(&w, later_twin.id).await, format!("MASSE {CAFE_NFC} (2)"));
    let record = w.repo.trash_record(&w.admin, record.id).await.unwrap();
    assert_eq!(record.name, format!("{CAFE_NFC}.txt"));
    assert_eq!(record.original_path, format!("/L/F/{CAFE_NFC}.txt"));
    assert_eq!(
        w.repo.resolve(&w.admin, "/L/F/strasse.TXT").await.unwrap().id,
        strasse.id
    );

    let expected = vec![
        (shouting.id, "/L/F/STRASSE.txt", "/L/F/STRASSE (2).txt"),
        (cafe_nfd.id, "/L/F/café", "/L/F/café (2)"),
        (resume.id, "/L/F/résumé.pdf", "/L/F/résumé (2).pdf"),
        (later_twin.id, "/L/F/MASSE café", "/L/F/MASSE café (2)"),
        (bidi.id, "/L/F/invoice\u{202e}fdp.exe", "/L/F/invoicefdp.exe"),
    ];
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(id, from, to)| (id, from.to_owned(), to.to_owned()))
        .collect();
    assert_eq!(renames(&w).await, expected);
    w.assert_consistent().await;

    // It ran once: opening the database again changes nothing.
    w.reopen().await;
    assert_eq!(renames(&w).await, expected);
    // And the trash search finds the normalized record by either spelling.
    assert_eq!(found(&w, &CAFE_NFD.to_uppercase(), None).await, vec![record.id]);
}

#[tokio::test]
async fn check_reports_names_that_break_the_rule() {
    let w = world().await;
    let lib = w.library("L").await;
    let bidi = w.doc(&w.admin, &lib, "a.txt", "1").await;
    let decomposed = w.doc(&w.admin, &lib, "b.txt", "2").await;
    let clash = w.doc(&w.admin, &lib, "c.txt", "3").await;
    w.doc(&w.admin, &lib, "STRASSE", "4").await;
    w.assert_consistent().await;

    let mut sql = w.sql().await;
    // A format character (with its key, so only the name is wrong); a decomposed name with
    // the right key; and a name whose stale key hides a clash with "STRASSE".
    sql.exec(&format!(
        "UPDATE nodes SET name = 'exe\u{202e}.txt', name_key = 'exe\u{202e}.txt' WHERE id = {}",
        bidi.id
    ))
    .await;
    sql.exec(&format!(
        "UPDATE nodes SET name = '{CAFE_NFD}', name_key = '{CAFE_NFC}' WHERE id = {}",
        decomposed.id
    ))
    .await;
    sql.exec(&format!(
        "UPDATE nodes SET name = 'Straße', name_key = 'straße' WHERE id = {}",
        clash.id
    ))
    .await;
    sql.close().await;

    let violations = w.repo.check().await.unwrap();
    let reported = |invariant: &str, id: NodeId| {
        violations
            .iter()
            .any(|v| v.invariant == invariant && v.detail.contains(&id.to_string()))
    };
    let names = "names are Unicode NFC without invisible format characters";
    assert!(reported(names, bidi.id), "{violations:#?}");
    assert!(
        violations.iter().any(|v| v.detail.contains("U+202E")),
        "{violations:#?}"
    );
    assert!(reported(names, decomposed.id), "{violations:#?}");
    assert!(
        reported("name keys are the keys of their names", clash.id),
        "{violations:#?}"
    );
    assert!(reported("live sibling names are unique", clash.id), "{violations:#?}");
    assert!(
        !reported("name keys are the keys of their names", decomposed.id),
        "{violations:#?}"
    );
    assert_eq!(violations.len(), 4, "{violations:#?}");
}
