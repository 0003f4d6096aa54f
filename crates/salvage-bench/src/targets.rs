//! The targets the suite holds salvage to on a 2-core machine (SQLite unless named), and how a
//! figure should grow with the work.

use std::fmt;

#[derive(Debug, Clone, Copy)]
pub enum Bound {
    AtMost(f64),
    AtLeast(f64),
}

#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub bound: Bound,
    pub unit: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// No target applies.
    None,
    Met,
    Missed(String),
}

impl Verdict {
    pub fn worst(verdicts: &[Verdict]) -> Verdict {
        if let Some(m) = verdicts.iter().find(|v| matches!(v, Verdict::Missed(_))) {
            return m.clone();
        }
        if verdicts.contains(&Verdict::Met) {
            Verdict::Met
        } else {
            Verdict::None
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Verdict::None => "",
            Verdict::Met => "yes",
            Verdict::Missed(_) => "NO",
        }
    }
}

impl Target {
    pub fn judge(&self, value: f64) -> Verdict {
        let met = match self.bound {
            Bound::AtMost(limit) => value <= limit,
            Bound::AtLeast(limit) => value >= limit,
        };
        if met {
            Verdict::Met
        } else {
            Verdict::Missed(format!("{value:.1} {}, target {self}", self.unit))
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bound {
            Bound::AtMost(v) => write!(f, "≤ {v} {}", self.unit),
            Bound::AtLeast(v) => write!(f, "≥ {v} {}", self.unit),
        }
    }
}

const fn at_most(v: f64, unit: &'static str) -> Option<Target> {
    Some(Target {
        bound: Bound::AtMost(v),
        unit,
    })
}

const fn at_least(v: f64, unit: &'static str) -> Option<Target> {
    Some(Target {
        bound: Bound::AtLeast(v),
        unit,
    })
}

/// The target of a figure, where the suite sets one.
pub fn target(scenario: &str, figure: &str) -> Option<Target> {
    match (scenario, figure) {
        ("subtree_100k", "delete" | "restore") => at_most(1000.0, "ms"),
        ("subtree_100k", "delete_vs_floor" | "restore_vs_floor") => at_most(3.0, "x"),
        ("subtree_100k", "delete_peak_rss" | "restore_peak_rss") => at_most(200.0, "MB"),
        ("batch_10k", "restore") => at_most(1000.0, "ms"),
        (s, "first_page_p99" | "deep_page_p99") if s.starts_with("bin_") => at_most(20.0, "ms"),
        (s, "name_search_max" | "filtered_search_max") if s.starts_with("bin_") => at_most(200.0, "ms"),
        ("bin_1m", "recycle_bin_content") => at_most(2000.0, "ms"),
        (s, f) if s.starts_with("throughput_") && f.ends_with(".errors") => at_most(0.0, "errors"),
        (s, "clients_32.ops_per_s") if s.starts_with("throughput_") => at_least(2000.0, "ops/s"),
        (s, "clients_32.p99") if s.starts_with("throughput_") => at_most(50.0, "ms"),
        ("memory", f) if f.ends_with(".peak_over_idle") => at_most(128.0, "MiB"),
        ("lockout", "owner_sign_in.max") => at_most(3500.0, "ms"),
        ("lockout", "owner_sign_in.refused") => at_most(0.0, "refusals"),
        ("lockout", "flood.counter_rows") => at_most(100_000.0, "rows"),
        _ => None,
    }
}

/// PostgreSQL must be within 2× of SQLite on every time and rate figure.
pub fn judge_postgres(figure: &str, unit: &str, sqlite: f64, postgres: f64) -> Verdict {
    // Loading fixtures and the floors measure the database, not salvage.
    if matches!(figure, "build" | "load" | "floor_delete" | "floor_restore") {
        return Verdict::None;
    }
    let within = match unit {
        "ms" => postgres <= 2.0 * sqlite,
        "ops/s" => postgres * 2.0 >= sqlite,
        "errors" => postgres == 0.0,
        _ => return Verdict::None,
    };
    if within {
        Verdict::Met
    } else {
        Verdict::Missed(format!(
            "PostgreSQL {postgres:.1} {unit} against SQLite {sqlite:.1} {unit} ({figure}: target within 2×)"
        ))
    }
}

/// How a figure may grow when the work grows tenfold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Growth {
    /// The same work at any size: a page, a restore (one unmark), memory of a streamed answer.
    Constant,
    /// Work proportional to the size: counting a subtree, a whole bin streamed.
    Linear,
}

impl Growth {
    /// The largest factor per tenfold size that is not a finding: some slack for caches and
    /// noise, none for a worse complexity class.
    pub fn allowed_factor(self) -> f64 {
        match self {
            Growth::Constant => 3.0,
            Growth::Linear => 20.0,
        }
    }
}

/// The expected growth of the figures the growth table follows.
pub fn growth(family: &str, figure: &str) -> Option<Growth> {
    match (family, figure) {
        ("subtree", "delete" | "floor_delete") => Some(Growth::Linear),
        ("subtree", "restore" | "floor_restore") => Some(Growth::Constant),
        ("subtree", "check") => Some(Growth::Linear),
        ("bin", "first_page_p99" | "deep_page_p99" | "filtered_search_max") => Some(Growth::Constant),
        ("bin", "name_search_max") => Some(Growth::Linear),
        ("bin", "recycle_bin_content") => Some(Growth::Linear),
        ("bin", "recycle_bin_content_peak_rss") => Some(Growth::Constant),
        _ => None,
    }
}
