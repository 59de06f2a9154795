//! Rare false alarms by importance sampling, through the engine and its
//! links: the weighted estimate contains the exact fused rate at 1e-5 and
//! 1e-7 (Gamma(n) for the centralized GLRT, Exp(1) for one local statistic,
//! a binomial tail for k-out-of-n voting, the mixed law for a mix of soft
//! reports and bits, with and without losses), with a relative half-width of
//! at most 30% at 95% from at most 1e5 weighted frames. Containment is
//! checked at 99.9% (3.29 standard errors).

use iaps::design::NodePfa;
use iaps::detect::LocalFilter;
use iaps::fusion::VotingRule;
use iaps::network::{Fidelity, NetParams, PfaEstimator, PointSpec, RunMetrics, run_drops};
use iaps::node::{CcFusion, ReportPolicy};
use iaps::params::{NodeSet, Params};
use iaps::presets::link;

const Z999: f64 = 3.2905;

/// `drops x frames` target-free frames of `net` at fused target `pfa`,
/// importance-sampled, at `fidelity`, with the ROC at `roc`.
fn run(
    p: &Params,
    net: &NetParams,
    fidelity: Fidelity,
    pfa: f64,
    roc: &[f64],
    drops: u64,
    frames: u64,
) -> RunMetrics {
    let mut p = p.clone();
    p.sensing.pfa = pfa;
    let net = NetParams {
        target_probability: 0.0,
        ..net.clone()
    };
    let mut spec = PointSpec::new(&p, &net, 17, frames);
    spec.fidelity = fidelity;
    spec.pfa_estimator = PfaEstimator::Importance;
    spec.roc = roc.to_vec();
    run_drops(&spec, drops, 0, |_| {}).unwrap().metrics
}

/// Asserts that level `l` of `m` contains `exact` at 99.9% with a relative
/// 95% half-width of at most 30%.
fn check(what: &str, m: &RunMetrics, l: usize, exact: f64) {
    let fa = m.levels[l].false_alarms;
    let (p, se) = (fa.estimate(), fa.std_error());
    let half = 1.96 * se / p;
    eprintln!(
        "{what}: {p:.4e} (exact {exact:.4e}), se {se:.2e}, 95% relative half-width {:.1}%, {} frames, mean weight {:.4}",
        100.0 * half,
        fa.n,
        fa.weights / fa.n as f64
    );
    assert!(fa.n <= 100_000, "at most 1e5 weighted frames");
    assert!(
        (p - exact).abs() <= Z999 * se,
        "{what}: {p:.4e} vs exact {exact:.4e} (se {se:.2e})"
    );
    assert!(half <= 0.30, "{what}: relative half-width {half:.3}");
}

fn all_samples() -> NetParams {
    NetParams {
        uplinks: vec![link(None)],
        report: vec![ReportPolicy::Samples],
        ..NetParams::default()
    }
}

#[test]
fn centralized_glrt_gamma_tail_at_1e5_and_1e7() {
    // R = 10: Gamma(11, 1) under H0, the threshold meets the target exactly.
    let p = Params::paper();
    for pfa in [1e-5, 1e-7] {
        let m = run(
            &p,
            &all_samples(),
            Fidelity::Statistic,
            pfa,
            &[],
            10,
            10_000,
        );
        check(&format!("GLRT, 11 soft reports, {pfa:e}"), &m, 0, pfa);
    }
}

#[test]
fn centralized_glrt_at_sample_level() {
    let p = Params::paper();
    let m = run(&p, &all_samples(), Fidelity::Sample, 1e-5, &[], 8, 2_500);
    check("GLRT at sample level, 1e-5", &m, 0, 1e-5);
}

#[test]
fn one_local_statistic_exp1_tail_at_1e5_and_1e7() {
    // The BS alone reporting its local statistic: Exp(1), threshold -ln(pfa).
    let p = Params::paper();
    let net = NetParams {
        nodes: NodeSet::Bs,
        report: vec![ReportPolicy::Statistic],
        ..NetParams::default()
    };
    for pfa in [1e-5, 1e-7] {
        let m = run(&p, &net, Fidelity::Statistic, pfa, &[], 10, 10_000);
        check(&format!("one local statistic, {pfa:e}"), &m, 0, pfa);
    }
}

#[test]
fn two_out_of_eleven_votes_binomial_tail_at_1e5_and_1e7() {
    // q designed so that P(Bin(11, q) >= 2) equals the target; exact local
    // statistics (cancel filter).
    let mut p = Params::paper();
    p.sensing.local_filter = LocalFilter::Cancel;
    let net = NetParams {
        report: vec![ReportPolicy::Decision],
        fusion: CcFusion::Vote(VotingRule::AtLeast(2)),
        node_pfa: NodePfa::Fused,
        ..NetParams::default()
    };
    for pfa in [1e-5, 1e-7] {
        let m = run(&p, &net, Fidelity::Statistic, pfa, &[], 10, 10_000);
        check(&format!("2-out-of-11 votes, {pfa:e}"), &m, 0, pfa);
    }
}

#[test]
fn a_mix_of_samples_statistics_and_bits_meets_its_target() {
    use ReportPolicy::*;
    let mut p = Params::paper();
    p.sensing.local_filter = LocalFilter::Cancel;
    let net = NetParams {
        report: vec![
            Samples, Samples, Samples, Statistic, Statistic, Statistic, Decision,
        ],
        ..NetParams::default()
    };
    for pfa in [1e-5, 1e-7] {
        let m = run(&p, &net, Fidelity::Statistic, pfa, &[], 10, 10_000);
        check(
            &format!("3 samples + 3 statistics + 5 bits, {pfa:e}"),
            &m,
            0,
            pfa,
        );
    }
}

#[test]
fn lossy_links_change_the_mix_not_the_rate() {
    // 30% loss: every frame fuses its own mix; the threshold follows it.
    use ReportPolicy::*;
    let mut p = Params::paper();
    p.sensing.local_filter = LocalFilter::Cancel;
    let mut lossy = link(None);
    lossy.loss = 0.3;
    let net = NetParams {
        uplinks: vec![lossy],
        report: vec![Samples, Statistic, Decision],
        ..NetParams::default()
    };
    let m = run(&p, &net, Fidelity::Statistic, 1e-6, &[], 10, 10_000);
    check("30% loss, mixed reports, 1e-6", &m, 0, 1e-6);
}

#[test]
fn one_sample_serves_every_roc_level() {
    // Designed for the lowest level; the same frames estimate each level.
    let p = Params::paper();
    let roc = [1e-7, 1e-5, 1e-3, 1e-1];
    let m = run(
        &p,
        &all_samples(),
        Fidelity::Statistic,
        1e-6,
        &roc,
        10,
        10_000,
    );
    check("design level 1e-6", &m, 0, 1e-6);
    for (i, &a) in roc.iter().enumerate() {
        check(&format!("ROC level {a:e}"), &m, i + 1, a);
    }
}
