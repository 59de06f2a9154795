//! Every committed figure under `docs/figures/` is reproducible: two points
//! of each (a third and two thirds along its sweep, every variant) are run
//! again from the committed `scenario.resolved.toml`, and must agree with
//! the committed rows.
//!
//! - Simulated figures are rerun with another seed (fresh, independent drops
//!   and frames) at reduced counts. The paper's quantity is the mean over
//!   random drops, so each row's standard error is taken from its
//!   `pd_drops` interval (between-drop spread, which includes frame noise),
//!   never smaller than the frames' Wilson interval. The difference of two
//!   independent estimates must lie within the combined interval at a
//!   family-wise 99.9% level (Bonferroni over every compared row).
//! - Analytic figures (no frames) are rerun at the committed seed and counts
//!   and must give the same analytic columns to a relative 1e-12: special
//!   functions may be reformulated (a few ulps move), while any change of
//!   the model or the drops moves them by orders of magnitude more.

use iaps::results::{Results, Row};
use iaps::scenario::Scenario;
use iaps::sweep::{RunOptions, run_points};
use statrs::distribution::{ContinuousCDF, Normal};
use std::path::{Path, PathBuf};

/// Drops per rerun point at a reduced count.
const RERUN_DROPS: u64 = 150;
/// Family-wise confidence of the comparison.
const FAMILY: f64 = 0.999;

/// One compared row: the figure, its key, committed and rerun estimates and
/// their standard errors.
struct Compared {
    figure: String,
    row: String,
    committed: (f64, f64),
    rerun: (f64, f64),
}

/// The committed figure folders (each with its resolved scenario).
fn figures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/figures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("docs/figures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("scenario.resolved.toml").is_file())
        .collect();
    v.sort();
    v
}

/// The standard error of a row's Pd as an estimate of the mean over drops:
/// from the between-drop interval, at least the frames' Wilson interval.
fn se(r: &Row) -> f64 {
    let z = 1.959_963_984_540_054;
    let half = |lo: f64, hi: f64| (hi - r.pd).max(r.pd - lo) / z;
    let drops = half(r.pd_drops_low, r.pd_drops_high);
    let frames = half(r.pd_low, r.pd_high);
    if drops.is_finite() {
        drops.max(frames)
    } else {
        frames
    }
}

/// The two points' indices (of the sweep's coordinates) to rerun.
fn chosen(n_coords: usize) -> [usize; 2] {
    [n_coords / 3, (2 * n_coords) / 3]
}

#[test]
fn committed_figures_reproduce() {
    let mut compared = Vec::new();
    let mut analytic = 0usize;
    let figs = figures();
    assert!(
        figs.len() >= 10,
        "expected the committed figures, found {}",
        figs.len()
    );
    for dir in &figs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let committed = Results::load(dir).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut sc = Scenario::load(&dir.join("scenario.resolved.toml"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let base = sc.base().expect("valid base");
        let is_analytic = base.run.fidelity == iaps::scenario::Fidelity::Analytic;
        if !is_analytic {
            let seed = base.run.seed.wrapping_add(1);
            sc.set(&format!("run.seed={seed}")).unwrap();
            let drops = base.run.drops.min(RERUN_DROPS);
            sc.set(&format!("run.drops={drops}")).unwrap();
        }
        let points = sc.points().expect("points");
        let variants = sc.variants.len().max(1);
        let n_coords = points.len() / variants;
        assert_eq!(committed.rows.len(), points.len(), "{name}: rows");
        let picks = chosen(n_coords);
        let todo: Vec<_> = points
            .into_iter()
            .filter(|p| picks.contains(&p.index))
            .collect();
        let mut rerun = Vec::new();
        run_points(
            &todo,
            &RunOptions::default(),
            |_| {},
            |p, out, _| rerun.push((p.index * variants + p.variant_index, out.row)),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (index, new) in rerun {
            let old = &committed.rows[index];
            assert_eq!(old.coords, new.coords, "{name}: row {index} coordinates");
            assert_eq!(old.variant, new.variant, "{name}: row {index} variant");
            let key = format!("{:?} {}", old.coords, old.variant);
            if is_analytic {
                // Same seed, same counts: the analytic columns are the same
                // numbers up to rounding (results.json keeps full precision).
                for (what, a, b) in [
                    ("paper", old.pd_analytic_paper, new.pd_analytic_paper),
                    ("exact", old.pd_analytic_exact, new.pd_analytic_exact),
                    (
                        "corrected",
                        old.pd_analytic_corrected,
                        new.pd_analytic_corrected,
                    ),
                ] {
                    assert!(
                        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()) || (a.is_nan() && b.is_nan()),
                        "{name} {key}: analytic {what} {a} committed, {b} rerun"
                    );
                }
                analytic += 1;
                continue;
            }
            if !(old.pd.is_finite() && new.pd.is_finite()) {
                // No feasible drop with a target at this point (both runs must
                // agree on that being possible only when drops are infeasible).
                assert!(
                    old.infeasible_drops > 0 || new.infeasible_drops > 0,
                    "{name} {key}: Pd missing without infeasible drops"
                );
                continue;
            }
            compared.push(Compared {
                figure: name.clone(),
                row: key,
                committed: (old.pd, se(old)),
                rerun: (new.pd, se(&new)),
            });
        }
    }
    let m = compared.len();
    assert!(m >= 40, "too few rows compared: {m}");
    let z = Normal::standard().inverse_cdf(1.0 - (1.0 - FAMILY) / (2.0 * m as f64));
    let mut worst = (0.0f64, String::new());
    let mut fails = Vec::new();
    let mut z2 = 0.0;
    for c in &compared {
        let d = c.rerun.0 - c.committed.0;
        let s = (c.committed.1.powi(2) + c.rerun.1.powi(2)).sqrt();
        let score = if s > 0.0 {
            d.abs() / s
        } else if d == 0.0 {
            0.0
        } else {
            f64::INFINITY
        };
        z2 += score * score;
        if score > worst.0 {
            worst = (score, format!("{} {}", c.figure, c.row));
        }
        if score > z {
            fails.push(format!(
                "{} {}: committed {:.4} (se {:.4}), rerun {:.4} (se {:.4}), |z| = {score:.2}",
                c.figure, c.row, c.committed.0, c.committed.1, c.rerun.0, c.rerun.1
            ));
        }
    }
    println!(
        "{m} simulated rows compared over {} figures (|z| limit {z:.2}), mean z^2 {:.2}, worst |z| {:.2} at {}; {analytic} analytic rows equal to 1e-12",
        figs.len(),
        z2 / m as f64,
        worst.0,
        worst.1
    );
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}
