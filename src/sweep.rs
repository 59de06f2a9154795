//! Running a scenario: every sweep point and variant through the engine (or
//! the analytic model alone), one results row each, in a fixed order.

use crate::network::{RunMetrics, run_drops};
use crate::radio::GeometryError;
use crate::results::{Results, Row};
use crate::scenario::{Fidelity, Point, Scenario, ScenarioError};
use crate::stats::wilson;
use crate::trace::TraceRecord;

/// Why a scenario run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The scenario is invalid.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// A drop's nodes could not be placed.
    #[error("point {point} ({variant}): {error}")]
    Geometry {
        /// Point index.
        point: usize,
        /// Variant label.
        variant: String,
        /// The placement error.
        error: GeometryError,
    },
}

/// A finished point: its row and its captured trace.
#[derive(Debug, Clone)]
pub struct PointOutput {
    /// The results row.
    pub row: Row,
    /// Engine events of this point (empty unless capture is on).
    pub trace: Vec<TraceRecord>,
}

/// Runs one point on `threads` workers.
pub fn run_point(
    point: &Point,
    threads: usize,
    progress: impl FnMut(u64),
) -> Result<PointOutput, GeometryError> {
    let s = &point.setup;
    let frames = if s.run.fidelity == Fidelity::Analytic {
        0
    } else {
        s.run.frames
    };
    let out = run_drops(
        &s.params,
        &s.net,
        s.run.seed,
        s.run.drops,
        frames,
        threads,
        progress,
    )?;
    Ok(PointOutput {
        row: row(point, &out.metrics),
        trace: out.trace,
    })
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
    let (fa, h0) = m.false_alarms();
    let (pd, pd_low, pd_high) = rate(d, h1);
    let (pfa, pfa_low, pfa_high) = rate(fa, h0);
    let (latency_mean_s, latency_p99_s) = m.latency();
    let offered = m.offered_messages();
    let reports: u64 = m.uplinks.iter().map(|l| l.stats.offered).sum();
    let frac = |k: u64, n: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let frames = m.frames.len() as u64;
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
/// point's trace; `progress` is called after every drop.
pub fn run_scenario(
    sc: &Scenario,
    threads: usize,
    progress: impl FnMut(u64),
    done: impl FnMut(&Results, &Point, Vec<TraceRecord>),
) -> Result<Results, RunError> {
    resume_scenario(sc, Vec::new(), threads, progress, done)
}

/// Like [`run_scenario`], but the first `finished.len()` points are taken from
/// `finished` (rows of an interrupted run of the same scenario) instead of
/// being run again. Every point uses the scenario's seed whatever ran before
/// it, so a resumed run gives the same rows as an uninterrupted one.
pub fn resume_scenario(
    sc: &Scenario,
    finished: Vec<Row>,
    threads: usize,
    mut progress: impl FnMut(u64),
    mut done: impl FnMut(&Results, &Point, Vec<TraceRecord>),
) -> Result<Results, RunError> {
    let points = sc.points()?;
    let skip = finished.len().min(points.len());
    let mut results = Results {
        scenario: sc.name.clone(),
        description: sc.description.clone(),
        swept_keys: sc.sweep.iter().map(|a| a.key.clone()).collect(),
        rows: finished.into_iter().take(skip).collect(),
    };
    for p in &points[skip..] {
        let out = run_point(p, threads, &mut progress).map_err(|error| RunError::Geometry {
            point: p.index,
            variant: p.variant.clone(),
            error,
        })?;
        results.rows.push(out.row);
        done(&results, p, out.trace);
    }
    Ok(results)
}
