//! Drop-based checks of the power-allocation policies (paper Secs. III-C, IV-C).
//!
//! Drops are the paper's (Sec. V): a 500 m square, random BS, users and RAPs,
//! M = 16, K = 8, RZF user beams and the zero-forcing sensing beam,
//! sigma_c^2 = -104 dBm, Pmax = 1 W, Gamma = 15 dB.

use iaps::params::Params;
use iaps::power::*;
use iaps::radio::Scene;
use iaps::rng::{STREAM_TEST, stream};
use nalgebra::DVector;
use rand::RngExt;

const K: usize = 8;
const SEED: u64 = 2024;
const DROPS: u64 = 200;
const PMAX: f64 = 1.0;

fn gamma() -> f64 {
    Params::paper().power.sinr
}

/// Drop `i` of the paper's system (Sec. V geometry, Params::paper()).
fn problem(i: u64, sensing_symbol: bool) -> PowerProblem {
    let mut p = Params::paper();
    p.sensing.sensing_symbol = sensing_symbol;
    let scene = Scene::draw(&p, &mut stream(SEED, &[STREAM_TEST, i])).expect("layout");
    scene.power_problem(&p)
}

/// Asserts item (a): every SINR >= Gamma (1 - 1e-6), 1^T p <= Pmax (1 + 1e-9), p >= -1e-12.
fn assert_feasible(pr: &PowerProblem, p: &DVector<f64>, what: &str) {
    assert!(
        p.iter().all(|x| x.is_finite() && *x >= -1e-12),
        "{what}: {p}"
    );
    assert!(
        p.sum() <= pr.pmax_w * (1.0 + 1e-9),
        "{what}: total {}",
        p.sum()
    );
    let worst = pr.sinr_of(p).min() / pr.sinr;
    assert!(worst >= 1.0 - 1e-6, "{what}: worst SINR / Gamma = {worst}");
    assert!(pr.sensing_symbol || p[0] == 0.0, "{what}: p0 without s0");
}

fn rel_loss(best: f64, x: f64) -> f64 {
    (best - x) / best
}

#[test]
fn sensing_beam_nulls_the_users() {
    for i in 0..DROPS {
        let pr = problem(i, true);
        for k in 0..K {
            let leak = pr.gains[(k, 0)] / pr.gains[(k, k + 1)];
            assert!(leak < 1e-12, "drop {i} user {k}: leakage {leak:e}");
        }
    }
}

#[test]
fn every_policy_is_feasible_and_algorithm1_tracks_the_closed_form() {
    let step = 0.01;
    let (mut iters, mut loss_alg, mut loss_max) = (Vec::new(), Vec::new(), Vec::new());
    let (mut user_beam_drops, mut user_beam_loss, mut infeasible) = (0, 0.0f64, vec![]);
    let (mut lp_vs_vertex, mut p0s, mut loss_alg_s0) = (0.0f64, vec![], vec![]);
    let (mut worst_sinr, mut worst_budget) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..DROPS {
        let pr = problem(i, true);
        let no_s0 = problem(i, false);
        let results = [
            ("lp", &pr, allocate(&pr, Policy::Lp)),
            ("lp without s0", &no_s0, allocate(&no_s0, Policy::Lp)),
            ("max_p0", &pr, allocate(&pr, Policy::MaxP0)),
            (
                "algorithm1",
                &pr,
                allocate(&pr, Policy::Algorithm1 { step_w: step }),
            ),
            ("min_power", &pr, allocate(&pr, Policy::MinPower)),
        ];
        // All policies agree on feasibility (same SINR constraints and budget).
        if results.iter().any(|r| r.2.is_err()) {
            assert!(
                results.iter().all(|r| r.2.is_err()),
                "drop {i}: {results:?}"
            );
            infeasible.push(results[0].2.clone().unwrap_err().to_string());
            continue;
        }
        for (what, p, r) in &results {
            let alloc = &r.as_ref().unwrap().p;
            assert_feasible(p, alloc, &format!("drop {i} {what}"));
            worst_sinr = worst_sinr.min(p.sinr_of(alloc).min() / p.sinr - 1.0);
            worst_budget = worst_budget.max(alloc.sum() / p.pmax_w - 1.0);
        }
        let [lp, lp_no_s0, maxp, alg, minp] = results.map(|r| r.2.unwrap());
        let obj = |a: &Allocation| pr.objective(&a.p);
        // The `lp` policy (P2's exact vertex solution) agrees with clarabel's
        // interior point, is never beaten by it, and dominates the other policies.
        let ipm = lp_max_target_gain(&pr).unwrap();
        let ipm_no_s0 = lp_max_target_gain(&no_s0).unwrap();
        assert_feasible(&pr, &ipm.p, &format!("drop {i} clarabel"));
        assert_feasible(
            &no_s0,
            &ipm_no_s0.p,
            &format!("drop {i} clarabel without s0"),
        );
        let (ipm_obj, ipm_no_s0_obj) = (obj(&ipm), no_s0.objective(&ipm_no_s0.p));
        lp_vs_vertex = lp_vs_vertex.max((ipm_obj / obj(&lp) - 1.0).abs());
        assert!(lp_vs_vertex < 1e-6, "drop {i}: clarabel vs vertex");
        assert!(
            ipm_obj <= obj(&lp) * (1.0 + 1e-9),
            "drop {i}: clarabel beats the vertex"
        );
        let vertex_no_s0 = no_s0.objective(&lp_no_s0.p);
        assert!((ipm_no_s0_obj / vertex_no_s0 - 1.0).abs() < 1e-6);
        assert!(ipm_no_s0_obj <= vertex_no_s0 * (1.0 + 1e-9));
        for other in [&maxp, &alg, &minp, &lp_no_s0, &ipm] {
            let (o, l) = (obj(other), obj(&lp));
            assert!(
                o <= l * (1.0 + 1e-9),
                "drop {i}: {o} > lp {l} ({:e})",
                o / l - 1.0
            );
        }
        // (c) Algorithm 1 stops within one step below the closed-form p0.
        let gap = maxp.p[0] - alg.p[0];
        assert!((-1e-9..=step + 1e-9).contains(&gap), "drop {i}: gap {gap}");
        iters.push(alg.iterations as f64);
        p0s.push(lp.p[0]);
        loss_alg.push(rel_loss(obj(&lp), obj(&alg)));
        let loss = rel_loss(obj(&lp), obj(&maxp));
        loss_max.push(loss);
        // (d) max_p0 is the LP optimum when the sensing beam has the largest target gain.
        let c = &pr.target_gain;
        if c.iter().skip(1).all(|cj| c[0] >= *cj) {
            assert!(loss.abs() < 1e-6, "drop {i}: max_p0 loss {loss:e}");
            loss_alg_s0.push(*loss_alg.last().unwrap());
        } else {
            user_beam_drops += 1;
            user_beam_loss = user_beam_loss.max(loss);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pct = |v: &[f64]| format!("mean {:.3}% max {:.3}%", 100.0 * mean(v), 100.0 * max(v));
    eprintln!(
        "{} feasible drops, {} infeasible {infeasible:?}; LP p0 mean {:.3} W min {:.3} W\n\
         Algorithm 1 (step {step}): iterations mean {:.1} max {}; loss vs LP {} \
         (drops where the sensing beam has the largest target gain: {})\n\
         max_p0 loss vs LP {}; a user beam beats the sensing beam in {user_beam_drops} drops \
         (max_p0 loss there up to {:.2}%)\nclarabel vs the exact vertex (the `lp` policy): max relative difference {lp_vs_vertex:.1e}; \
         worst SINR / Gamma - 1 = {worst_sinr:.1e}, worst 1^T p / Pmax - 1 = {worst_budget:.1e}",
        iters.len(),
        infeasible.len(),
        mean(&p0s),
        p0s.iter().copied().fold(f64::INFINITY, f64::min),
        mean(&iters),
        max(&iters),
        pct(&loss_alg),
        pct(&loss_alg_s0),
        pct(&loss_max),
        100.0 * user_beam_loss,
    );
    assert!(
        iters.len() as u64 >= DROPS * 9 / 10,
        "too many infeasible drops"
    );
}

#[test]
fn lp_beats_random_feasible_points() {
    for i in 0..5 {
        let pr = problem(i, true);
        let best = pr.objective(&allocate(&pr, Policy::Lp).unwrap().p);
        let p0max = max_p0(&pr).unwrap().p[0];
        let mut rng = stream(SEED, &[STREAM_TEST, 1000 + i]);
        let mut checked = 0;
        for _ in 0..1000 {
            // Min power for a random p0, user powers scaled by t >= 1 within the
            // leftover budget (scaling up keeps every SINR feasible).
            let p0 = rng.random_range(0.0..=p0max);
            let mut p = min_power_given_p0(&pr, p0).unwrap().p;
            let users = p.sum() - p0;
            let tmax = (PMAX - p0) / users;
            let t = rng.random_range(1.0..=tmax.max(1.0));
            p.rows_mut(1, K).scale_mut(t);
            let feasible = p.sum() <= PMAX && pr.sinr_of(&p).min() >= pr.sinr * (1.0 - 1e-9);
            if feasible {
                checked += 1;
                assert!(pr.objective(&p) <= best * (1.0 + 1e-9), "drop {i}: {p}");
            }
        }
        assert!(checked >= 900, "drop {i}: only {checked} feasible points");
    }
}

#[test]
fn lp_min_power_matches_closed_form() {
    for i in 0..50 {
        let pr = problem(i, true);
        for p0 in [0.0, 0.1, 0.5, 2.0] {
            let lp = lp_min_power_given_p0(&pr, p0).unwrap().p;
            let cf = min_power_given_p0(&pr, p0).unwrap().p;
            let rel = (&lp - &cf).amax() / cf.rows(1, K).amax();
            assert!(rel < 1e-6, "drop {i} p0 {p0}: {rel:e}");
            assert!(pr.sinr_of(&lp).min() >= pr.sinr * (1.0 - 1e-6));
        }
    }
}

#[test]
fn infeasible_cases_are_typed() {
    let policies = [
        Policy::Lp,
        Policy::MaxP0,
        Policy::Algorithm1 { step_w: 0.01 },
        Policy::MinPower,
    ];
    let mut kinds = [0usize; 3];
    for i in 0..20 {
        for (sinr, pmax) in [
            (1e6, PMAX),
            (gamma(), 1e-12),
            (1e12, 1e-12),
            (gamma(), f64::NAN),
        ] {
            let pr = PowerProblem {
                sinr,
                pmax_w: pmax,
                ..problem(i, true)
            };
            for policy in policies {
                match allocate(&pr, policy) {
                    Err(Infeasible::SpectralRadius { radius }) => {
                        assert!(radius >= 1.0 - 1e-9 && !radius.is_nan(), "{radius}");
                        kinds[0] += 1;
                    }
                    Err(Infeasible::Budget { needed_w, .. }) => {
                        assert!(!needed_w.is_nan());
                        kinds[1] += 1;
                    }
                    other => panic!("drop {i} Gamma {sinr} Pmax {pmax} {policy:?}: {other:?}"),
                }
            }
        }
    }
    eprintln!(
        "infeasible cases: {} spectral radius, {} budget",
        kinds[0], kinds[1]
    );
}
