//! Shared presentation: sizes, times, and JSON arrays printed item by item so that long
//! listings stream. (The time forms `--since`/`--until` accept are the core's, `salvage_core::params`.)

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::Write;

pub fn size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Writes a JSON array one element at a time.
pub struct JsonArray {
    first: bool,
}

impl JsonArray {
    pub fn start() -> Self {
        print!("[");
        JsonArray { first: true }
    }

    pub fn push<T: Serialize>(&mut self, item: &T) -> Result<()> {
        let mut out = std::io::stdout().lock();
        if !self.first {
            out.write_all(b",")?;
        }
        out.write_all(b"\n  ")?;
        serde_json::to_writer(&mut out, item)?;
        self.first = false;
        Ok(())
    }

    pub fn finish(self) {
        println!("{}]", if self.first { "" } else { "\n" });
    }
}

pub fn print_json<T: Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_human() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }
}
