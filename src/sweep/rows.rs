//! The results rows of a finished point: the row of results.csv and the
//! rows of roc.csv.

use crate::network::RunMetrics;
use crate::network::importance::PI0;
use crate::results::{RocRow, Row};
use crate::scenario::Point;
use crate::stats::{Interval, wilson};

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
    let pd_drops = if h1 == 0 {
        Interval {
            low: nan,
            high: nan,
        }
    } else {
        m.pd_drops.interval(0.95)
    };
    let (latency_mean_s, latency_p99_s) = m.latency();
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
        // Per message, not per packet: the link counters count packets
        // (several per message with an MTU, again for each retransmission).
        late_fraction: frac(m.late, m.reports),
        lost_fraction: frac(m.lost + m.dropped, m.messages),
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
        pd_drops_low: pd_drops.low,
        pd_drops_high: pd_drops.high,
        null_frames: fa.n,
        pfa_rel_error: fa.rel_error(),
        pd_analytic_arrived: m.pd_analytic_arrived(),
        pfa_analytic_arrived: m.pfa_analytic_arrived(),
        stale_fraction: frac(
            m.stale_skipped + m.stale_discarded,
            m.reports + m.stale_skipped,
        ),
        retransmissions_per_frame: if frames == 0 {
            nan
        } else {
            m.retransmissions as f64 / frames as f64
        },
        report_delay_mean_s: m.report_delay(),
        fused_nodes_mean: m.fused_nodes_mean(),
        fused_nodes: m.fused_nodes.clone(),
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

/// The ROC rows of `point`: one per false-alarm level after the design
/// level (`run.roc_pfa`), Pd with its Wilson interval, Pfa as estimated
/// (importance-weighted when sampled so) with its interval.
pub fn roc_rows(point: &Point, m: &RunMetrics) -> Vec<RocRow> {
    let nan = f64::NAN;
    let coords: Vec<serde_json::Value> =
        point.coords.iter().map(|(_, v)| toml_to_json(v)).collect();
    m.levels
        .iter()
        .skip(1)
        .map(|l| {
            let (pd, pd_low, pd_high) = if l.target_frames == 0 {
                (nan, nan, nan)
            } else {
                let ci = wilson(l.detected, l.target_frames, 0.95);
                (l.detected as f64 / l.target_frames as f64, ci.low, ci.high)
            };
            let fa = &l.false_alarms;
            let (pfa, pfa_low, pfa_high) = if fa.n == 0 {
                (nan, nan, nan)
            } else {
                let ci = fa.interval(0.95, 1.0 / PI0);
                (fa.estimate(), ci.low, ci.high)
            };
            RocRow {
                coords: coords.clone(),
                variant: point.variant.clone(),
                pfa_design: l.pfa_design,
                pd,
                pd_low,
                pd_high,
                pfa,
                pfa_low,
                pfa_high,
                pfa_rel_error: fa.rel_error(),
                target_frames: l.target_frames,
                null_frames: fa.n,
            }
        })
        .collect()
}
