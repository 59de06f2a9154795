//! Empirical detection probabilities at sample level agree with the exact laws:
//! `Pfa^(1/(1+SNR))` for one Swerling-I node (docs/model.md §6.5), the sum of
//! exponentials for the centralized statistic, Marcum Q for Swerling 0.
//! Fixed seeds; every assertion at 99.9% confidence.

mod common;

use common::{assert_rate, physical, scene_equal_power};
use iaps::analytic::{Gram, LinkBudget, centralized, local_pd};
use iaps::detect::{LocalDetector, LocalFilter, glrt, glrt_threshold, local_threshold};
use iaps::mc::count_exceed;
use iaps::radio::{
    Frame, TargetModel, draw_alpha, draw_symbols, observe_node, target_waveform, transmit,
};
use iaps::rng::{STREAM_TEST, stream};

#[test]
fn single_node_swerling1_pd_is_pfa_to_the_one_over_one_plus_snr() {
    const TRIALS: u64 = 100_000;
    let pfa = 1e-5;
    let p = physical(0);
    let (mut scene, w) = scene_equal_power(&p, 31);
    let l = p.system.frame_symbols;
    let noise = p.noise.sensing_w;
    // Hold the symbols fixed so that the SNR is exactly the one asked for.
    let mut rng = stream(31, &[STREAM_TEST, 1]);
    let x = transmit(&w, &draw_symbols(&mut rng, w.ncols(), l));
    let u = target_waveform(&scene.a, &x);
    let det = LocalDetector::new(&scene, 0, &w, noise, LocalFilter::Whitened);
    for (i, snr) in [5.0, 10.0, 20.0, 40.0].into_iter().enumerate() {
        let var = snr * noise / (det.gain() * u.norm_squared());
        scene.alpha_var[0] = var;
        let counts = count_exceed(
            31,
            &[2, i as u64],
            TRIALS,
            [local_threshold(pfa)],
            0,
            |rng| {
                let alpha = draw_alpha(TargetModel::Swerling1, var, rng);
                let z = observe_node(&scene, 0, &x, &u, Some(alpha), noise, rng);
                det.statistic(&z, &(&x * u.conjugate()), &u)
            },
        );
        let pd = local_pd(snr, pfa, TargetModel::Swerling1);
        assert_rate(&format!("Pd at SNR {snr}"), counts[0], TRIALS, pd);
    }
}

/// Four nodes with SNRs 2, 5, 10, 20 (nominal), fresh symbols every frame, so
/// the exact Pd averages over the symbol energy (Gram::Random).
fn centralized_pd(target: TargetModel, seed: u64) {
    const TRIALS: u64 = 100_000;
    let pfa = 1e-3;
    let p = physical(3);
    let (mut scene, w) = scene_equal_power(&p, seed);
    let l = p.system.frame_symbols;
    let noise = p.noise.sensing_w;
    let nominal = LinkBudget::new(&scene, &w, noise, l, LocalFilter::Cancel);
    for (r, snr) in [2.0, 5.0, 10.0, 20.0].into_iter().enumerate() {
        scene.alpha_var[r] *= snr / nominal.snr_central(r, l as f64);
    }
    let budget = LinkBudget::new(&scene, &w, noise, l, LocalFilter::Cancel);
    let nodes = [0, 1, 2, 3];
    let exact = centralized(&budget, &nodes, pfa, target, Gram::Random(48)).exact;
    let t = glrt_threshold(4, pfa);
    let counts = count_exceed(seed, &[3], TRIALS, [t], 0, |rng| {
        let f = Frame::draw(&scene, &w, l, Some(target), noise, rng);
        let obs: Vec<(usize, &_)> = f.z.iter().enumerate().collect();
        glrt(&scene, &f.x, &f.u, &obs, noise)
    });
    assert_rate(
        &format!("centralized Pd, {target:?}"),
        counts[0],
        TRIALS,
        exact,
    );
}

#[test]
fn centralized_swerling1_pd_matches_the_sum_of_exponentials() {
    centralized_pd(TargetModel::Swerling1, 41);
}

#[test]
fn centralized_swerling0_pd_matches_marcum_q() {
    centralized_pd(TargetModel::Swerling0, 42);
}
