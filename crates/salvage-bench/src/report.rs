//! The figures a run measures: each printed as it is taken (`bench <scenario>.<figure> <value>
//! <unit>`), then summed up in a table beside its target.

use crate::targets::{self, Verdict};
use std::time::Duration;

/// One measured value.
#[derive(Debug, Clone)]
pub struct Figure {
    /// `subtree_100k`, `bin_1m`, ... without the backend.
    pub scenario: String,
    pub backend: &'static str,
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
}

impl Figure {
    /// The scenario as printed: PostgreSQL figures carry a `_postgres` suffix.
    pub fn printed_scenario(&self) -> String {
        match self.backend {
            "sqlite" => self.scenario.clone(),
            other => format!("{}_{other}", self.scenario),
        }
    }
}

/// Every figure of a run, in the order taken.
#[derive(Default)]
pub struct Report {
    pub figures: Vec<Figure>,
}

impl Report {
    pub fn record(&mut self, scenario: &str, backend: &'static str, name: &str, value: f64, unit: &'static str) {
        let figure = Figure {
            scenario: scenario.to_owned(),
            backend,
            name: name.to_owned(),
            value,
            unit,
        };
        println!(
            "bench {}.{} {} {}",
            figure.printed_scenario(),
            figure.name,
            format_value(value),
            unit
        );
        self.figures.push(figure);
    }

    pub fn time(&mut self, scenario: &str, backend: &'static str, name: &str, d: Duration) {
        self.record(scenario, backend, name, millis(d), "ms");
    }

    pub fn find(&self, scenario: &str, backend: &str, name: &str) -> Option<f64> {
        self.figures
            .iter()
            .find(|f| f.scenario == scenario && f.backend == backend && f.name == name)
            .map(|f| f.value)
    }

    /// The summary: each SQLite figure beside its PostgreSQL twin and its target, then the
    /// figures that missed. Returns how many targets were missed.
    pub fn summary(&self) -> usize {
        let mut rows = Vec::new();
        let mut missed = Vec::new();
        for f in self.figures.iter().filter(|f| f.backend == "sqlite") {
            let pg = self.find(&f.scenario, "postgres", &f.name);
            let target = targets::target(&f.scenario, &f.name);
            let mut verdicts = Vec::new();
            if let Some(t) = &target {
                verdicts.push(t.judge(f.value));
            }
            if let Some(pg) = pg {
                verdicts.push(targets::judge_postgres(&f.name, f.unit, f.value, pg));
            }
            let verdict = Verdict::worst(&verdicts);
            if let Verdict::Missed(why) = &verdict {
                missed.push(format!("{}.{}: {why}", f.scenario, f.name));
            }
            rows.push([
                format!("{}.{}", f.scenario, f.name),
                format!("{} {}", format_value(f.value), f.unit),
                pg.map(|v| format!("{} {}", format_value(v), f.unit))
                    .unwrap_or_else(|| "-".into()),
                target.map(|t| t.to_string()).unwrap_or_default(),
                verdict.label().to_owned(),
            ]);
        }
        for f in self.figures.iter().filter(|f| f.backend != "sqlite") {
            if self.find(&f.scenario, "sqlite", &f.name).is_none() {
                rows.push([
                    format!("{}.{}", f.printed_scenario(), f.name),
                    "-".into(),
                    format!("{} {}", format_value(f.value), f.unit),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        print_table(&["figure", "SQLite", "PostgreSQL", "target", "met"], &rows);
        if missed.is_empty() {
            println!("\nevery target with a figure in this run was met");
        } else {
            println!("\nmissed targets:");
            for m in &missed {
                println!("  {m}");
            }
        }
        missed.len()
    }
}

pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn format_value(v: f64) -> String {
    // Whole numbers and large values need no decimals.
    if (v.fract() == 0.0 && v.abs() < 1e15) || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

pub fn print_table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        println!("| {} |", padded.join(" | "));
    };
    println!();
    line(header.to_vec());
    println!("|{}|", widths.map(|w| "-".repeat(w + 2)).join("|"));
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// Peak resident memory of this process since the last reset (Linux: `VmHWM`).
pub struct PeakMemory;

impl PeakMemory {
    /// Starts a new peak: the kernel's high-water mark is set back to the current size.
    pub fn reset() {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }

    /// The peak in megabytes, or `None` where the kernel does not say.
    pub fn megabytes() -> Option<f64> {
        Self::status_field("VmHWM:")
    }

    /// The resident size now, in megabytes.
    pub fn current_megabytes() -> Option<f64> {
        Self::status_field("VmRSS:")
    }

    fn status_field(field: &str) -> Option<f64> {
        std::fs::read_to_string("/proc/self/status")
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    }
}

/// Percentile (0–100) of sorted samples, nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// CPU time this process has used so far (user and system, all threads; Linux), so a figure
/// can say what an operation costs whatever else the machine is doing.
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel counts in USER_HZ, 100 per second on Linux.
    Some(Duration::from_millis(ticks * 10))
}
