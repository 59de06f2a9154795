//! The fast detector forms equal their literal definitions, and the sensing
//! precoder nulls the users.

mod common;

use common::{physical, scene_equal_power};
use iaps::detect::{
    LocalDetector, LocalFilter, glrt, glrt_literal, glrt_term, glrt_threshold, matched,
};
use iaps::linalg::CMat;
use iaps::params::Params;
use iaps::radio::{Frame, Scene, TargetModel};
use iaps::rng::{STREAM_TEST, stream};

#[test]
fn decoupled_glrt_equals_eq_25_computed_literally() {
    for (raps, seed) in [(0, 1), (10, 2)] {
        let p = physical(raps);
        let (mut scene, w) = scene_equal_power(&p, seed);
        scene.alpha_var.iter_mut().for_each(|v| *v = 1e-9);
        let mut rng = stream(seed, &[STREAM_TEST, 9]);
        for target in [None, Some(TargetModel::Swerling1)] {
            let f = Frame::draw(
                &scene,
                &w,
                p.system.frame_symbols,
                target,
                p.noise.sensing_w,
                &mut rng,
            );
            let all: Vec<(usize, &CMat)> = f.z.iter().enumerate().collect();
            // Every node, and a subset.
            for obs in [all.clone(), all.iter().copied().step_by(3).collect()] {
                let fast = glrt(&scene, &f.x, &f.u, &obs, p.noise.sensing_w);
                let slow = glrt_literal(&scene, &f.x, &obs, p.noise.sensing_w);
                assert!(
                    (fast - slow).abs() <= 1e-9 * slow.abs().max(1.0),
                    "R={raps}: {fast} vs {slow}"
                );
            }
        }
    }
}

#[test]
fn a_cancelling_rap_reports_its_centralized_term() {
    let p = physical(4);
    let (scene, w) = scene_equal_power(&p, 3);
    let mut rng = stream(3, &[STREAM_TEST, 9]);
    let f = Frame::draw(
        &scene,
        &w,
        p.system.frame_symbols,
        Some(TargetModel::Swerling1),
        p.noise.sensing_w,
        &mut rng,
    );
    let xu = &f.x * f.u.conjugate();
    for r in 1..=4 {
        let det = LocalDetector::new(&scene, r, &w, p.noise.sensing_w, LocalFilter::Cancel);
        let local = det.statistic(&f.z[r], &(&f.x * f.u.conjugate()), &f.u);
        let term = glrt_term(
            &scene.b[r],
            &matched(&f.z[r], &f.u),
            Some((&scene.g[r - 1], &xu)),
            f.u.norm_squared(),
            p.noise.sensing_w,
        );
        assert!((local - term).abs() <= 1e-9 * term.max(1.0));
    }
}

#[test]
fn zero_forcing_sensing_beam_does_not_reach_the_users() {
    let p = Params::paper();
    let mut worst: f64 = 0.0;
    for d in 0..200 {
        let mut rng = stream(4, &[STREAM_TEST, d]);
        let s = Scene::draw(&p, &mut rng).unwrap();
        for k in 0..p.system.users {
            let h = s.h.column(k);
            let leak = (h.adjoint() * s.beams.column(0))[(0, 0)].norm_sqr();
            let useful = (h.adjoint() * s.beams.column(k + 1))[(0, 0)].norm_sqr();
            worst = worst.max(leak / useful);
        }
        assert!((s.beams.column(0).norm() - 1.0).abs() < 1e-12);
    }
    eprintln!(
        "worst sensing-beam leakage over 200 drops: {:.1} dB",
        10.0 * worst.log10()
    );
    assert!(worst < 1e-12, "leakage {worst:e}");
}

#[test]
fn the_printed_eq_11_does_leak() {
    // (I - H H^H)^-1 a(theta): docs/model.md §6.1: a mean worst-user
    // leakage of -5.3 dB; anything above -20 dB shows it is no null-space beam.
    let p = Params::paper();
    let mut sum_db = 0.0;
    for d in 0..100 {
        let mut rng = stream(5, &[STREAM_TEST, d]);
        let s = Scene::draw(&p, &mut rng).unwrap();
        let m = p.system.tx_antennas;
        let printed = (CMat::identity(m, m) - &s.h * s.h.adjoint())
            .lu()
            .solve(&s.a)
            .unwrap();
        let w0 = printed.normalize();
        let worst = (0..p.system.users)
            .map(|k| {
                let h = s.h.column(k);
                let leak = (h.adjoint() * &w0)[(0, 0)].norm_sqr();
                let useful = (h.adjoint() * s.beams.column(k + 1))[(0, 0)].norm_sqr();
                leak / useful
            })
            .fold(0.0, f64::max);
        sum_db += 10.0 * worst.log10();
    }
    let mean_db = sum_db / 100.0;
    eprintln!("printed eq. (11): mean worst-user leakage {mean_db:.1} dB");
    assert!(mean_db > -20.0);
}

#[test]
fn thresholds_follow_the_number_of_fused_nodes() {
    // docs/model.md §6.3: 11.51 (R = 0) and 31.17 (R = 10) at Pfa = 1e-5.
    assert!((glrt_threshold(1, 1e-5) - 11.512925).abs() < 1e-5);
    assert!((glrt_threshold(11, 1e-5) - 31.17).abs() < 0.01);
}

#[test]
fn whitened_filter_by_woodbury_equals_the_full_covariance_solve() {
    // Eq. (42)'s q = (G W W^H G^H + sigma^2 I)^-1 b, solved the obvious way
    // (an N1-square Cholesky) and by the Woodbury identity the detectors use.
    // Both must solve the system to rounding (backward error relative to
    // ||C|| ||q||), and differ by no more than the conditioning allows.
    let (mut worst_res, mut worst_rel) = (0.0f64, 0.0f64);
    for (p, tag) in [(Params::paper(), "paper"), (physical(10), "physical")] {
        for seed in 1..=20 {
            let (scene, w) = scene_equal_power(&p, seed);
            for r in 1..scene.nodes() {
                let noise = p.noise.sensing_w;
                let cov = scene.interference_covariance(r, &w, noise);
                let slow = cov.clone().cholesky().unwrap().solve(&scene.b[r]);
                let fast = scene.whitened(r, &w, noise);
                let norm = cov.norm();
                let backward =
                    |q: &iaps::linalg::CVec| (&cov * q - &scene.b[r]).norm() / (norm * q.norm());
                let (rf, rs) = (backward(&fast), backward(&slow));
                // Condition number of the Hermitian covariance: its largest
                // eigenvalue (about ||C||_F) over sigma^2, its smallest.
                let cond = norm / noise;
                let rel = (&fast - &slow).norm() / slow.norm();
                worst_res = worst_res.max(rf);
                worst_rel = worst_rel.max(rel / cond);
                assert!(
                    rf <= 1e-14,
                    "{tag} seed {seed} RAP {r}: backward error {rf:e} (Cholesky {rs:e})"
                );
                assert!(
                    rel <= 1e-13 * cond.max(1.0),
                    "{tag} seed {seed} RAP {r}: relative {rel:e}, condition {cond:e}"
                );
            }
        }
    }
    eprintln!("worst backward error {worst_res:e}, worst difference / condition {worst_rel:e}");
}
