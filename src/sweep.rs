//! Running a scenario: every sweep point and variant through the engine (or
//! the analytic model alone), one results row each, in a fixed order. All
//! drops of all points share one pool, so no core idles while work remains.

use crate::network::{DropError, PointSpec, RunMetrics, run_drop};
use crate::node::DropId;
use crate::results::{Results, Row};

mod markers;
mod rows;

use crate::scenario::{Fidelity, Point, Scenario, ScenarioError};
use crate::trace::TraceEvent;
pub use markers::capacity_markers;
pub use rows::{roc_rows, row, toml_to_json};

/// Why a scenario run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The scenario is invalid.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// A drop could not run.
    #[error("variant '{variant}': {error}")]
    Drop {
        /// Variant label.
        variant: String,
        /// What went wrong, with the drop's identity.
        error: DropError,
    },
}

/// How a scenario runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Worker threads (0 = one per core). Results do not depend on it.
    pub threads: usize,
    /// Keep every drop's trace events for the `done` callback.
    pub record_trace: bool,
    /// Run only this shard's points (`None`: every point).
    pub shard: Option<Shard>,
}

/// Shard `index` of `count` (1-based, `1 <= index <= count`): the points
/// whose position `k` in [`Scenario::points`] (0-based, coordinates
/// row-major and variants within each coordinate) has `k % count ==
/// index - 1`. Round robin spreads a sweep's slow and fast points evenly
/// over the shards; the shards of one `count` partition the points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Shard {
    /// Parses `I/N` with `1 <= I <= N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` must be I/N with 1 <= I <= N, e.g. 2/8");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<usize>().map_err(|_| bad())?,
            n.trim().parse::<usize>().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether point `k` (its position in [`Scenario::points`]) is this shard's.
    pub fn contains(&self, k: usize) -> bool {
        k % self.count == self.index - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The points `opts` runs, in order: all of them, or its shard's.
pub fn selected_points(sc: &Scenario, opts: &RunOptions) -> Result<Vec<Point>, ScenarioError> {
    Ok(shard_of(sc.points()?, opts))
}

/// `points` (all of a scenario's), or the shard's of them.
fn shard_of(points: Vec<Point>, opts: &RunOptions) -> Vec<Point> {
    match opts.shard {
        None => points,
        Some(s) => (points.into_iter().enumerate())
            .filter(|(k, _)| s.contains(*k))
            .map(|(_, p)| p)
            .collect(),
    }
}

/// A finished point: its row and its drops' traces.
#[derive(Debug, Clone)]
pub struct PointOutput {
    /// The results row.
    pub row: Row,
    /// Each drop's trace events, in drop order (empty unless recording).
    pub traces: Vec<(DropId, Vec<TraceEvent>)>,
}

/// The engine's description of `point`.
fn spec(point: &Point, record_trace: bool) -> PointSpec {
    let s = &point.setup;
    let frames = if s.run.fidelity == Fidelity::Analytic {
        0
    } else {
        s.run.frames
    };
    let mut spec = PointSpec::new(&s.params, &s.net, s.run.seed, frames);
    spec.point = u32::try_from(point.index).unwrap_or(u32::MAX);
    spec.variant = u32::try_from(point.variant_index).unwrap_or(u32::MAX);
    spec.fidelity = match s.run.fidelity {
        Fidelity::Statistic => crate::network::Fidelity::Statistic,
        Fidelity::Sample | Fidelity::Analytic => crate::network::Fidelity::Sample,
    };
    spec.pfa_estimator = s.run.pfa_estimator;
    spec.common_random_numbers = s.run.common_random_numbers;
    spec.roc = s.run.roc_pfa.clone();
    spec.record_trace = record_trace;
    spec
}

/// Runs every point of `sc` in order (only its shard's with
/// [`RunOptions::shard`]). After each point, `done` gets the
/// partial results (to save them, so nothing computed is lost) and the
/// point's output; `progress` is called after every drop.
pub fn run_scenario(
    sc: &Scenario,
    opts: RunOptions,
    progress: impl FnMut(u64),
    done: impl FnMut(&Results, &Point, PointOutput),
) -> Result<Results, RunError> {
    resume_scenario(sc, Vec::new(), Vec::new(), opts, progress, done)
}

/// Like [`run_scenario`], but the first `finished.len()` points to run (of
/// [`selected_points`]: every point, or the shard's) are taken from
/// `finished` (rows of an interrupted run of the same scenario and shard,
/// which the caller has checked), with their ROC rows from `finished_roc`,
/// instead of being run again. A point's
/// numbers depend only on the scenario and the point, never on what ran
/// before it, so a resumed run gives the same rows as an uninterrupted one.
///
/// The drops of every remaining point go through one dynamically scheduled
/// pool ([`crate::pool::ordered_map`]) and are merged in (point, drop) order.
pub fn resume_scenario(
    sc: &Scenario,
    finished: Vec<Row>,
    finished_roc: Vec<crate::results::RocRow>,
    opts: RunOptions,
    mut progress: impl FnMut(u64),
    mut done: impl FnMut(&Results, &Point, PointOutput),
) -> Result<Results, RunError> {
    let all = sc.points()?;
    let markers = capacity_markers(&all);
    let points = shard_of(all, &opts);
    let skip = finished.len().min(points.len());
    let mut results = Results {
        scenario: sc.name.clone(),
        description: sc.description.clone(),
        swept_keys: sc.sweep.iter().map(|a| a.key.clone()).collect(),
        rows: finished.into_iter().take(skip).collect(),
        roc: Vec::new(),
        markers,
        provenance: None,
    };
    results.roc = (finished_roc.into_iter())
        .filter(|r| {
            (results.rows.iter()).any(|row| row.coords == r.coords && row.variant == r.variant)
        })
        .collect();
    let todo = &points[skip..];
    run_points(todo, &opts, &mut progress, |point, out, roc| {
        results.rows.push(out.row.clone());
        results.roc.extend(roc);
        done(&results, point, out);
    })?;
    Ok(results)
}

/// Runs `points` (of any scenarios, in any order) through one pool of
/// `opts.threads` workers; `done` gets each point's output and ROC rows in
/// the order of `points`, `progress` the index of every merged drop.
pub fn run_points(
    points: &[Point],
    opts: &RunOptions,
    mut progress: impl FnMut(u64),
    mut done: impl FnMut(&Point, PointOutput, Vec<crate::results::RocRow>),
) -> Result<(), RunError> {
    let specs: Vec<PointSpec> = points.iter().map(|p| spec(p, opts.record_trace)).collect();
    // Work item i is drop i - starts[k] of point k.
    let mut starts = Vec::with_capacity(points.len() + 1);
    let mut total = 0u64;
    for p in points {
        starts.push(total);
        total = total.saturating_add(p.setup.run.drops);
    }
    starts.push(total);
    let point_of = |i: u64| starts.partition_point(|&s| s <= i) - 1;
    let mut k = 0usize;
    let mut metrics = RunMetrics::default();
    let mut traces = Vec::new();
    crate::pool::ordered_map(
        total,
        opts.threads,
        |i| {
            let k = point_of(i);
            run_drop(&specs[k], i - starts[k])
        },
        |i, report| {
            let p = &points[point_of(i)];
            let report = report.map_err(|error| RunError::Drop {
                variant: p.variant.clone(),
                error,
            })?;
            metrics.merge(&report.metrics);
            if opts.record_trace {
                traces.push((report.id, report.trace));
            }
            progress(i);
            // Points with zero drops are impossible (validated), so a point
            // completes exactly when its last drop is merged.
            while k < points.len() && starts[k + 1] == i + 1 {
                let m = std::mem::take(&mut metrics);
                let out = PointOutput {
                    row: row(&points[k], &m),
                    traces: std::mem::take(&mut traces),
                };
                done(&points[k], out, roc_rows(&points[k], &m));
                k += 1;
            }
            Ok::<(), RunError>(())
        },
    )
}
