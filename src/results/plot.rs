//! Plots of results: Pd against each swept key, latency and backhaul load against capacity keys, Pd per variant when nothing is swept.

use super::axis::Axis;
use super::figure::{Curve, Figure, Glyph, render};
use super::{Results, ResultsError, Row};
use plotters::coord::ranged1d::Ranged;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Draws plots into `dir` (creating it) and returns the files written, SVG
/// and PNG of each plot:
///
/// - for each swept key `K`: `pd_vs_<K>` (Pd with confidence bands, dashed
///   exact analytic Pd), one curve per variant and combination of the other
///   keys' values; the x axis is log when `K` contains `capacity` or its
///   positive values span a factor of 100 or more, categorical when `K` has
///   string values;
/// - when `K` contains `capacity`, also `latency_vs_<K>` (mean solid, p99
///   dashed, in ms) and `load_vs_<K>` (backhaul bytes per frame, log y);
/// - on each of a numeric key's figures, its [`Results::markers`] as thin
///   dotted vertical lines labelled `LABEL needs VALUE` (a rate when the key
///   ends in `_bps`), with a legend note;
/// - with no swept keys, `pd_by_variant`;
/// - when there are ROC rows, one ROC figure per sweep point (distinct
///   coordinates, in row order): Pd against the measured Pfa (log x), one
///   curve per variant through its false-alarm levels, with Pd confidence
///   bands (error bars for a lone point) and a dotted Pd = Pfa reference.
///   Points whose Pfa is NaN or not positive are left out. The file is `roc`
///   when there is one sweep point, else `roc_<i>` with `i` the point's
///   index among the distinct coordinates; with more than
///   [`MAX_ROC_FIGURES`] points only that many, evenly spaced (always the
///   first and the last), are drawn.
///
/// In file names, characters of `K` other than letters, digits, `-` and `_`
/// (such as `.`) become `_`. NaN points are skipped and break lines. Empty
/// results give no plots.
pub fn plot_all(results: &Results, dir: &Path) -> Result<Vec<PathBuf>, ResultsError> {
    if results.rows.is_empty() && results.roc.is_empty() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(dir).map_err(|source| ResultsError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    if !results.rows.is_empty() {
        files.extend(row_plots(results, dir)?);
    }
    files.extend(roc_plots(results, dir)?);
    Ok(files)
}

/// The most ROC figures [`plot_all`] draws for one run.
pub const MAX_ROC_FIGURES: usize = 12;

/// The plots of the rows (all but the ROC figures).
fn row_plots(results: &Results, dir: &Path) -> Result<Vec<PathBuf>, ResultsError> {
    let mut files = Vec::new();
    if results.swept_keys.is_empty() {
        files.extend(render(&by_variant(results), dir, "pd_by_variant")?);
    }
    for (k, key) in results.swept_keys.iter().enumerate() {
        let sweep = Sweep::new(results, k);
        let stem: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        files.extend(render(&sweep.pd(results), dir, &format!("pd_vs_{stem}"))?);
        if key.contains("capacity") {
            files.extend(render(
                &sweep.latency(results),
                dir,
                &format!("latency_vs_{stem}"),
            )?);
            files.extend(render(
                &sweep.load(results),
                dir,
                &format!("load_vs_{stem}"),
            )?);
        }
    }
    Ok(files)
}

/// A swept key's x positions and the rows grouped into curves.
struct Sweep<'a> {
    key: &'a str,
    /// X position of each row.
    x: Vec<f64>,
    axis: Axis,
    /// Whether the values are numbers (else the axis is categorical).
    numeric: bool,
    /// Curve label and its row indices, sorted by x.
    groups: Vec<(String, Vec<usize>)>,
}

impl<'a> Sweep<'a> {
    /// Positions the rows along key `k` and groups them by variant and the
    /// other keys' values (in order of first appearance).
    fn new(results: &'a Results, k: usize) -> Sweep<'a> {
        let key = results.swept_keys[k].as_str();
        let value = |r: &'a Row, j: usize| r.coords.get(j).unwrap_or(&Value::Null);
        let numbers: Option<Vec<f64>> = results.rows.iter().map(|r| value(r, k).as_f64()).collect();
        let numeric = numbers.is_some();
        let (x, axis) = match numbers {
            Some(x) => {
                let positive = x.iter().all(|&v| v > 0.0);
                let (lo, hi) = x
                    .iter()
                    .fold((f64::INFINITY, 0f64), |(a, b), &v| (a.min(v), b.max(v)));
                let log = positive && (key.contains("capacity") || hi / lo >= 100.0);
                let axis = Axis::fit(&x, log, None);
                (x, axis)
            }
            None => {
                let mut names: Vec<String> = Vec::new();
                let x = results
                    .rows
                    .iter()
                    .map(|r| {
                        let name = label(value(r, k));
                        let i = names.iter().position(|n| *n == name).unwrap_or(names.len());
                        if i == names.len() {
                            names.push(name);
                        }
                        i as f64
                    })
                    .collect();
                (x, Axis::categorical(&names))
            }
        };
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, r) in results.rows.iter().enumerate() {
            let mut name = r.variant.clone();
            for (j, other) in results
                .swept_keys
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
            {
                name.push_str(&format!(", {other}={}", label(value(r, j))));
            }
            match groups.iter_mut().find(|g| g.0 == name) {
                Some(g) => g.1.push(i),
                None => groups.push((name, vec![i])),
            }
        }
        for g in &mut groups {
            g.1.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        }
        Sweep {
            key,
            x,
            axis,
            numeric,
            groups,
        }
    }

    /// One curve per group from a row-to-curve function.
    fn curves(&self, results: &Results, f: impl Fn(f64, &Row, &mut Curve)) -> Vec<Curve> {
        self.groups
            .iter()
            .map(|(name, idx)| {
                let mut c = Curve {
                    label: name.clone(),
                    ..Curve::default()
                };
                for &i in idx {
                    f(self.x[i], &results.rows[i], &mut c);
                }
                c
            })
            .collect()
    }

    /// Pd with confidence bands and exact analytic Pd.
    fn pd(&self, results: &Results) -> Figure {
        let curves = self.curves(results, |x, r, c| {
            c.solid.push((x, r.pd));
            c.dashed.push((x, r.pd_analytic_exact));
            c.band.push((x, r.pd_low, r.pd_high));
        });
        let notes = pd_notes(&curves, Glyph::Band);
        self.figure(results, "detection probability", pd_axis(), curves, notes)
    }

    /// Mean (solid) and p99 (dashed) latency in ms.
    fn latency(&self, results: &Results) -> Figure {
        let curves = self.curves(results, |x, r, c| {
            c.solid.push((x, r.latency_mean_s * 1e3));
            c.dashed.push((x, r.latency_p99_s * 1e3));
        });
        let ys: Vec<f64> = curves
            .iter()
            .flat_map(|c| c.solid.iter().chain(&c.dashed).map(|p| p.1))
            .collect();
        let (lo, hi) = finite_range(&ys);
        let axis = Axis::fit(&ys, lo > 0.0 && hi / lo >= 100.0, Some(0.0));
        let notes = vec![
            (Glyph::Solid, "mean".into()),
            (Glyph::Dashed, "99th percentile".into()),
        ];
        self.figure(results, "latency (ms)", axis, curves, notes)
    }

    /// Backhaul bytes per frame, log y when all positive.
    fn load(&self, results: &Results) -> Figure {
        let curves = self.curves(results, |x, r, c| {
            c.solid.push((x, r.backhaul_bytes_per_frame))
        });
        let ys: Vec<f64> = curves
            .iter()
            .flat_map(|c| c.solid.iter().map(|p| p.1))
            .collect();
        let axis = Axis::fit(&ys, finite_range(&ys).0 > 0.0, Some(0.0));
        self.figure(
            results,
            "backhaul load (bytes/frame)",
            axis,
            curves,
            Vec::new(),
        )
    }

    fn figure(
        &self,
        results: &Results,
        y_desc: &str,
        y: Axis,
        curves: Vec<Curve>,
        mut notes: Vec<(Glyph, String)>,
    ) -> Figure {
        let markers = self.markers(results);
        if !markers.is_empty() {
            notes.push((Glyph::Dotted, "rate a report needs".into()));
        }
        Figure {
            title: title(results),
            x_desc: self.key.to_string(),
            y_desc: y_desc.into(),
            x: self.axis.clone(),
            y,
            curves,
            notes,
            guide: Vec::new(),
            markers,
        }
    }

    /// The markers of this key, labelled with their value (a rate when the
    /// key is in bit/s), and a legend note for them.
    fn markers(&self, results: &Results) -> Vec<(f64, String)> {
        (results.markers.iter())
            .filter(|m| m.key == self.key && self.numeric)
            .map(|m| {
                let value = if self.key.ends_with("_bps") {
                    super::bit_rate(m.value)
                } else {
                    super::axis::short(m.value)
                };
                (m.value, format!("{} needs {value}", m.label))
            })
            .collect()
    }
}

/// The ROC figures (see [`plot_all`]).
fn roc_plots(results: &Results, dir: &Path) -> Result<Vec<PathBuf>, ResultsError> {
    let mut points: Vec<&[Value]> = Vec::new();
    for r in &results.roc {
        if !points.contains(&&r.coords[..]) {
            points.push(&r.coords);
        }
    }
    let mut files = Vec::new();
    let n = points.len();
    for i in spread(n, MAX_ROC_FIGURES) {
        let stem = if n == 1 {
            "roc".to_string()
        } else {
            format!("roc_{i}")
        };
        files.extend(render(&roc_figure(results, points[i]), dir, &stem)?);
    }
    Ok(files)
}

/// Up to `max` indices of `0..n`, evenly spaced, with the first and the last.
pub(super) fn spread(n: usize, max: usize) -> Vec<usize> {
    if n <= max || max < 2 {
        return (0..n.min(max)).collect();
    }
    (0..max)
        .map(|j| (j * (n - 1) + (max - 1) / 2) / (max - 1))
        .collect()
}

/// The ROC figure of the sweep point at `coords`.
fn roc_figure(results: &Results, coords: &[Value]) -> Figure {
    let mut curves: Vec<Curve> = Vec::new();
    let mut points: Vec<Vec<(f64, f64, f64, f64)>> = Vec::new();
    for r in results.roc.iter().filter(|r| r.coords == coords) {
        let i = match curves.iter().position(|c| c.label == r.variant) {
            Some(i) => i,
            None => {
                curves.push(Curve {
                    label: r.variant.clone(),
                    ..Curve::default()
                });
                points.push(Vec::new());
                curves.len() - 1
            }
        };
        if r.pfa.is_finite() && r.pfa > 0.0 {
            points[i].push((r.pfa, r.pd, r.pd_low, r.pd_high));
        }
    }
    for (c, mut p) in curves.iter_mut().zip(points) {
        p.sort_by(|a, b| a.0.total_cmp(&b.0));
        c.solid = p.iter().map(|q| (q.0, q.1)).collect();
        c.band = p.iter().map(|q| (q.0, q.2, q.3)).collect();
    }
    let xs: Vec<f64> = curves
        .iter()
        .flat_map(|c| c.solid.iter().map(|p| p.0))
        .collect();
    let x = Axis::fit(&xs, true, None);
    let band = if curves.iter().all(|c| c.band.len() <= 1) {
        Glyph::Bar
    } else {
        Glyph::Band
    };
    let mut notes = pd_notes(&curves, band);
    let (lo, hi) = (x.range().start, x.range().end.min(1.0));
    let guide = if x.is_log() && lo < hi {
        let steps = 64;
        (0..=steps)
            .map(|k| {
                let v = lo * (hi / lo).powf(f64::from(k) / f64::from(steps));
                (v, v)
            })
            .collect()
    } else {
        Vec::new()
    };
    if !guide.is_empty() {
        notes.push((Glyph::Dotted, "Pd = Pfa".into()));
    }
    let mut title = "ROC".to_string();
    for (j, (key, v)) in results.swept_keys.iter().zip(coords).enumerate() {
        title.push_str(if j == 0 { ": " } else { ", " });
        title.push_str(&format!("{key} = {}", label(v)));
    }
    Figure {
        title: shorten(&title, MAX_TITLE),
        x_desc: "false-alarm probability (measured)".into(),
        y_desc: "detection probability".into(),
        x,
        y: pd_axis(),
        curves,
        notes,
        guide,
        markers: Vec::new(),
    }
}

/// The longest title in characters; longer ones end in `…`.
const MAX_TITLE: usize = 80;

/// `s` cut to at most `max` characters, ending in `…` when cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Pd per variant, one point with an error bar and an analytic cross each.
fn by_variant(results: &Results) -> Figure {
    let mut names: Vec<String> = Vec::new();
    let mut curves: Vec<Curve> = Vec::new();
    for r in &results.rows {
        let i = names
            .iter()
            .position(|n| *n == r.variant)
            .unwrap_or(names.len());
        if i == names.len() {
            names.push(r.variant.clone());
            curves.push(Curve {
                label: r.variant.clone(),
                ..Curve::default()
            });
        }
        let (c, x) = (&mut curves[i], i as f64);
        // A NaN between repeated rows keeps them as separate points.
        for (v, p) in [(&mut c.solid, r.pd), (&mut c.dashed, r.pd_analytic_exact)] {
            v.extend([(x, f64::NAN), (x, p)]);
        }
        c.band
            .extend([(x, f64::NAN, f64::NAN), (x, r.pd_low, r.pd_high)]);
    }
    let notes = pd_notes(&curves, Glyph::Bar);
    Figure {
        title: title(results),
        x_desc: "variant".into(),
        y_desc: "detection probability".into(),
        x: Axis::categorical(&names),
        y: pd_axis(),
        curves,
        notes,
        guide: Vec::new(),
        markers: Vec::new(),
    }
}

/// Legend notes for the parts of Pd curves that have data.
fn pd_notes(curves: &[Curve], band: Glyph) -> Vec<(Glyph, String)> {
    let any = |f: &dyn Fn(&Curve) -> bool| curves.iter().any(f);
    let mut notes = Vec::new();
    if any(&|c| c.solid.iter().any(|p| p.1.is_finite())) {
        notes.push((Glyph::Solid, "simulated".into()));
    }
    if any(&|c| c.band.iter().any(|p| p.1.is_finite() && p.2.is_finite())) {
        notes.push((band, "confidence interval".into()));
    }
    if any(&|c| c.dashed.iter().any(|p| p.1.is_finite())) {
        let g = if band == Glyph::Bar {
            Glyph::Cross
        } else {
            Glyph::Dashed
        };
        notes.push((g, "analytic (exact)".into()));
    }
    notes
}

/// The Pd axis: [0, 1] with a little room for markers.
fn pd_axis() -> Axis {
    Axis::linear(-0.02, 1.02)
}

/// Min and max of the finite values (`(inf, -inf)` when none).
fn finite_range(v: &[f64]) -> (f64, f64) {
    v.iter()
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        })
}

/// The figure title: the scenario name.
fn title(results: &Results) -> String {
    if results.scenario.is_empty() {
        "results".into()
    } else {
        results.scenario.clone()
    }
}

/// A swept value as text: strings raw, anything else as JSON.
fn label(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
