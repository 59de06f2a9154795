//! The whitened local filter (eq. 42) exceeds its design false-alarm rate at a
//! moderate interference-to-noise ratio, measured at a design of 1e-5 two
//! independent ways on one drop (docs/whitened_study.md,
//! `examples/whitened_pfa.rs`):
//!
//! * conditional Monte Carlo: given the frame's symbols S the direct path
//!   leaves the residual `mu = q^H G X conj(u) / (sigma ||q|| ||u||)`, and
//!   `P(T > tau | S) = Q1(sqrt(2 |mu|^2), sqrt(2 tau))`; S drawn here, mu
//!   computed from the scene, no rare event;
//! * importance sampling through the engine: the RAP alone reports its
//!   statistic, GLRT fusion of that one soft report (the fused decision is
//!   then exactly `T > tau`), no targets, `PfaEstimator::Importance`.
//!
//! A deterministic third value checks both: `mu = conj(kappa-part) sqrt(g) +
//! CN(0, rho)` with `g ~ Gamma(L, 1)` (see the example's docs), averaged by
//! Gauss-Laguerre quadrature. The drop: seed 1, drop 2, sensing noise
//! -68 dBm, INR `lambda_max(G W W^H G^H) / sigma^2` = 1.1 dB; measured rate
//! 4.56e-4, about 45.5 times the design. `projection` on the same drop holds 1e-5.

use iaps::detect::LocalFilter;
use iaps::linalg::{C64, CMat, CVec, cn_matrix, dotc};
use iaps::network::importance::PI0;
use iaps::network::{Fidelity, Medium, NetParams, PfaEstimator, PointSpec, drop_ctx, run_drop};
use iaps::node::{CcFusion, DropCtx, NodeId, ReportPolicy};
use iaps::params::{NodeSet, PHYSICAL_RCS_M2};
use iaps::presets::physical_params;
use iaps::rng::{STREAM_TEST, stream};
use iaps::special::{GammaQuadrature, marcum_q};
use iaps::stats::WeightedSums;
use std::sync::Arc;

const SEED: u64 = 1;
const DROP: u64 = 2;
const NOISE_DBM: f64 = -68.0;
const DESIGN: f64 = 1e-5;
const CONFIDENCE: f64 = 0.999;
/// Weighted frames of each IS estimate (the brief's budget: at most 1e5).
const IS_FRAMES: u64 = 100_000;
/// Symbol draws of the conditional Monte Carlo.
const MC_DRAWS: u64 = 20_000;
/// The measured whitened rate is about 45.5x the design; asserted conservatively.
const EXCESS_AT_LEAST: f64 = 4.0;

fn tau() -> f64 {
    -DESIGN.ln()
}

fn spec(filter: LocalFilter, fidelity: Fidelity, frames: u64) -> PointSpec {
    let mut p = physical_params(1, PHYSICAL_RCS_M2, NOISE_DBM);
    p.sensing.local_filter = filter;
    let net = NetParams {
        report: vec![ReportPolicy::Statistic],
        fusion: CcFusion::Glrt,
        nodes: NodeSet::Raps,
        target_probability: 0.0,
        ..NetParams::default()
    };
    let mut s = PointSpec::new(&p, &net, SEED, frames);
    s.fidelity = fidelity;
    s.pfa_estimator = PfaEstimator::Importance;
    s
}

fn ctx(filter: LocalFilter) -> Arc<DropCtx> {
    let s = spec(filter, Fidelity::Statistic, 1);
    drop_ctx(&s, DROP).expect("layout").expect("feasible drop")
}

/// `c = W^H G^H q / (sigma ||q||)` and `W^H a`: `mu = c^H S conj(u) / ||u||`
/// with `u = S^T conj(W^H a)`.
fn residual(ctx: &DropCtx) -> (CVec, CVec) {
    let q = ctx.detectors[1].filter();
    let gq = ctx.scene.g[0].adjoint() * q;
    let c = (ctx.w.adjoint() * gq).unscale(ctx.noise_w().sqrt() * q.norm());
    (c, ctx.w.adjoint() * &ctx.scene.a)
}

fn mu((c, wa): &(CVec, CVec), s: &CMat) -> C64 {
    let u = s.transpose() * wa.conjugate();
    let v = s * u.conjugate();
    dotc(c.as_slice(), v.as_slice()) / u.norm()
}

fn q1(mu: C64) -> f64 {
    marcum_q(
        1,
        std::f64::consts::SQRT_2 * mu.norm(),
        (2.0 * tau()).sqrt(),
    )
}

/// (mean, standard error, largest |mu|^2) of `Q1` over fresh symbols.
fn conditional_mc(ctx: &DropCtx, tag: u64) -> (f64, f64, f64) {
    let res = residual(ctx);
    let mut rng = stream(SEED, &[STREAM_TEST, tag]);
    let (mut s1, mut s2, mut mu2) = (0.0, 0.0, 0.0f64);
    for _ in 0..MC_DRAWS {
        let s = cn_matrix(&mut rng, ctx.w.ncols(), ctx.frame_symbols(), 1.0);
        let m = mu(&res, &s);
        let p = q1(m);
        s1 += p;
        s2 += p * p;
        mu2 = mu2.max(m.norm_sqr());
    }
    let n = MC_DRAWS as f64;
    let mean = s1 / n;
    (mean, ((s2 / n - mean * mean).max(0.0) / n).sqrt(), mu2)
}

/// The rate by quadrature: the residual's part along `W^H a` is coherent with
/// the target waveform (`conj(e^H c) sqrt(g)`, `g ~ Gamma(L, 1)`), the rest
/// is `CN(0, rho)`.
fn quadrature(ctx: &DropCtx) -> f64 {
    let (c, wa) = residual(ctx);
    let e = wa.unscale(wa.norm());
    let kappa = dotc(e.as_slice(), c.as_slice()).norm_sqr();
    let rho = c.norm_squared() - kappa;
    let b = (2.0 * tau() / (1.0 + rho)).sqrt();
    GammaQuadrature::new(ctx.frame_symbols() as f64, 64)
        .expect(|g| marcum_q(1, (2.0 * kappa * g / (1.0 + rho)).sqrt(), b))
}

fn importance(filter: LocalFilter, fidelity: Fidelity, frames: u64) -> WeightedSums {
    let s = spec(filter, fidelity, frames);
    let report = run_drop(&s, DROP).expect("engine");
    assert!(report.feasible);
    assert_eq!(
        report.metrics.fused.soft, frames,
        "one soft report per frame"
    );
    report.metrics.design().false_alarms
}

fn assert_holds(what: &str, is: &WeightedSums, value: f64) {
    let i = is.interval(CONFIDENCE, 1.0 / PI0);
    eprintln!(
        "{what}: IS {:.4e} ± {:.1e} (99.9% [{:.3e}, {:.3e}], {} hits / {} frames, mean weight {:.4}) vs {value:.4e}",
        is.estimate(),
        is.std_error(),
        i.low,
        i.high,
        is.hits,
        is.n,
        is.weights / is.n as f64
    );
    assert!(
        (i.low..=i.high).contains(&value),
        "{what}: {value:.4e} outside the IS 99.9% interval [{:.4e}, {:.4e}]",
        i.low,
        i.high
    );
}

#[test]
fn whitened_rate_exceeds_design_and_importance_sampling_agrees() {
    let ctx = ctx(LocalFilter::Whitened);
    let (mc, se, _) = conditional_mc(&ctx, 1);
    let exact = quadrature(&ctx);
    eprintln!(
        "whitened at {NOISE_DBM} dBm: conditional MC {mc:.4e} ± {se:.1e}, quadrature {exact:.4e} ({:.1}x the design)",
        exact / DESIGN
    );
    assert!(
        (mc - exact).abs() < 4.0 * se,
        "conditional MC {mc:.4e} ± {se:.1e} vs quadrature {exact:.4e}"
    );
    assert!(
        mc > EXCESS_AT_LEAST * DESIGN,
        "whitened rate {mc:.3e} not {EXCESS_AT_LEAST}x above the design"
    );
    let is = importance(LocalFilter::Whitened, Fidelity::Statistic, IS_FRAMES);
    assert_holds("whitened, statistic level", &is, mc);
    assert!(
        is.rel_error() < 0.05,
        "IS relative error {}",
        is.rel_error()
    );
    let low = is.interval(CONFIDENCE, 1.0 / PI0).low;
    assert!(low > EXCESS_AT_LEAST * DESIGN, "IS lower end {low:.3e}");
    let sample = importance(LocalFilter::Whitened, Fidelity::Sample, IS_FRAMES / 2);
    assert_holds("whitened, sample level", &sample, mc);
}

/// The statistic level draws `(S conj(u), ||u||^2)` from their joint law
/// instead of S; the whitened filter's residual mu then has the law it has
/// with fresh symbols. (With `conj(W^H a)` in place of `W^H a` in that law,
/// this drop's rate came out 1.9% high, 8.56e-5 against 8.39e-5: 17 standard
/// errors here, too little for the IS test above to see.)
#[test]
fn statistic_level_residual_has_the_law_of_fresh_symbols() {
    let ctx = ctx(LocalFilter::Whitened);
    let rap = NodeId::from_index(1);
    let medium = Medium::new(&ctx, Fidelity::Statistic, None, vec![rap]);
    let n = 100_000u64;
    let (mut s1, mut s2) = (0.0, 0.0);
    for f in 0..n {
        let truth = medium.draw_frame(&ctx, f, 0.0);
        let p = q1(truth.noise[1].expect("the RAP observes").mu);
        s1 += p;
        s2 += p * p;
    }
    let mean = s1 / n as f64;
    let se = ((s2 / n as f64 - mean * mean) / n as f64).sqrt();
    let exact = quadrature(&ctx);
    eprintln!("statistic-level residual: {mean:.5e} ± {se:.1e} vs quadrature {exact:.5e}");
    assert!(
        (mean - exact).abs() < 4.0 * se,
        "statistic-level residual law: {mean:.5e} ± {se:.1e} vs {exact:.5e}"
    );
}

#[test]
fn projection_filter_holds_its_design_on_the_same_drop() {
    let ctx = ctx(LocalFilter::Projection);
    let (mc, _, mu2) = conditional_mc(&ctx, 2);
    eprintln!("projection: largest |mu|^2 {mu2:.1e}, conditional MC {mc:.10e}");
    assert!(
        mu2 < 1e-20,
        "projection leaves a residual: |mu|^2 = {mu2:e}"
    );
    assert!((mc / DESIGN - 1.0).abs() < 1e-9, "conditional MC {mc:e}");
    let is = importance(LocalFilter::Projection, Fidelity::Statistic, IS_FRAMES);
    assert_holds("projection, statistic level", &is, DESIGN);
}
