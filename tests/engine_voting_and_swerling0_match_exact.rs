//! Through the engine with unlimited links: voting fusion (the path of the
//! paper's Figs. 11-12) matches `analytic::voting`, and a Swerling 0 target
//! matches its exact law (generalized Marcum Q), within 99.9% intervals.

use iaps::fusion::VotingRule;
use iaps::network::{NetParams, PointSpec, RunMetrics, run_drops};
use iaps::node::{CcFusion, ReportPolicy};
use iaps::power::Policy;
use iaps::presets::default_params;
use iaps::radio::TargetModel;

fn check(what: &str, m: &RunMetrics) {
    let (pd, _) = m.pd();
    let exact = m.pd_analytic_exact();
    let n = m.detections().1 as f64;
    let se = (exact * (1.0 - exact) / n).sqrt();
    eprintln!("{what}: Pd {pd:.4}, exact {exact:.4}, {n} target frames");
    assert!(
        (pd - exact).abs() <= 3.29 * se,
        "{what}: {pd:.4} vs {exact:.4}"
    );
}

#[test]
fn voting_with_the_papers_kappa_matches_the_exact_fused_law() {
    for rcs in [-21.0, -16.0] {
        let mut p = default_params(rcs);
        p.power.policy = Policy::MaxP0;
        let net = NetParams {
            report: vec![ReportPolicy::Decision],
            fusion: CcFusion::Vote(VotingRule::PaperKappa),
            node_pfa: iaps::design::NodePfa::Target,
            target_probability: 1.0,
            ..NetParams::default()
        };
        let m = run_drops(&PointSpec::new(&p, &net, 41, 300), 20, 0, |_| {})
            .unwrap()
            .metrics;
        check(&format!("paper-kappa voting at {rcs} dB"), &m);
    }
}

#[test]
fn swerling0_target_matches_marcum_q() {
    let mut p = default_params(-21.0);
    p.sensing.target = TargetModel::Swerling0;
    let net = NetParams {
        report: vec![ReportPolicy::Samples],
        target_probability: 1.0,
        ..NetParams::default()
    };
    let m = run_drops(&PointSpec::new(&p, &net, 43, 300), 20, 0, |_| {})
        .unwrap()
        .metrics;
    check("Swerling 0, GLRT", &m);
}
