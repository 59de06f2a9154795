//! The CC's threshold follows whatever mix of reports arrived, so the fused
//! false-alarm rate holds for any mix and any loss: losses cost detection,
//! never false alarms. Target-free frames only; 99.9% acceptance ranges.

use iaps::network::{NetParams, PointSpec, run_drops};
use iaps::node::ReportPolicy;
use iaps::presets::{default_params, link};
use iaps::stats::binomial_acceptance;

const PFA: f64 = 1e-2;

fn check(what: &str, net: &NetParams, seed: u64) {
    let mut p = default_params(-16.0);
    p.sensing.pfa = PFA;
    let mut spec = PointSpec::new(&p, net, seed, 1000);
    spec.record_frames = true;
    let out = run_drops(&spec, 20, 0, |_| {}).unwrap();
    let m = out.metrics;
    let (fa, n) = m.false_alarms();
    let (lo, hi) = binomial_acceptance(n, PFA, 0.999);
    let mixes: std::collections::BTreeSet<(u32, u32)> =
        out.frames.iter().map(|f| (f.soft, f.bits)).collect();
    eprintln!(
        "{what}: {fa}/{n} false alarms, range [{lo}, {hi}], {} report mixes, {} lost",
        mixes.len(),
        m.lost
    );
    assert_eq!(m.detections().1, 0, "no target frames");
    assert!(
        (lo..=hi).contains(&fa),
        "{what}: {fa}/{n} outside [{lo}, {hi}]"
    );
}

#[test]
fn a_fixed_mix_of_samples_statistics_and_bits_meets_the_target() {
    use ReportPolicy::*;
    let net = NetParams {
        target_probability: 0.0,
        report: vec![
            Samples, Samples, Samples, Samples, Statistic, Statistic, Statistic, Statistic,
            Decision,
        ],
        ..NetParams::default()
    };
    check("4 samples + 4 statistics + 3 bits", &net, 71);
}

#[test]
fn lossy_links_change_the_mix_but_not_the_false_alarm_rate() {
    use ReportPolicy::*;
    let mut lossy = link(None);
    lossy.loss = 0.3;
    let net = NetParams {
        target_probability: 0.0,
        uplinks: vec![lossy],
        report: vec![Samples, Statistic, Decision],
        ..NetParams::default()
    };
    check("30% loss, mixed policies", &net, 72);
}
