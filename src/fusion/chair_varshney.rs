//! Chair-Varshney weighted voting: the optimal fusion of independent bits.
//!
//! The exact distribution of the fused LLR is built by a dynamic programme over
//! the nodes whose states are the distinct LLR values reachable so far:
//! - **Merging.** Runs of values spanning at most [`MERGE_TOL`] (1e-9,
//!   absolute) are merged into one state. A state keeps the smallest and largest path value
//!   it holds (`lo`, `hi`), so with equal weights the support is exactly the
//!   `n + 1` values `k w1 + (n - k) w0` however rounding orders the sums.
//! - **Pruning.** States with probability below [`PRUNE_PROB`] (1e-300) are
//!   dropped; the mass lost is at most `2 n MAX_STATES 1e-300`, far below any
//!   meaningful probability.
//! - **Coarsening.** With heterogeneous weights the support can grow as `2^n`.
//!   When a level holds more than [`MAX_STATES`] (65,536) states, they are
//!   re-binned by value into 32,768 cells spanning the support; a merged state
//!   is the hull of its members (states may then overlap, and their widths
//!   grow by at most one cell per re-binning). The DP is then no longer
//!   exact in its support, but `lo`/`hi` still bound every path in a state.
//!   This never happens for up to 16 nodes or for equal weights, and keeps
//!   `n = 64` heterogeneous nodes to a fraction of a second.
//!
//! The DP adds the weights in node order starting from 0.0, exactly as
//! [`ChairVarshney::llr`] does. Floating-point addition is monotone, so every
//! path's computed LLR lies in its state's `[lo, hi]`, and thresholds placed at
//! a state's `lo` split the paths exactly as `decide` does.

/// Values of the fused LLR closer than this are one support point.
pub const MERGE_TOL: f64 = 1e-9;
/// States with smaller probability are dropped from the DP.
pub const PRUNE_PROB: f64 = 1e-300;
/// Above this many states per level the DP coarsens (see the module docs).
pub const MAX_STATES: usize = 1 << 16;
/// Per-node probabilities are clamped to `[P_MIN, P_MAX]` before the weights are
/// formed, so that `w1`, `w0` are finite (|w| <= ~691) even for Pd or Pfa of
/// exactly 0 or 1 (NaN is treated as `P_MIN`). (`1 - 1e-16` rounds to `1 - 2^-53`.)
pub const P_MIN: f64 = 1e-300;
/// See [`P_MIN`].
pub const P_MAX: f64 = 1.0 - 1e-16;

/// The Chair-Varshney rule for nodes with known per-node Pd and Pfa: the fused
/// log-likelihood ratio `sum_r [u_r ln(Pd_r/Pfa_r) + (1-u_r) ln((1-Pd_r)/(1-Pfa_r))]`
/// compared with a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct ChairVarshney {
    /// Weight added when node r says 1: `ln(Pd_r / Pfa_r)`.
    pub w1: Vec<f64>,
    /// Weight added when node r says 0: `ln((1 - Pd_r) / (1 - Pfa_r))`.
    pub w0: Vec<f64>,
    /// Decide H1 when the LLR is >= this.
    pub threshold: f64,
}

/// One support point (or merged cluster) of the fused LLR.
#[derive(Debug, Clone, Copy)]
struct State {
    lo: f64,
    hi: f64,
    prob: f64,
}

fn clamp_p(p: f64) -> f64 {
    if p.is_nan() {
        P_MIN
    } else {
        p.clamp(P_MIN, P_MAX)
    }
}

/// The weights `(w1, w0)` for per-node `pd`, `pfa` (clamped to `[P_MIN, P_MAX]`).
fn weights(pd: &[f64], pfa: &[f64]) -> (Vec<f64>, Vec<f64>) {
    assert_eq!(
        pd.len(),
        pfa.len(),
        "pd and pfa must have one entry per node"
    );
    pd.iter()
        .zip(pfa)
        .map(|(&d, &f)| {
            let (d, f) = (clamp_p(d), clamp_p(f));
            (d.ln() - f.ln(), (-d).ln_1p() - (-f).ln_1p())
        })
        .unzip()
}

/// Merges runs of states (sorted by `lo`) whose merged width `hi - lo` stays
/// at most [`MERGE_TOL`]: near-ties become one support point, with no chaining.
fn merge_ties(states: Vec<State>) -> Vec<State> {
    let mut out: Vec<State> = Vec::with_capacity(states.len());
    for s in states {
        match out.last_mut() {
            Some(cur) if s.hi <= cur.lo + MERGE_TOL => {
                cur.hi = cur.hi.max(s.hi);
                cur.prob += s.prob;
            }
            _ => out.push(s),
        }
    }
    out
}

/// Re-bins states (sorted by `lo`) into cells of width `span / (MAX_STATES / 2)`
/// by their `lo`; a merged state is the hull of its members, so `[lo, hi]`
/// still bounds every path it holds. States may then overlap.
fn rebin(states: Vec<State>) -> Vec<State> {
    let lo0 = states[0].lo;
    let span = states
        .iter()
        .map(|s| s.hi)
        .fold(f64::NEG_INFINITY, f64::max)
        - lo0;
    let cell = span / (MAX_STATES / 2) as f64;
    let mut out: Vec<State> = Vec::with_capacity(MAX_STATES / 2 + 2);
    let mut cur_cell = f64::NAN;
    for s in states {
        let c = ((s.lo - lo0) / cell).floor();
        match out.last_mut() {
            Some(cur) if c == cur_cell => {
                cur.hi = cur.hi.max(s.hi);
                cur.prob += s.prob;
            }
            _ => {
                out.push(s);
                cur_cell = c;
            }
        }
    }
    out
}

/// The distribution of the fused LLR when node r says 1 with probability
/// `p[r]` (clamped to [0, 1]) independently: disjoint states sorted by value.
fn llr_distribution(w1: &[f64], w0: &[f64], p: &[f64]) -> Vec<State> {
    assert_eq!(w1.len(), p.len(), "one probability per node");
    let mut states = vec![State {
        lo: 0.0,
        hi: 0.0,
        prob: 1.0,
    }];
    for ((&a1, &a0), &pr) in w1.iter().zip(w0).zip(p) {
        let pr = if pr.is_nan() { pr } else { pr.clamp(0.0, 1.0) };
        let qr = 1.0 - pr;
        let shift = |w: f64, f: f64| {
            states
                .iter()
                .map(move |s| State {
                    lo: s.lo + w,
                    hi: s.hi + w,
                    prob: s.prob * f,
                })
                .filter(|s| s.prob >= PRUNE_PROB)
        };
        // Merge the two shifted lists (each sorted by lo) into one sorted list.
        let a: Vec<State> = shift(a0, qr).collect();
        let b: Vec<State> = shift(a1, pr).collect();
        let mut merged = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i].lo <= b[j].lo {
                merged.push(a[i]);
                i += 1;
            } else {
                merged.push(b[j]);
                j += 1;
            }
        }
        merged.extend_from_slice(&a[i..]);
        merged.extend_from_slice(&b[j..]);
        states = merge_ties(merged);
        if states.len() > MAX_STATES {
            states = rebin(states);
        }
    }
    states
}

impl ChairVarshney {
    /// The rule with the given per-node `pd`, `pfa` and an explicit threshold.
    /// Per-node probabilities are clamped to `[P_MIN, P_MAX]` to form the
    /// weights (a node with Pfa = 0 gets `w1 ~ 690 + ln Pd`: its detection is
    /// all but conclusive, as it should be).
    pub fn with_threshold(pd: &[f64], pfa: &[f64], threshold: f64) -> Self {
        let (w1, w0) = weights(pd, pfa);
        Self { w1, w0, threshold }
    }

    /// The Bayes rule with prior `P(H1) = prior_h1` (threshold `ln(P(H0)/P(H1))`).
    ///
    /// `prior_h1 = 0` gives `+inf` (never H1), `prior_h1 = 1` gives `-inf`
    /// (always H1); values outside [0, 1] are clamped.
    pub fn bayes(pd: &[f64], pfa: &[f64], prior_h1: f64) -> Self {
        let prior = prior_h1.clamp(0.0, 1.0);
        let threshold = (-prior).ln_1p() - prior.ln();
        Self::with_threshold(pd, pfa, threshold)
    }

    /// The Neyman-Pearson rule: the smallest threshold whose exact fused Pfa is
    /// at most `target` (no randomization, so the fused Pfa may fall below it).
    ///
    /// The threshold is the smallest support value `t` of the fused LLR under
    /// H0 (`pfa` clamped to [0, 1]) with `P(LLR >= t | H0) <= target` (see the
    /// module docs for how the support is built). If no support value
    /// qualifies (target below the probability of the largest LLR, or NaN),
    /// the threshold is just above the largest support value, so the fused Pfa
    /// is 0. `target >= 1` gives the smallest support value (always H1).
    pub fn neyman_pearson(pd: &[f64], pfa: &[f64], target: f64) -> Self {
        let mut rule = Self::with_threshold(pd, pfa, 0.0);
        let dist = llr_distribution(&rule.w1, &rule.w0, pfa);
        if target >= 1.0 {
            rule.threshold = dist.first().map_or(0.0, |s| s.lo);
            return rule;
        }
        // Upper bound on P(LLR >= t | H0) at t = lo_i: the mass of states with
        // hi >= t (exact when states are disjoint, i.e. without re-binning).
        // It is non-increasing in t, so sweep the candidates from the top.
        let top = dist.iter().map(|s| s.hi).fold(f64::NEG_INFINITY, f64::max);
        let mut threshold = if top.is_finite() { top.next_up() } else { 0.0 };
        let mut by_hi: Vec<(f64, f64)> = dist.iter().map(|s| (s.hi, s.prob)).collect();
        by_hi.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (mut k, mut tail) = (0, 0.0);
        for s in dist.iter().rev() {
            while k < by_hi.len() && by_hi[k].0 >= s.lo {
                tail += by_hi[k].1;
                k += 1;
            }
            if tail <= target {
                threshold = s.lo;
            } else {
                break;
            }
        }
        rule.threshold = threshold;
        rule
    }

    /// The fused LLR of `bits` (weights added in node order from 0.0).
    pub fn llr(&self, bits: &[bool]) -> f64 {
        assert_eq!(bits.len(), self.w1.len(), "one bit per node");
        bits.iter()
            .zip(self.w1.iter().zip(&self.w0))
            .fold(0.0, |acc, (&b, (&a1, &a0))| acc + if b { a1 } else { a0 })
    }

    /// The fused decision.
    pub fn decide(&self, bits: &[bool]) -> bool {
        self.llr(bits) >= self.threshold
    }

    /// Exact `P(decide H1)` when node r says 1 with probability `p[r]` independently.
    ///
    /// Computed by the LLR dynamic programme (module docs). When a merged
    /// state straddles the threshold (only after coarsening, or when distinct
    /// LLR values within 1e-9 of each other lie on both sides of it), its
    /// mass is split half and half; [`ChairVarshney::probability_bounds`]
    /// gives the bounds. Otherwise the value is exact up to pruned mass.
    pub fn probability(&self, p: &[f64]) -> f64 {
        let (lo, hi) = self.probability_bounds(p);
        0.5 * (lo + hi)
    }

    /// Lower and upper bounds on `P(decide H1)`: they coincide unless a merged
    /// state of the LLR DP straddles the threshold.
    pub fn probability_bounds(&self, p: &[f64]) -> (f64, f64) {
        let dist = llr_distribution(&self.w1, &self.w0, p);
        let (mut lower, mut upper) = (0.0, 0.0);
        for s in dist.iter().rev() {
            if s.hi < self.threshold {
                break;
            }
            upper += s.prob;
            if s.lo >= self.threshold {
                lower += s.prob;
            }
        }
        (lower.clamp(0.0, 1.0), upper.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fusion::k_of_n_probability;

    /// Exact `P(decide)` by enumerating all 2^n bit patterns.
    fn enumerate(cv: &ChairVarshney, p: &[f64]) -> f64 {
        let n = p.len();
        let mut total = 0.0;
        for mask in 0u64..(1 << n) {
            let bits: Vec<bool> = (0..n).map(|r| mask >> r & 1 == 1).collect();
            if cv.decide(&bits) {
                total += bits
                    .iter()
                    .zip(p)
                    .map(|(&b, &pr)| if b { pr } else { 1.0 - pr })
                    .product::<f64>();
            }
        }
        total
    }

    fn hetero(n: usize) -> (Vec<f64>, Vec<f64>) {
        let pd: Vec<f64> = (0..n)
            .map(|r| 0.1 + 0.85 * r as f64 / (n.max(2) - 1) as f64)
            .collect();
        let pfa: Vec<f64> = (0..n).map(|r| 1e-3 * (1.0 + (r % 4) as f64)).collect();
        (pd, pfa)
    }

    #[test]
    fn weights_and_llr() {
        let cv = ChairVarshney::bayes(&[0.9, 0.6], &[0.1, 0.2], 0.5);
        assert!((cv.w1[0] - 9f64.ln()).abs() < 1e-15);
        assert!((cv.w0[1] - (0.4f64 / 0.8).ln()).abs() < 1e-15);
        assert_eq!(cv.threshold, 0.0);
        let l = cv.llr(&[true, false]);
        assert!((l - (9f64.ln() + 0.5f64.ln())).abs() < 1e-15);
        assert!(cv.decide(&[true, false]));
        assert!(!cv.decide(&[false, false]));
    }

    #[test]
    fn bayes_threshold_and_extremes() {
        let cv = ChairVarshney::bayes(&[0.9], &[0.1], 0.2);
        assert!((cv.threshold - 4f64.ln()).abs() < 1e-15);
        assert_eq!(
            ChairVarshney::bayes(&[0.9], &[0.1], 0.0).threshold,
            f64::INFINITY
        );
        assert_eq!(
            ChairVarshney::bayes(&[0.9], &[0.1], 1.0).threshold,
            f64::NEG_INFINITY
        );
        // Degenerate per-node probabilities give finite weights.
        let cv = ChairVarshney::bayes(&[1.0, 0.0, 0.5], &[0.0, 1.0, 0.5], 0.5);
        assert!(cv.w1.iter().chain(&cv.w0).all(|w| w.is_finite()));
        assert_eq!(cv.w1[2], 0.0);
        assert_eq!(cv.w0[2], 0.0);
    }

    #[test]
    fn probability_matches_enumeration() {
        let (pd, pfa) = hetero(10);
        for prior in [0.01, 0.3, 0.5, 0.9] {
            let cv = ChairVarshney::bayes(&pd, &pfa, prior);
            for p in [&pd, &pfa] {
                let (lo, hi) = cv.probability_bounds(p);
                assert_eq!(lo, hi);
                let want = enumerate(&cv, p);
                assert!((lo - want).abs() <= 1e-14 + 1e-12 * want, "{lo} vs {want}");
            }
        }
    }

    #[test]
    fn neyman_pearson_is_the_smallest_admissible_support_threshold() {
        let (pd, pfa) = hetero(11);
        for target in [1e-9, 1e-6, 1e-5, 1e-3, 0.05, 0.5] {
            let cv = ChairVarshney::neyman_pearson(&pd, &pfa, target);
            let fa = enumerate(&cv, &pfa);
            assert!(fa <= target, "target {target}: fa {fa}");
            assert!((cv.probability(&pfa) - fa).abs() <= 1e-15 + 1e-12 * fa);
            // Every support value below the threshold violates the target.
            let n = pd.len();
            let mut below = f64::NEG_INFINITY;
            for mask in 0u64..(1 << n) {
                let bits: Vec<bool> = (0..n).map(|r| mask >> r & 1 == 1).collect();
                let l = cv.llr(&bits);
                if l < cv.threshold {
                    below = below.max(l);
                }
            }
            if below.is_finite() {
                let lower = ChairVarshney {
                    threshold: below,
                    ..cv.clone()
                };
                assert!(enumerate(&lower, &pfa) > target, "target {target}");
            }
            // And the NP rule beats every k-out-of-n rule with no larger Pfa.
            let pd_np = cv.probability(&pd);
            for kappa in 1..=n {
                if k_of_n_probability(&pfa, kappa) <= fa {
                    assert!(k_of_n_probability(&pd, kappa) <= pd_np + 1e-12);
                }
            }
        }
        // Extremes.
        let cv = ChairVarshney::neyman_pearson(&pd, &pfa, 0.0);
        assert_eq!(cv.probability(&pfa), 0.0);
        let cv = ChairVarshney::neyman_pearson(&pd, &pfa, 1.0);
        assert!((cv.probability(&pfa) - 1.0).abs() < 1e-12);
        assert!(cv.decide(&vec![false; pd.len()]));
        let cv = ChairVarshney::neyman_pearson(&pd, &pfa, f64::NAN);
        assert_eq!(cv.probability(&pfa), 0.0);
        let cv = ChairVarshney::neyman_pearson(&[], &[], 0.1);
        assert!(!cv.decide(&[]));
    }

    #[test]
    fn equal_weights_reduce_to_k_of_n() {
        let n = 64;
        let (pd, pfa) = (vec![0.4; n], vec![1e-3; n]);
        let dist = {
            let cv = ChairVarshney::with_threshold(&pd, &pfa, 0.0);
            llr_distribution(&cv.w1, &cv.w0, &pfa)
        };
        assert_eq!(dist.len(), n + 1);
        for target in [1e-12, 1e-5, 1e-2] {
            let cv = ChairVarshney::neyman_pearson(&pd, &pfa, target);
            // The equivalent kappa: smallest k with binomial tail <= target.
            let kappa = (1..=n)
                .find(|&k| k_of_n_probability(&pfa, k) <= target)
                .unwrap();
            let fa = cv.probability(&pfa);
            let want = k_of_n_probability(&pfa, kappa);
            assert!((fa - want).abs() <= 1e-12 * want, "{fa} vs {want}");
            let pdf = cv.probability(&pd);
            let want = k_of_n_probability(&pd, kappa);
            assert!((pdf - want).abs() <= 1e-12 * want, "{pdf} vs {want}");
        }
    }

    #[test]
    fn large_heterogeneous_networks_are_fast_and_bounded() {
        let (pd, pfa) = hetero(64);
        let t0 = std::time::Instant::now();
        let cv = ChairVarshney::neyman_pearson(&pd, &pfa, 1e-5);
        let (lo, hi) = cv.probability_bounds(&pfa);
        assert!(lo <= hi && hi <= 1e-5, "{lo} {hi}");
        let (dlo, dhi) = cv.probability_bounds(&pd);
        assert!(dlo <= dhi && dhi - dlo < 1e-3 && dlo > 0.99, "{dlo} {dhi}");
        assert!(t0.elapsed().as_secs_f64() < 5.0);
    }
}
