//! Unit tests of the results internals: axes and labels, CSV quoting, NaN serde.

use super::axis::{Axis, short};
use super::csv::quote;
use super::{Row, nan_as_null};
use plotters::coord::ranged1d::{BoldPoints, Ranged, ValueFormatter};
use serde_json::json;

fn labels(a: &Axis) -> Vec<String> {
    a.key_points(BoldPoints(10))
        .iter()
        .map(|v| a.format_ext(v))
        .collect()
}

#[test]
fn short_labels() {
    let cases = [
        (0.0, "0"),
        (0.01, "0.01"),
        (0.025, "0.025"),
        (1.0, "1"),
        (250.0, "250"),
        (5000.0, "5000"),
        (1e4, "10k"),
        (65536.0, "65.5k"),
        (2.5e6, "2.5M"),
        (1e9, "1G"),
        (1e15, "1e15"),
        (2.5e-4, "2.5e-4"),
        (-3e6, "-3M"),
    ];
    for (v, s) in cases {
        assert_eq!(short(v), s, "{v}");
    }
}

#[test]
fn linear_axis_ticks() {
    let pd = Axis::linear(-0.02, 1.02);
    assert_eq!(labels(&pd), ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    let rcs = Axis::linear(-31.2, 1.2);
    assert_eq!(labels(&rcs), ["-30", "-25", "-20", "-15", "-10", "-5", "0"]);
    let quarter = Axis::linear(0.0, 2.0);
    assert_eq!(
        labels(&quarter),
        [
            "0", "0.25", "0.50", "0.75", "1.00", "1.25", "1.50", "1.75", "2.00"
        ]
    );
    let degenerate = Axis::fit(&[3.0, 3.0], false, None);
    assert!(degenerate.range().start < 3.0 && degenerate.range().end > 3.0);
    let empty = Axis::fit(&[f64::NAN], false, Some(0.0));
    assert_eq!(empty.range(), 0.0..1.0);
}

#[test]
fn log_axis_ticks_and_mapping() {
    let a = Axis::log(1e4, 1e8);
    assert!(a.is_log());
    assert_eq!(labels(&a), ["10k", "100k", "1M", "10M", "100M"]);
    assert_eq!(a.map(&1e6, (0, 400)), 200);
    let narrow = Axis::log(3000.0, 5000.0);
    assert!(labels(&narrow).len() >= 3, "{:?}", labels(&narrow));
    let fitted = Axis::fit(&[512.0, 65536.0], true, Some(0.0));
    assert!(fitted.is_log() && fitted.range().start < 512.0 && fitted.range().end > 65536.0);
    assert!(!Axis::fit(&[0.0, 10.0], true, Some(0.0)).is_log());
}

#[test]
fn categorical_axis() {
    let a = Axis::categorical(&["or".into(), "and".into(), "majority".into()]);
    assert_eq!(labels(&a), ["or", "and", "majority"]);
    assert_eq!(a.range(), -0.5..2.5);
}

#[test]
fn csv_quoting() {
    assert_eq!(quote("plain"), "plain");
    assert_eq!(quote("a,b"), "\"a,b\"");
    assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(quote("two\nlines"), "\"two\nlines\"");
}

#[test]
fn row_serde_writes_nan_as_null() {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct X(#[serde(with = "nan_as_null")] f64);
    assert_eq!(serde_json::to_string(&X(f64::NAN)).unwrap(), "null");
    assert_eq!(serde_json::to_string(&X(0.5)).unwrap(), "0.5");
    assert!(serde_json::from_str::<X>("null").unwrap().0.is_nan());
    let row = Row {
        coords: vec![json!(-16)],
        variant: "IAPS".into(),
        pd: f64::NAN,
        pd_low: 0.1,
        pd_high: 0.2,
        pfa: 0.0,
        pfa_low: 0.0,
        pfa_high: 0.0,
        pd_analytic_paper: 0.0,
        pd_analytic_exact: 0.0,
        latency_mean_s: 0.0,
        latency_p99_s: 0.0,
        late_fraction: 0.0,
        lost_fraction: 0.0,
        backhaul_bytes_per_frame: 0.0,
        sinr_ok_fraction: 0.0,
        infeasible_drops: 1,
        drops: 2,
        frames: 3,
        pd_analytic_corrected: 0.0,
        pd_drops_low: f64::NAN,
        pd_drops_high: 0.3,
        null_frames: 4,
        pfa_rel_error: 0.1,
        pd_analytic_arrived: 0.0,
        pfa_analytic_arrived: 0.0,
        stale_fraction: 0.0,
        retransmissions_per_frame: 0.5,
        report_delay_mean_s: f64::NAN,
        fused_nodes_mean: 2.0,
        fused_nodes: vec![0, 1, 1, 0],
    };
    let text = serde_json::to_string(&row).unwrap();
    assert!(text.contains("\"pd\":null"), "{text}");
    let back: Row = serde_json::from_str(&text).unwrap();
    assert!(back.pd.is_nan());
    assert!(back.pd_drops_low.is_nan());
    assert!(back.report_delay_mean_s.is_nan());
    assert_eq!(
        Row {
            pd: 0.0,
            pd_drops_low: 0.0,
            report_delay_mean_s: 0.0,
            ..back
        },
        Row {
            pd: 0.0,
            pd_drops_low: 0.0,
            report_delay_mean_s: 0.0,
            ..row
        }
    );
}

#[test]
fn roc_figures_are_evenly_spread() {
    use super::plot::spread;
    assert_eq!(spread(0, 12), Vec::<usize>::new());
    assert_eq!(spread(3, 12), [0, 1, 2]);
    assert_eq!(spread(12, 12), (0..12).collect::<Vec<_>>());
    for n in [13, 20, 25, 100, 1000] {
        let s = spread(n, 12);
        assert_eq!(s.len(), 12, "{n}");
        assert_eq!((s[0], s[11]), (0, n - 1), "{n}");
        assert!(s.windows(2).all(|w| w[0] < w[1]), "{n}: {s:?}");
        let gaps: Vec<usize> = s.windows(2).map(|w| w[1] - w[0]).collect();
        let (lo, hi) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
        assert!(hi - lo <= 1, "{n}: {s:?}");
    }
}
