//! Item names: validation, the case-folded key that makes sibling names unique, and the
//! "name (restored).ext" series used when a restore must not overwrite.

use crate::error::{Error, Result};

pub const MAX_NAME_BYTES: usize = 255;

/// Checks a folder or document name and returns it unchanged when it is acceptable.
pub fn validate(name: &str) -> Result<&str> {
    let rule = if name.is_empty() {
        Some("a name must not be empty")
    } else if name == "." || name == ".." {
        Some("a name must not be \".\" or \"..\"")
    } else if name.contains('/') || name.contains('\\') {
        Some("a name must not contain \"/\" or \"\\\"")
    } else if name.chars().any(char::is_control) {
        Some("a name must not contain control characters")
    } else if name.len() > MAX_NAME_BYTES {
        Some("a name must not be longer than 255 bytes")
    } else if name.trim() != name {
        Some("a name must not start or end with white space")
    } else {
        None
    };
    match rule {
        Some(rule) => Err(Error::InvalidName {
            name: name.to_owned(),
            rule,
        }),
        None => Ok(name),
    }
}

/// The key under which sibling names must be unique: names differing only in case collide, as
/// they do for the Windows clients most users of the legacy APIs run.
pub fn key(name: &str) -> String {
    name.to_lowercase()
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
            let err = validate(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidName { .. }), "{bad:?}");
        }
        let long = "x".repeat(256);
        assert!(validate(&long).is_err());
        assert!(validate(&"é".repeat(127)).is_ok());
        assert!(validate(&"é".repeat(128)).is_err());
        assert_eq!(validate("Q1 report.pdf").unwrap(), "Q1 report.pdf");
    }

    #[test]
    fn keys_fold_case() {
        assert_eq!(key("Report.PDF"), key("report.pdf"));
    }

    #[test]
    fn restored_names_keep_the_extension() {
        assert_eq!(restored_candidate("a.txt", 1), "a (restored).txt");
        assert_eq!(restored_candidate("a.txt", 2), "a (restored 2).txt");
        assert_eq!(restored_candidate("Folder", 1), "Folder (restored)");
        assert_eq!(restored_candidate(".profile", 3), ".profile (restored 3)");
        assert_eq!(restored_candidate("a.tar.gz", 1), "a.tar (restored).gz");
    }
}
