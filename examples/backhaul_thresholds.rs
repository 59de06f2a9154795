//! The capacity at which each report type comes within 1% of its Pd with
//! unlimited links (docs/backhaul.md): reads the dense capacity sweeps of
//! `docs/figures/backhaul-thresholds/` and prints, per study and variant,
//! the interval that holds the threshold.
//!
//! ```sh
//! cargo run --release --example backhaul_thresholds -- docs/figures/backhaul-thresholds
//! ```
//!
//! The folder holds `shared-unlimited/` and `stale-unlimited/` (each study
//! with `--set backhaul.capacity_bps=unlimited`) and dense sweeps named
//! `shared-*` and `stale-*` (`--set 'sweep.backhaul.capacity_bps={ ... }'`),
//! all with the study's drops and frames and common random numbers, so that
//! every point sees the same frames and Pd differs only by what arrived.
//! The threshold of a variant is the smallest swept capacity C such that Pd
//! is at least 0.99 x its unlimited Pd at C and at every larger capacity of
//! the sweep; it lies between the capacity below C (which fails) and C. The
//! same is done with the exact Pd of the reports that arrived
//! (`pd_analytic_arrived`, against the unlimited `pd_analytic_exact`).

use std::collections::BTreeMap;
use std::path::Path;

/// The fields of one CSV line (RFC 4180 quotes, as iaps writes them).
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The rows of `dir/results.csv` as maps from column to cell.
fn rows(dir: &Path) -> Vec<BTreeMap<String, String>> {
    let path = dir.join("results.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header = fields(lines.next().expect("a header"));
    lines
        .map(|l| header.iter().cloned().zip(fields(l)).collect())
        .collect()
}

fn num(row: &BTreeMap<String, String>, key: &str) -> f64 {
    row[key].parse().unwrap_or(f64::NAN)
}

/// The threshold interval of `points` (capacity, value) against `target`:
/// `(below, at)`, `below` the capacity under the threshold (`None` when the
/// whole sweep passes), `at` the threshold (`None` when it never passes).
fn threshold(points: &[(f64, f64)], target: f64) -> (Option<f64>, Option<f64>) {
    let mut at = None;
    let mut below = None;
    for (i, &(c, v)) in points.iter().enumerate().rev() {
        if v >= target {
            at = Some(c);
            below = i.checked_sub(1).map(|j| points[j].0);
        } else {
            break;
        }
    }
    (below, at)
}

fn show(t: (Option<f64>, Option<f64>), first: f64, last: f64) -> String {
    match t {
        (_, None) => format!("> {}", iaps::results::bit_rate(last)),
        (None, Some(_)) => format!("<= {}", iaps::results::bit_rate(first)),
        (Some(b), Some(a)) => format!(
            "({}, {}]",
            iaps::results::bit_rate(b),
            iaps::results::bit_rate(a)
        ),
    }
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docs/figures/backhaul-thresholds".into());
    let root = Path::new(&root);
    let mut dirs: Vec<String> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| Some(e.ok()?.file_name().to_str()?.to_string()))
        .filter(|n| !n.ends_with("-unlimited") && root.join(n).join("results.csv").exists())
        .collect();
    dirs.sort();
    println!(
        "| sweep | variant | unlimited Pd | Pd within 1% above | exact Pd of arrivals within 1% above |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for d in dirs {
        let study = d.split('-').next().unwrap_or_default();
        let reference = rows(&root.join(format!("{study}-unlimited")));
        let dense = rows(&root.join(&d));
        let key = "backhaul.capacity_bps";
        let mut variants: Vec<String> = Vec::new();
        for r in &dense {
            if !variants.contains(&r["variant"]) {
                variants.push(r["variant"].clone());
            }
        }
        // Only the variants the window was made for: those whose threshold
        // is inside it.
        for v in variants {
            let of = |r: &&BTreeMap<String, String>| r["variant"] == v;
            let unl = reference.iter().find(of).expect("the variant's reference");
            let mut pts: Vec<&BTreeMap<String, String>> = dense.iter().filter(of).collect();
            pts.sort_by(|a, b| num(a, key).total_cmp(&num(b, key)));
            let series = |col: &str| -> Vec<(f64, f64)> {
                pts.iter().map(|r| (num(r, key), num(r, col))).collect()
            };
            let (first, last) = (num(pts[0], key), num(pts[pts.len() - 1], key));
            let pd = threshold(&series("pd"), 0.99 * num(unl, "pd"));
            let arrived = threshold(
                &series("pd_analytic_arrived"),
                0.99 * num(unl, "pd_analytic_exact"),
            );
            if pd.0.is_none() || pd.1.is_none() {
                continue;
            }
            println!(
                "| {d} | {v} | {:.4} | {} | {} |",
                num(unl, "pd"),
                show(pd, first, last),
                show(arrived, first, last)
            );
        }
    }
}
