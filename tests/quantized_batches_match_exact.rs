//! Integer sample batches (i16, i8) carry one quantization step per batch;
//! the CC adds its variance to the node's noise, and the exact analytic Pd
//! includes the same quantization noise. In the physical calibration, where
//! the direct path dominates a RAP's samples and i8 is coarse, the simulated
//! Pd agrees with the exact column, and the fused Pfa of i8 and i16 batches
//! meets its design (99.9% ranges).

use iaps::network::{NetParams, PointSpec, RunMetrics, run_drops};
use iaps::node::{ReportPolicy, SampleFormat};
use iaps::params::Params;
use iaps::presets::physical_params;
use iaps::stats::binomial_acceptance;

fn physical() -> Params {
    physical_params(Params::paper().system.raps, 1e-2, -104.0)
}

fn run(
    p: &Params,
    format: SampleFormat,
    target_probability: f64,
    drops: u64,
    frames: u64,
) -> RunMetrics {
    let net = NetParams {
        report: vec![ReportPolicy::Samples],
        sample_format: format,
        target_probability,
        ..NetParams::default()
    };
    run_drops(&PointSpec::new(p, &net, 31, frames), drops, 0, |_| {})
        .unwrap()
        .metrics
}

#[test]
fn i8_pd_agrees_with_the_exact_column() {
    let p = physical();
    let m = run(&p, SampleFormat::I8, 1.0, 30, 200);
    let (pd, _) = m.pd();
    let exact = m.pd_analytic_exact();
    let n = m.detections().1 as f64;
    let se = (exact * (1.0 - exact) / n).sqrt();
    eprintln!("i8: Pd {pd:.4}, exact with quantization {exact:.4} ({n} frames)");
    assert!(
        (pd - exact).abs() <= 3.29 * se,
        "i8 Pd {pd:.4} vs exact {exact:.4}"
    );
    // Without the quantization noise the column would be visibly higher.
    let f64_exact = run(&p, SampleFormat::F64, 1.0, 30, 1).pd_analytic_exact();
    eprintln!("the same drops' exact Pd without quantization: {f64_exact:.4}");
    assert!(
        f64_exact > exact + 5.0 * se,
        "quantization must cost Pd here"
    );
}

#[test]
fn integer_batches_meet_the_false_alarm_design() {
    let mut p = physical();
    p.sensing.pfa = 1e-2;
    for format in [SampleFormat::I16, SampleFormat::I8] {
        let m = run(&p, format, 0.0, 20, 500);
        let (fa, n) = m.false_alarms();
        let (lo, hi) = binomial_acceptance(n, 1e-2, 0.999);
        eprintln!("{format:?}: {fa}/{n} false alarms, 99.9% range [{lo}, {hi}]");
        assert!((lo..=hi).contains(&fa), "{format:?}: {fa}/{n}");
    }
}
