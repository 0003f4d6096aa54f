//! Running the table: every row for every caller, the database compared after each refused
//! call; and the same rows naming another tenant's or a hidden item, which must answer as an
//! unknown one does.

use super::*;

// --- running it ---------------------------------------------------------------------------------

/// Runs every row for every caller and fails, printing the matrix, where an outcome differs
/// from the table or a refused call changed anything.
pub(super) async fn run_matrix(rows: Vec<Row>) {
    let w = world().await;
    let callers = Who::all();
    let mut report = String::new();
    let mut wrong = Vec::new();
    for row in &rows {
        writeln!(report, "{:?} {}", row.api, row.name).unwrap();
        let mut target = w.target().await;
        let mut before = w.snapshot().await;
        for &who in &callers {
            let expected = row.expected(who);
            let answer = w.perform(who, &(row.call)(&w.as_seen_by(who, &target))).await;
            let allowed = answer.outcome.starts_with("ok");
            let mut mark = if answer.outcome == expected { " " } else { "!" };
            let after = w.snapshot().await;
            if !allowed && after != before {
                mark = "~";
            }
            if mark != " " {
                wrong.push(format!(
                    "{:?} {} as {}: {}",
                    row.api,
                    row.name,
                    who.label(),
                    answer.outcome
                ));
            }
            writeln!(
                report,
                "  {mark} {:<24} {:<45} expected {expected}",
                who.label(),
                answer.outcome
            )
            .unwrap();
            if allowed {
                // The call may have used the target up: the next caller gets a new one.
                target = w.target().await;
                before = w.snapshot().await;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the authorization matrix (! unexpected outcome, ~ a refused call changed something):\n{report}\n{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Every digit run as `#`: ids and the numbered names of two targets differ only there.
fn without_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('#') {
            out.push('#');
        }
    }
    out
}

/// A caller of another tenant naming this tenant's items gets, byte for byte (ids aside), the
/// answer an unknown id gets: status, headers and body, so nothing tells that they exist.
pub(super) async fn foreign_ids_look_unknown(rows: Vec<Row>) {
    let w = world().await;
    let mut differ = Vec::new();
    for row in rows.iter().filter(|r| r.names_ids) {
        let real = w.as_seen_by(Who::Foreign, &w.target().await);
        let unknown = real.unknown();
        let a = w.perform(Who::Foreign, &(row.call)(&real)).await;
        let b = w.perform(Who::Foreign, &(row.call)(&unknown)).await;
        if without_digits(&a.raw) != without_digits(&b.raw) {
            differ.push(format!(
                "{:?} {}:\n--- another tenant's item\n{}\n--- an unknown one\n{}",
                row.api, row.name, a.raw, b.raw
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
}

/// Every caller of the tenant who is not an administrator, naming items an access list hides
/// from them, gets the answer an unknown id gets (ids and numbered names aside), and the
/// database does not change. Calls that would create a folder under a hidden one by its path
/// may instead say that the name is taken, but never give that item's id.
pub(super) async fn hidden_ids_look_unknown(rows: Vec<Row>) {
    let w = world().await;
    let callers: Vec<Who> = Who::all()
        .into_iter()
        .filter(|who| who.username().is_some())
        .filter(|who| {
            !matches!(
                who,
                Who::Admin | Who::Foreign | Who::Role(Role::IpsAdmin | Role::IpsCompanyAdmin)
            )
        })
        .collect();
    let mut differ = Vec::new();
    for row in rows.iter().filter(|r| r.names_ids) {
        let hidden = w.hidden_target().await;
        let unknown = hidden.unknown();
        for &who in &callers {
            let before = w.snapshot().await;
            let a = w.perform(who, &(row.call)(&w.as_seen_by(who, &hidden))).await;
            let changed = w.snapshot().await != before;
            let b = w.perform(who, &(row.call)(&w.as_seen_by(who, &unknown))).await;
            let same = without_digits(&a.raw) == without_digits(&b.raw);
            // A clash may name what the caller typed, never an id of the hidden items.
            let clash = ["already", "name-conflict"].iter().any(|w| a.raw.contains(w))
                && ![hidden.doc, hidden.sub, hidden.folder, hidden.gone].iter().any(|id| {
                    // An id as each API writes one: JSON, XML text, a Scene7 handle.
                    [format!("\"id\":{id}"), format!(">{id}<"), format!("|{id}<")]
                        .iter()
                        .any(|written| a.raw.contains(written))
                });
            if changed || !(same || clash) {
                differ.push(format!(
                    "{:?} {} as {}{}:\n--- a hidden item\n{}\n--- an unknown one\n{}",
                    row.api,
                    row.name,
                    who.label(),
                    if changed { " (the database changed)" } else { "" },
                    a.raw,
                    b.raw
                ));
            }
            if changed {
                return assert!(differ.is_empty(), "{}", differ.join("\n\n"));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} answers differ:\n{}",
        differ.len(),
        differ.join("\n\n")
    );
}
