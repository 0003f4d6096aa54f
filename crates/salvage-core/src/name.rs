//! Item names (DESIGN.md rule 13): how a name is checked and the one form it is stored in, the
//! key that makes sibling names unique, and the numbered series used where a name must not
//! overwrite ("name (restored).ext" for restores, "name (2).ext" when stored names are brought
//! under the rule).
//!
//! What this module guarantees:
//! - `normalize` is the only way a name gets in: it returns the name in Unicode NFC, so "café"
//!   typed on a Mac (decomposed, NFD) and on Windows (precomposed) is one name, and it refuses
//!   invisible format characters (general category Cf: the bidirectional controls that make
//!   `exe.txt` show as `txt.exe`, zero-width spaces, the byte-order mark, ...).
//! - `key` is the one comparison of names: NFC of the full Unicode case folding, so names that
//!   differ only in case collide ("Straße" and "STRASSE", "ǅ" and "ǆ", a final and a medial
//!   sigma), whatever normalization form either was typed in. Everything that compares names —
//!   the store's `name_key` columns and their unique indexes, the trash name search, listing
//!   orders, faces that match names — goes through it.
//!
//! The Unicode work is ICU4X's (`icu_normalizer`, `icu_casemap`, `icu_properties`), maintained by
//! the Unicode Consortium: of the crates that fold case, `unicase` only compares and hashes (it
//! cannot give the folded text a database column needs) and `caseless` has seen few releases and
//! an older Unicode, whereas the ICU4X crates ship current Unicode data and agree with each
//! other on its version — a key built from a normalizer and a folder of different Unicode
//! versions could disagree with itself. The workspace already builds ICU4X for URL handling.
//!
//! A change of Unicode version can change the key of a name with newly encoded characters;
//! `salvage check` reports a stored key that is not the key of its name.

use crate::error::{Error, Result};
use icu_casemap::CaseMapper;
use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use icu_properties::props::GeneralCategory;
use icu_properties::CodePointMapData;

pub const MAX_NAME_BYTES: usize = 255;

/// The rule a name with an invisible format character breaks.
pub const FORMAT_CHARACTER_RULE: &str =
    "a name must not contain invisible format characters (Unicode category Cf, such as bidirectional controls or zero-width spaces)";

/// What a name stored under an earlier rule becomes when nothing of it is left (it was made of
/// format characters only).
const UNNAMED: &str = "unnamed";

/// Checks a folder, document, library, tenant, group, document type or user name and returns it
/// in the form it is stored and shown in: Unicode NFC.
pub fn normalize(name: &str) -> Result<String> {
    let name = nfc(name);
    match broken_rule(&name) {
        Some(rule) => Err(Error::InvalidName { name, rule }),
        None => Ok(name),
    }
}

/// The rule `name` (already in NFC) breaks, if any.
fn broken_rule(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("a name must not be empty")
    } else if name == "." || name == ".." {
        Some("a name must not be \".\" or \"..\"")
    } else if name.contains('/') || name.contains('\\') {
        Some("a name must not contain \"/\" or \"\\\"")
    } else if name.chars().any(char::is_control) {
        Some("a name must not contain control characters")
    } else if name.chars().any(is_format_character) {
        Some(FORMAT_CHARACTER_RULE)
    } else if name.len() > MAX_NAME_BYTES {
        Some("a name must not be longer than 255 bytes")
    } else if name.trim() != name {
        Some("a name must not start or end with white space")
    } else {
        None
    }
}

/// `text` in Unicode NFC, for what is compared with stored names or paths byte by byte (a path
/// prefix of the trash filter, a company name in a Scene7 handle).
pub fn nfc(text: &str) -> String {
    ComposingNormalizerBorrowed::new_nfc().normalize(text).into_owned()
}

/// Whether `text` is in Unicode NFC.
pub fn is_nfc(text: &str) -> bool {
    ComposingNormalizerBorrowed::new_nfc().is_normalized(text)
}

/// Whether `c` is an invisible format character (general category Cf).
pub fn is_format_character(c: char) -> bool {
    CodePointMapData::<GeneralCategory>::new().get(c) == GeneralCategory::Format
}

/// The key under which sibling names must be unique: names differing only in case collide, as
/// they do for the Windows clients most users of the legacy APIs run, and so do canonically
/// equivalent spellings. It is Unicode's canonical caseless matching (NFD, then full case
/// folding) kept in NFC, the form names are stored in.
pub fn key(name: &str) -> String {
    // ASCII folds to its lower case and reads the same in every normalization form.
    if name.is_ascii() {
        return name.to_ascii_lowercase();
    }
    let decomposed = DecomposingNormalizerBorrowed::new_nfd().normalize(name);
    let folded = CaseMapper::new().fold_string(&decomposed);
    nfc(&folded)
}

/// Whether two names are the same name: their keys are equal.
pub fn same(a: &str, b: &str) -> bool {
    key(a) == key(b)
}

/// What a name stored before rule 13 becomes: NFC, without format characters and the white
/// space they may have hidden at either end, within the length limit — or "unnamed" when
/// nothing acceptable is left. A name that already follows the rule is returned unchanged.
pub fn repaired(stored: &str) -> String {
    if let Ok(name) = normalize(stored) {
        return name;
    }
    let visible: String = nfc(stored).chars().filter(|c| !is_format_character(*c)).collect();
    // Removing a character can bring a mark next to a base it composes with.
    let visible = nfc(&visible);
    normalize(truncated(visible.trim(), MAX_NAME_BYTES).trim()).unwrap_or_else(|_| UNNAMED.to_owned())
}

/// The `n`-th candidate name for a restore that must not overwrite: `a.txt` becomes
/// `a (restored).txt`, then `a (restored 2).txt`, ...  The extension stays last so the file still
/// opens with the same program; a leading dot (".profile") is not an extension.
pub fn restored_candidate(name: &str, n: u32) -> String {
    let suffix = if n <= 1 {
        " (restored)".to_owned()
    } else {
        format!(" (restored {n})")
    };
    let (stem, ext) = split_extension(name);
    format!("{stem}{suffix}{ext}")
}

/// The `n`-th other name (`n` from 2) for an item whose name is taken by an earlier sibling
/// when stored names are brought under rule 13: `a.txt` becomes `a (2).txt`, then `a (3).txt`,
/// ...  The extension stays last, as for restores; the stem is shortened when the name would
/// exceed the length limit, so every candidate is a valid name.
pub fn numbered_candidate(name: &str, n: u32) -> String {
    let suffix = format!(" ({n})");
    let (stem, ext) = match split_extension(name) {
        (stem, ext) if suffix.len() + ext.len() < MAX_NAME_BYTES => (stem, ext),
        _ => (name, ""),
    };
    let room = MAX_NAME_BYTES - suffix.len() - ext.len();
    format!("{}{suffix}{ext}", truncated(stem, room))
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn truncated(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `report.pdf` → (`report`, `.pdf`); a leading dot (".profile") is not an extension.
pub fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    }
}

/// A name without its extension.
pub fn stem(name: &str) -> &str {
    split_extension(name).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_each_bad_name_with_its_rule() {
        for bad in ["", ".", "..", "a/b", "a\\b", "a\u{7}b", "tab\there", " lead", "trail "] {
            let err = normalize(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidName { .. }), "{bad:?}");
        }
        let long = "x".repeat(256);
        assert!(normalize(&long).is_err());
        assert!(normalize(&"é".repeat(127)).is_ok());
        assert!(normalize(&"é".repeat(128)).is_err());
        assert_eq!(normalize("Q1 report.pdf").unwrap(), "Q1 report.pdf");
    }

    #[test]
    fn names_are_stored_in_nfc() {
        let decomposed = "cafe\u{301}";
        assert_eq!(normalize(decomposed).unwrap(), "caf\u{e9}");
        assert_eq!(normalize("caf\u{e9}").unwrap(), "caf\u{e9}");
        // Hangul typed as jamo is one syllable; the Ångström sign is the letter Å.
        assert_eq!(normalize("\u{1112}\u{1161}\u{11ab}").unwrap(), "\u{d55c}");
        assert_eq!(normalize("\u{212b}").unwrap(), "\u{c5}");
        // The length limit applies to the stored form: 128 decomposed "é" are 384 bytes typed
        // but 256 stored, and 127 are 254 stored.
        assert!(normalize(&"e\u{301}".repeat(127)).is_ok());
        assert!(normalize(&"e\u{301}".repeat(128)).is_err());
        assert!(is_nfc("caf\u{e9}") && !is_nfc(decomposed));
    }

    #[test]
    fn every_invisible_format_character_is_refused_with_the_rule() {
        let examples = [
            '\u{202e}',  // right-to-left override: "txt.exe" shown for "exe.txt"
            '\u{202a}',  // left-to-right embedding
            '\u{200e}',  // left-to-right mark
            '\u{2066}',  // left-to-right isolate
            '\u{2069}',  // pop directional isolate
            '\u{200b}',  // zero width space
            '\u{200d}',  // zero width joiner
            '\u{feff}',  // byte-order mark
            '\u{ad}',    // soft hyphen
            '\u{e0001}', // language tag
        ];
        for c in examples {
            assert!(is_format_character(c), "U+{:04X}", c as u32);
            match normalize(&format!("report{c}.pdf")) {
                Err(Error::InvalidName { rule, .. }) => assert_eq!(rule, FORMAT_CHARACTER_RULE),
                other => panic!("U+{:04X} accepted: {other:?}", c as u32),
            }
        }
        assert!(!is_format_character('a') && !is_format_character(' ') && !is_format_character('\u{301}'));
    }

    #[test]
    fn keys_fold_case_fully_and_ignore_the_normalization_form() {
        assert_eq!(key("Report.PDF"), key("report.pdf"));
        // Full folding: ß is "ss", so is the capital ẞ; the ligature ﬁ is "fi".
        assert_eq!(key("Straße"), key("STRASSE"));
        assert_eq!(key("STRAẞE"), key("strasse"));
        assert_eq!(key("\u{fb01}le"), key("FILE"));
        // Greek: a final sigma is a sigma.
        assert_eq!(key("ΟΔΟΣ"), key("οδος"));
        assert_eq!(key("οδος"), key("οδοσ"));
        // Title-case digraphs: Ǆ, ǅ and ǆ are one letter.
        assert_eq!(key("\u{1c4}"), key("\u{1c5}"));
        assert_eq!(key("\u{1c5}"), key("\u{1c6}"));
        // NFD and NFC spellings, in either case, have one key, and the key is NFC.
        assert_eq!(key("cafe\u{301}"), key("CAF\u{c9}"));
        assert_eq!(key("CAF\u{c9}"), "caf\u{e9}");
        // ǰ folds to j + caron; the key composes it again.
        assert_eq!(key("\u{1f0}"), "\u{1f0}");
        assert_eq!(key("J\u{30c}"), key("\u{1f0}"));
        assert_ne!(key("Straße"), key("Strase"));
        assert!(same("Ａｌｉｃｅ", "ａｌｉｃｅ") && !same("alice", "alicia"));
    }

    #[test]
    fn stored_names_are_repaired_into_valid_ones() {
        assert_eq!(repaired("Q1.pdf"), "Q1.pdf");
        assert_eq!(repaired("cafe\u{301}"), "caf\u{e9}");
        assert_eq!(repaired("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(repaired("\u{200b} padded\u{feff}"), "padded");
        assert_eq!(repaired("\u{200b}"), UNNAMED);
        assert_eq!(repaired(".\u{200b}"), UNNAMED);
        // A mark that a format character kept apart from its base composes with it.
        assert_eq!(repaired("e\u{200b}\u{301}"), "\u{e9}");
    }

    #[test]
    fn restored_names_keep_the_extension() {
        assert_eq!(restored_candidate("a.txt", 1), "a (restored).txt");
        assert_eq!(restored_candidate("a.txt", 2), "a (restored 2).txt");
        assert_eq!(restored_candidate("Folder", 1), "Folder (restored)");
        assert_eq!(restored_candidate(".profile", 3), ".profile (restored 3)");
        assert_eq!(restored_candidate("a.tar.gz", 1), "a.tar (restored).gz");
    }

    #[test]
    fn numbered_names_keep_the_extension_and_the_length_limit() {
        assert_eq!(numbered_candidate("a.txt", 2), "a (2).txt");
        assert_eq!(numbered_candidate("Straße", 3), "Straße (3)");
        assert_eq!(numbered_candidate(".profile", 2), ".profile (2)");
        let long = format!("{}.pdf", "é".repeat(125));
        let candidate = numbered_candidate(&long, 2);
        assert!(candidate.ends_with("é (2).pdf"), "{candidate}");
        assert_eq!(normalize(&candidate).unwrap(), candidate);
        let long_extension = format!("a.{}", "x".repeat(252));
        assert_eq!(normalize(&numbered_candidate(&long_extension, 12)).unwrap().len(), 255);
    }
}
