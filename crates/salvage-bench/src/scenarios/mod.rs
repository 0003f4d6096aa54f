//! The scenarios of the suite, one module each.

pub mod batch;
pub mod bin;
pub mod lockout;
pub mod memory;
pub mod subtree;
pub mod throughput;

use std::fmt;

/// A number of items, printed the way the scenario names carry it (`10k`, `1m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size(pub usize);

impl Size {
    pub fn count(self) -> usize {
        self.0
    }

    pub fn label(self) -> String {
        match self.0 {
            n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}m", n / 1_000_000),
            n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
            n => n.to_string(),
        }
    }

    /// Reads `10k`, `1m`, `2500`.
    pub fn parse(text: &str) -> Result<Size, String> {
        let t = text.trim().to_ascii_lowercase();
        let (digits, factor) = match t.strip_suffix('m') {
            Some(d) => (d, 1_000_000),
            None => match t.strip_suffix('k') {
                Some(d) => (d, 1_000),
                None => (t.as_str(), 1),
            },
        };
        digits
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .map(|n| Size(n * factor))
            .ok_or_else(|| format!("{text:?} is not a size such as 10k, 1m or 2500"))
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::Size;

    #[test]
    fn sizes_read_and_print_alike() {
        for (text, n) in [("10k", 10_000), ("1m", 1_000_000), ("2500", 2_500), ("1K", 1_000)] {
            assert_eq!(Size::parse(text), Ok(Size(n)));
            assert_eq!(Size::parse(&Size(n).label()), Ok(Size(n)));
        }
        assert_eq!(Size(2_500).label(), "2500");
        assert!(Size::parse("0").is_err());
        assert!(Size::parse("ten").is_err());
    }
}
