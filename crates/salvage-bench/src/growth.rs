//! growth: how each figure changes from one size to the next (10k → 100k → 1m). A figure that
//! grows faster than its work is a finding: a page that slows down as the bin grows, a restore
//! that costs more for a bigger folder.

use crate::report::{print_table, Report};
use crate::scenarios::Size;
use crate::targets::{self, Growth};

/// Prints the growth figures and table; returns the findings.
pub fn analyse(report: &mut Report) -> Vec<String> {
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    let mut lines = Vec::new();
    for family in ["subtree", "bin"] {
        for backend in ["sqlite", "postgres"] {
            let mut sizes: Vec<Size> = report
                .figures
                .iter()
                .filter(|f| f.backend == backend)
                .filter_map(|f| f.scenario.strip_prefix(family)?.strip_prefix('_'))
                .filter_map(|label| Size::parse(label).ok())
                .collect();
            sizes.sort();
            sizes.dedup();
            for pair in sizes.windows(2) {
                let (small, large) = (pair[0], pair[1]);
                let decades = (large.count() as f64 / small.count() as f64).log10();
                let names: Vec<String> = report
                    .figures
                    .iter()
                    .filter(|f| f.backend == backend && f.scenario == format!("{family}_{small}"))
                    .map(|f| f.name.clone())
                    .collect();
                for name in names {
                    let Some(expected) = targets::growth(family, &name) else {
                        continue;
                    };
                    let (Some(a), Some(b)) = (
                        report.find(&format!("{family}_{small}"), backend, &name),
                        report.find(&format!("{family}_{large}"), backend, &name),
                    ) else {
                        continue;
                    };
                    // Growth per tenfold size, so steps of other widths compare.
                    let factor = (b.max(1e-6) / a.max(1e-6)).powf(1.0 / decades.max(1e-9));
                    let unit = report
                        .figures
                        .iter()
                        .find(|f| f.name == name)
                        .map(|f| f.unit)
                        .unwrap_or("");
                    let suffix = if backend == "sqlite" {
                        String::new()
                    } else {
                        format!("_{backend}")
                    };
                    lines.push(format!(
                        "bench growth_{family}_{small}_{large}{suffix}.{name} {factor:.2} x_per_10x"
                    ));
                    let finding = factor > expected.allowed_factor() && above_noise(b, unit);
                    if finding {
                        findings.push(format!(
                            "{family} {name} on {backend}: {a:.1} → {b:.1} {unit} from {small} to {large} \
                             ({factor:.1}× per tenfold size; expected {})",
                            match expected {
                                Growth::Constant => "about the same",
                                Growth::Linear => "at most about tenfold",
                            }
                        ));
                    }
                    rows.push([
                        format!("{family}.{name}"),
                        backend.to_owned(),
                        format!("{small} → {large}"),
                        format!("{a:.1} → {b:.1} {unit}"),
                        format!("{factor:.2}×"),
                        format!("{expected:?}").to_lowercase(),
                        if finding {
                            "FASTER THAN THE WORK".into()
                        } else {
                            "ok".into()
                        },
                    ]);
                }
            }
        }
    }
    for line in &lines {
        println!("{line}");
    }
    if !rows.is_empty() {
        print_table(
            &["figure", "backend", "sizes", "values", "per 10×", "expected", "verdict"],
            &rows,
        );
    }
    findings
}

/// Differences among figures this small are noise (timer, scheduler, a cache warming up).
fn above_noise(value: f64, unit: &str) -> bool {
    match unit {
        "ms" => value >= 5.0,
        "MB" => value >= 20.0,
        _ => true,
    }
}
