//! Empirical false-alarm rates at sample level agree with the exact null laws
//! (docs/model.md §6.3-6.4). Each rate: 2e5 H0 frames, fixed seeds, 99.9% range.

mod common;

use common::{assert_rate, physical, scene_equal_power};
use iaps::detect::{
    LocalDetector, LocalFilter, glrt, glrt_pfa, glrt_threshold, local_threshold, paper_threshold,
};
use iaps::mc::count_exceed;
use iaps::params::Params;
use iaps::radio::{Frame, draw_symbols, observe_node, target_waveform, transmit};

const TRIALS: u64 = 200_000;

fn centralized_pfa(raps: usize, seed: u64) {
    let p = physical(raps);
    let (scene, w) = scene_equal_power(&p, seed);
    let n = p.nodes();
    let l = p.system.frame_symbols;
    let noise = p.noise.sensing_w;
    let th = [
        glrt_threshold(n, 1e-2),
        glrt_threshold(n, 1e-3),
        paper_threshold(1e-5),
    ];
    let counts = count_exceed(seed, &[1], TRIALS, th, 0, |rng| {
        let f = Frame::draw(&scene, &w, l, None, noise, rng);
        let obs: Vec<(usize, &_)> = f.z.iter().enumerate().collect();
        glrt(&scene, &f.x, &f.u, &obs, noise)
    });
    assert_rate(
        &format!("centralized R={raps} Pfa 1e-2"),
        counts[0],
        TRIALS,
        1e-2,
    );
    assert_rate(
        &format!("centralized R={raps} Pfa 1e-3"),
        counts[1],
        TRIALS,
        1e-3,
    );
    if raps == 10 {
        // The paper's threshold 23.03 (chi^2_2 at 1e-5) on the 11-node statistic
        // gives Pfa = P(Gamma(11,1) > 23.03) ~ 1.95e-3, 195x the design.
        let exact = glrt_pfa(n, paper_threshold(1e-5));
        assert!((exact - 1.95e-3).abs() < 0.01e-3, "exact {exact}");
        assert_rate(
            "centralized R=10 at the paper's 23.03",
            counts[2],
            TRIALS,
            exact,
        );
    }
}

#[test]
fn centralized_glrt_without_raps() {
    centralized_pfa(0, 11);
}

#[test]
fn centralized_glrt_with_ten_raps_and_strong_direct_path() {
    centralized_pfa(10, 12);
}

fn local_pfa(p: &Params, filter: LocalFilter, node: usize, seed: u64, what: &str) {
    let (scene, w) = scene_equal_power(p, seed);
    let l = p.system.frame_symbols;
    let noise = p.noise.sensing_w;
    let det = LocalDetector::new(&scene, node, &w, noise, filter);
    let th = [local_threshold(1e-2), local_threshold(1e-3)];
    let counts = count_exceed(seed, &[2], TRIALS, th, 0, |rng| {
        let s = draw_symbols(rng, w.ncols(), l);
        let x = transmit(&w, &s);
        let u = target_waveform(&scene.a, &x);
        let z = observe_node(&scene, node, &x, &u, None, noise, rng);
        det.statistic(&z, &(&x * u.conjugate()), &u)
    });
    assert_rate(&format!("{what} Pfa 1e-2"), counts[0], TRIALS, 1e-2);
    assert_rate(&format!("{what} Pfa 1e-3"), counts[1], TRIALS, 1e-3);
}

#[test]
fn local_statistic_at_the_bs() {
    local_pfa(&physical(1), LocalFilter::Whitened, 0, 21, "local BS");
}

#[test]
fn local_whitened_statistic_at_a_rap_with_strong_direct_path() {
    local_pfa(
        &physical(1),
        LocalFilter::Whitened,
        1,
        22,
        "local RAP whitened, thermal noise",
    );
}

#[test]
fn local_whitened_statistic_at_a_rap_paper_calibration() {
    let mut p = Params::paper();
    p.system.raps = 1;
    local_pfa(
        &p,
        LocalFilter::Whitened,
        1,
        23,
        "local RAP whitened, paper calibration",
    );
}

#[test]
fn local_projection_and_cancel_statistics_at_a_rap() {
    local_pfa(
        &physical(1),
        LocalFilter::Projection,
        1,
        24,
        "local RAP projection",
    );
    local_pfa(&physical(1), LocalFilter::Cancel, 1, 25, "local RAP cancel");
}

/// The whitened filter of eq. (42) treats the direct path as noise; at a
/// moderate interference-to-noise ratio it neither nulls it nor counts it in the
/// normalization, so its false-alarm rate exceeds the design. This documents the
/// paper's detector, measured here at about 10 dB INR (sensing noise -80 dBm):
/// ~2.8x the design rate (2.84e-2 at 1e-2); `projection` at the same INR stays exact.
#[test]
fn whitened_filter_exceeds_its_design_rate_at_moderate_inr() {
    let mut p = physical(1);
    p.noise.sensing_w = iaps::params::dbm_to_w(-80.0);
    let (scene, w) = scene_equal_power(&p, 22);
    let l = p.system.frame_symbols;
    let noise = p.noise.sensing_w;
    let det = LocalDetector::new(&scene, 1, &w, noise, LocalFilter::Whitened);
    let counts = count_exceed(22, &[4], TRIALS, [local_threshold(1e-2)], 0, |rng| {
        let s = draw_symbols(rng, w.ncols(), l);
        let x = transmit(&w, &s);
        let u = target_waveform(&scene.a, &x);
        let z = observe_node(&scene, 1, &x, &u, None, noise, rng);
        det.statistic(&z, &(&x * u.conjugate()), &u)
    });
    let (_, hi) = iaps::stats::binomial_acceptance(TRIALS, 1e-2, common::CONFIDENCE);
    eprintln!(
        "whitened at ~10 dB INR: Pfa {:.4} for a design of 1e-2",
        counts[0] as f64 / TRIALS as f64
    );
    assert!(
        counts[0] > 2 * hi,
        "whitened Pfa {} not clearly above design",
        counts[0]
    );
    local_pfa(
        &p,
        LocalFilter::Projection,
        1,
        22,
        "local RAP projection at ~10 dB INR",
    );
}
