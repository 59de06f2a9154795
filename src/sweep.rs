//! Running a scenario: every sweep point and variant through the engine (or
//! the analytic model alone), one results row each, in a fixed order. All
//! drops of all points share one pool, so no core idles while work remains.

use crate::network::{DropError, PointSpec, RunMetrics, run_drop};
use crate::node::DropId;
use crate::results::{Results, Row};
use crate::scenario::{Fidelity, Point, Scenario, ScenarioError};
use crate::stats::wilson;
use crate::trace::TraceEvent;

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

/// The results row of `point` from its metrics. Rates with no frames behind
/// them are NaN (written as empty cells and nulls).
pub fn row(point: &Point, m: &RunMetrics) -> Row {
    let nan = f64::NAN;
    let rate = |k: u64, n: u64| {
        if n == 0 {
            (nan, nan, nan)
        } else {
            let ci = wilson(k, n, 0.95);
            (k as f64 / n as f64, ci.low, ci.high)
        }
    };
    let (d, h1) = m.detections();
    let (pd, pd_low, pd_high) = rate(d, h1);
    let fa = m.design().false_alarms;
    let (pfa, pfa_low, pfa_high) = if fa.n == 0 {
        (nan, nan, nan)
    } else {
        let (p, ci) = m.pfa();
        (p, ci.low, ci.high)
    };
    let (latency_mean_s, latency_p99_s) = m.latency();
    let offered = m.offered_messages();
    let reports: u64 = m.uplinks.iter().map(|l| l.stats.offered).sum();
    let frac = |k: u64, n: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let frames = m.frames;
    Row {
        coords: point.coords.iter().map(|(_, v)| toml_to_json(v)).collect(),
        variant: point.variant.clone(),
        pd,
        pd_low,
        pd_high,
        pfa,
        pfa_low,
        pfa_high,
        pd_analytic_paper: m.pd_analytic_paper(),
        pd_analytic_exact: m.pd_analytic_exact(),
        latency_mean_s,
        latency_p99_s,
        late_fraction: frac(m.late, reports),
        lost_fraction: frac(m.lost + m.dropped, offered),
        backhaul_bytes_per_frame: if frames == 0 {
            nan
        } else {
            m.bytes_per_frame()
        },
        sinr_ok_fraction: frac(m.feasible_drops(), m.drops),
        infeasible_drops: m.infeasible_drops,
        drops: m.drops,
        frames,
        pd_analytic_corrected: m.pd_analytic_corrected(),
        pd_drops_low: nan,
        pd_drops_high: nan,
        null_frames: 0,
        pfa_rel_error: nan,
        pd_analytic_arrived: nan,
    }
}

/// A TOML value as JSON (numbers stay numbers).
pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        other => serde_json::Value::String(other.to_string()),
    }
}

/// Runs every point of `sc` in order. After each point, `done` gets the
/// partial results (to save them, so nothing computed is lost) and the
/// point's output; `progress` is called after every drop.
pub fn run_scenario(
    sc: &Scenario,
    opts: RunOptions,
    progress: impl FnMut(u64),
    done: impl FnMut(&Results, &Point, PointOutput),
) -> Result<Results, RunError> {
    resume_scenario(sc, Vec::new(), opts, progress, done)
}

/// Like [`run_scenario`], but the first `finished.len()` points are taken from
/// `finished` (rows of an interrupted run of the same scenario) instead of
/// being run again. A point's numbers depend only on the scenario and the
/// point, never on what ran before it, so a resumed run gives the same rows
/// as an uninterrupted one.
///
/// The drops of every remaining point go through one dynamically scheduled
/// pool ([`crate::pool::ordered_map`]) and are merged in (point, drop) order.
pub fn resume_scenario(
    sc: &Scenario,
    finished: Vec<Row>,
    opts: RunOptions,
    mut progress: impl FnMut(u64),
    mut done: impl FnMut(&Results, &Point, PointOutput),
) -> Result<Results, RunError> {
    let points = sc.points()?;
    let skip = finished.len().min(points.len());
    let mut results = Results {
        scenario: sc.name.clone(),
        description: sc.description.clone(),
        swept_keys: sc.sweep.iter().map(|a| a.key.clone()).collect(),
        rows: finished.into_iter().take(skip).collect(),
        roc: Vec::new(),
    };
    let todo = &points[skip..];
    let specs: Vec<PointSpec> = todo.iter().map(|p| spec(p, opts.record_trace)).collect();
    // Work item i is drop i - starts[k] of point k.
    let mut starts = Vec::with_capacity(todo.len() + 1);
    let mut total = 0u64;
    for p in todo {
        starts.push(total);
        total += p.setup.run.drops;
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
            let p = &todo[point_of(i)];
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
            while k < todo.len() && starts[k + 1] == i + 1 {
                let out = PointOutput {
                    row: row(&todo[k], &std::mem::take(&mut metrics)),
                    traces: std::mem::take(&mut traces),
                };
                results.rows.push(out.row.clone());
                done(&results, &todo[k], out);
                k += 1;
            }
            Ok::<(), RunError>(())
        },
    )?;
    Ok(results)
}
