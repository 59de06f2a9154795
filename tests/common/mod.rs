//! Shared fixtures for the integration tests.
#![allow(dead_code)]

use iaps::linalg::CMat;
use iaps::params::{Params, dbm_to_w};
use iaps::radio::Scene;
use iaps::rng::{STREAM_TEST, stream};
use nalgebra::DVector;

/// Confidence level of every statistical assertion in these tests.
pub const CONFIDENCE: f64 = 0.999;

/// The paper's system with R RAPs and physical (thermal, -104 dBm) sensing
/// noise, so the direct path at the RAPs is tens of dB above the noise.
pub fn physical(raps: usize) -> Params {
    let mut p = Params::paper();
    p.system.raps = raps;
    p.noise.sensing_w = dbm_to_w(-104.0);
    p
}

/// A drop of `p` and a precoder with power split equally over the K+1 beams.
pub fn scene_equal_power(p: &Params, seed: u64) -> (Scene, CMat) {
    let mut rng = stream(seed, &[STREAM_TEST, 0]);
    let scene = Scene::draw(p, &mut rng).expect("layout");
    let k1 = p.system.users + 1;
    let w = scene.precoder(&DVector::from_element(k1, p.power.pmax_w / k1 as f64));
    (scene, w)
}

/// Asserts `count` out of `trials` lies in the `CONFIDENCE` acceptance range of
/// `Bin(trials, p)`.
pub fn assert_rate(what: &str, count: u64, trials: u64, p: f64) {
    let (lo, hi) = iaps::stats::binomial_acceptance(trials, p, CONFIDENCE);
    eprintln!(
        "{what}: {count}/{trials} = {:.3e}, expected {p:.3e}, 99.9% range [{lo}, {hi}]",
        count as f64 / trials as f64
    );
    assert!(
        (lo..=hi).contains(&count),
        "{what}: {count}/{trials} outside the 99.9% range [{lo}, {hi}] of p = {p:.4e}"
    );
}
