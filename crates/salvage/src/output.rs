//! Shared presentation: sizes, times, the time forms accepted on the command line, and JSON
//! arrays printed item by item so that long listings stream.

use anyhow::{bail, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
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

/// Parses the time forms of `--since`/`--until`, relative to `now`.
pub fn parse_time(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let s = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_time(NaiveTime::MIN).and_utc());
    }
    for format in ["%H:%M", "%H:%M:%S"] {
        if let Ok(t) = NaiveTime::parse_from_str(s, format) {
            return Ok(now.date_naive().and_time(t).and_utc());
        }
    }
    if let Some(age) = parse_age(s) {
        return Ok(now - age);
    }
    bail!("cannot read {input:?} as a time: use RFC 3339 (2026-03-01T10:00:00Z), 2026-03-01 10:00, 10:00 (today, UTC) or an age such as 90m, 2h or 7d")
}

fn parse_age(s: &str) -> Option<Duration> {
    let unit = s.chars().last()?;
    let n: i64 = s[..s.len() - unit.len_utf8()].trim().parse().ok()?;
    match unit {
        's' => Some(Duration::seconds(n)),
        'm' => Some(Duration::minutes(n)),
        'h' => Some(Duration::hours(n)),
        'd' => Some(Duration::days(n)),
        'w' => Some(Duration::weeks(n)),
        _ => None,
    }
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
    use chrono::TimeZone;

    #[test]
    fn reads_every_documented_time_form() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let ten = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        assert_eq!(parse_time("2026-03-01T10:00:00Z", now).unwrap(), ten);
        assert_eq!(parse_time("2026-03-01T11:00:00+01:00", now).unwrap(), ten);
        assert_eq!(parse_time("2026-03-01 10:00", now).unwrap(), ten);
        assert_eq!(parse_time("10:00", now).unwrap(), ten);
        assert_eq!(parse_time("2h", now).unwrap(), ten);
        assert_eq!(
            parse_time("2026-03-01", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()
        );
        assert!(parse_time("yesterday-ish", now).is_err());
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }
}
