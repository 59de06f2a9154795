//! Monte Carlo checks of the fusion module: simulated k-out-of-n and
//! Chair-Varshney decision rates against the exact binomial / Poisson-binomial
//! values.
//!
//! Every check draws independent Bernoulli bits from a fixed seeded stream and
//! asserts that the number of fused H1 decisions lies in the 99.9% binomial
//! acceptance range around the exact probability (each tail outside the range
//! has probability <= 0.05%). The seeds are fixed, so the tests are
//! deterministic; a wrong exact value shifts the mean by many standard
//! deviations at 2e5 trials and fails.

use iaps::fusion::{ChairVarshney, VotingRule, k_of_n_probability, node_pfa_for_fused};
use iaps::rng::{STREAM_TEST, stream};
use iaps::stats::binomial_acceptance;
use rand::RngExt;

const TRIALS: u64 = 200_000;
/// Confidence of each acceptance range.
const CONFIDENCE: f64 = 0.999;

/// Draws `TRIALS` vectors of independent bits with probabilities `p` from the
/// stream `[STREAM_TEST, case]` under `seed` and calls `f` on each.
fn simulate(seed: u64, case: u64, p: &[f64], mut f: impl FnMut(&[bool])) {
    let mut rng = stream(seed, &[STREAM_TEST, case]);
    let mut bits = vec![false; p.len()];
    for _ in 0..TRIALS {
        for (b, &pr) in bits.iter_mut().zip(p) {
            *b = rng.random::<f64>() < pr;
        }
        f(&bits);
    }
}

fn assert_in_range(what: &str, count: u64, exact: f64) {
    let (lo, hi) = binomial_acceptance(TRIALS, exact, CONFIDENCE);
    assert!(
        lo <= count && count <= hi,
        "{what}: {count} of {TRIALS} outside [{lo}, {hi}] around exact {exact:.6e}"
    );
}

/// For every kappa in 0..=n+1, how many trials had `count >= kappa`.
fn k_of_n_counts(seed: u64, case: u64, p: &[f64]) -> Vec<u64> {
    let n = p.len();
    let mut hist = vec![0u64; n + 1];
    simulate(seed, case, p, |bits| {
        hist[bits.iter().filter(|&&b| b).count()] += 1
    });
    (0..=n + 1)
        .map(|k| hist[k.min(n + 1)..].iter().sum())
        .collect()
}

#[test]
fn k_of_n_equal_probabilities_match_binomial() {
    let n = 11;
    // A per-node Pd and a per-node Pfa.
    for (case, &p) in [0.35, 0.02].iter().enumerate() {
        let probs = vec![p; n];
        let counts = k_of_n_counts(1, case as u64, &probs);
        for kappa in [1, 2, 6, 11] {
            let exact = k_of_n_probability(&probs, kappa);
            assert_in_range(&format!("p={p} kappa={kappa}"), counts[kappa], exact);
        }
    }
    // VotingRule::decide itself, OR and majority.
    let probs = vec![0.35; n];
    for (case, rule) in [VotingRule::Or, VotingRule::Majority]
        .into_iter()
        .enumerate()
    {
        let kappa = rule.kappa(n, 0.35, 0.02);
        let mut hits = 0u64;
        simulate(2, case as u64, &probs, |bits| {
            hits += VotingRule::decide(kappa, bits) as u64
        });
        assert_in_range(
            &format!("{rule:?}"),
            hits,
            k_of_n_probability(&probs, kappa),
        );
    }
}

#[test]
fn k_of_n_heterogeneous_probabilities_match_poisson_binomial() {
    // 11 nodes with Pd from 0.05 to 0.9.
    let pd: Vec<f64> = (0..11).map(|r| 0.05 + 0.085 * r as f64).collect();
    assert!((pd[10] - 0.9).abs() < 1e-12);
    let counts = k_of_n_counts(3, 0, &pd);
    for (kappa, &count) in counts.iter().enumerate().take(12).skip(1) {
        let exact = k_of_n_probability(&pd, kappa);
        assert_in_range(&format!("hetero kappa={kappa}"), count, exact);
    }
    // Small heterogeneous Pfa around the per-node value that gives a fused
    // 1e-3 with kappa = 2.
    let q = node_pfa_for_fused(11, 2, 1e-3);
    let pfa: Vec<f64> = (0..11).map(|r| q * (0.5 + 0.1 * r as f64)).collect();
    let counts = k_of_n_counts(3, 1, &pfa);
    for kappa in [1, 2, 3] {
        let exact = k_of_n_probability(&pfa, kappa);
        assert_in_range(&format!("hetero pfa kappa={kappa}"), counts[kappa], exact);
    }
}

#[test]
fn chair_varshney_probability_matches_simulation() {
    let n = 11;
    let pd: Vec<f64> = (0..n).map(|r| 0.05 + 0.085 * r as f64).collect();
    let pfa: Vec<f64> = (0..n).map(|r| 0.01 + 0.004 * r as f64).collect();
    for (i, prior) in [0.05, 0.5].into_iter().enumerate() {
        let cv = ChairVarshney::bayes(&pd, &pfa, prior);
        for (j, p) in [&pd, &pfa].into_iter().enumerate() {
            let mut hits = 0u64;
            simulate(4, (2 * i + j) as u64, p, |bits| {
                hits += cv.decide(bits) as u64
            });
            let (lo, hi) = cv.probability_bounds(p);
            assert_eq!(lo, hi, "no merged state straddles the threshold");
            assert_in_range(&format!("bayes prior={prior} law={j}"), hits, lo);
        }
    }
}

#[test]
fn neyman_pearson_meets_the_fused_target() {
    let n = 11;
    let pd: Vec<f64> = (0..n).map(|r| 0.05 + 0.085 * r as f64).collect();
    let pfa: Vec<f64> = (0..n).map(|r| 0.01 + 0.004 * r as f64).collect();
    for (i, target) in [1e-3, 1e-2, 0.1].into_iter().enumerate() {
        let cv = ChairVarshney::neyman_pearson(&pd, &pfa, target);
        // Exact by construction: the fused Pfa of the DP is at most the target.
        let fa = cv.probability(&pfa);
        assert!(fa <= target, "target {target}: exact fused Pfa {fa}");
        let mut fa_hits = 0u64;
        simulate(5, 2 * i as u64, &pfa, |bits| {
            fa_hits += cv.decide(bits) as u64
        });
        assert_in_range(&format!("np pfa target={target}"), fa_hits, fa);
        let mut d_hits = 0u64;
        simulate(5, 2 * i as u64 + 1, &pd, |bits| {
            d_hits += cv.decide(bits) as u64
        });
        assert_in_range(
            &format!("np pd target={target}"),
            d_hits,
            cv.probability(&pd),
        );
        // NP is at least as good as any k-out-of-n rule meeting the same target.
        for kappa in 1..=n {
            if k_of_n_probability(&pfa, kappa) <= target {
                assert!(k_of_n_probability(&pd, kappa) <= cv.probability(&pd) + 1e-12);
            }
        }
    }
}
