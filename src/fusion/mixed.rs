//! The CC's GLRT over whatever mix of reports arrived: soft terms add as they
//! are; a one-bit report adds its own threshold when it fired.
//!
//! For a soft report the log generalized likelihood ratio is the statistic T_r
//! itself (eq. 25 per node; Exp(1) under H0). For a bit `u_r = 1{T_r > tau}`
//! with unknown target strength, the bit's generalized likelihood ratio is
//! maximized at infinite SNR when it fired (`ln(1/q) = tau`) and at zero SNR
//! when it did not (`0`). So the fused GLRT over n soft and m one-bit reports is
//! `Lambda = sum T_r + tau J`, J the number of bits that fired; under H0 the soft
//! sum is Gamma(n, 1) and J ~ Bin(m, q), independent. With no bits this is the
//! centralized GLRT; with no soft reports it is a k-out-of-m count.

use crate::special::{binomial_sf, gamma_sf_int};
use rustc_hash::FxHashMap;
use std::sync::{Mutex, OnceLock};

/// The mixed GLRT's null tail `P(Lambda > t)` for `n_soft` Exp(1) terms and
/// `n_bits` bits at per-node false-alarm rate `q` (threshold `tau = -ln q`).
pub fn mixed_sf(n_soft: usize, n_bits: usize, q: f64, t: f64) -> f64 {
    MixedTail::new(n_soft, n_bits, q).sf(t)
}

/// The mixed GLRT's null law for one mix: `P(J = j)` for `J ~ Bin(n_bits, q)`
/// computed once, so that a threshold search evaluates only the Gamma tails.
struct MixedTail {
    n_soft: usize,
    tau: f64,
    /// `P(J = j)`, j = 0..=n_bits (clamped at 0 against rounding).
    pj: Vec<f64>,
}

impl MixedTail {
    fn new(n_soft: usize, n_bits: usize, q: f64) -> Self {
        let pj = (0..=n_bits)
            .map(|j| {
                let p = binomial_sf(n_bits as u64, j as u64, q)
                    - binomial_sf(n_bits as u64, j as u64 + 1, q);
                p.max(0.0)
            })
            .collect();
        MixedTail {
            n_soft,
            tau: -q.ln(),
            pj,
        }
    }

    /// `P(Lambda > t)`: `sum_j P(J = j) P(Gamma(n_soft, 1) > t - j tau)`.
    fn sf(&self, t: f64) -> f64 {
        (self.pj.iter().enumerate())
            .map(|(j, &pj)| {
                let rest = t - j as f64 * self.tau;
                let soft = if self.n_soft == 0 {
                    f64::from(u8::from(rest < 0.0))
                } else if rest <= 0.0 {
                    1.0
                } else {
                    gamma_sf_int(self.n_soft as u32, rest)
                };
                pj * soft
            })
            .sum()
    }
}

/// The threshold t of the mixed GLRT (decide a target when `Lambda > t`) with
/// false-alarm rate `target`: exact when `n_soft >= 1`; with bits only, the
/// smallest count whose tail is at most `target` (the statistic is discrete).
/// Returns infinity when no threshold meets the target (or nothing arrived).
///
/// A pure function of its arguments, solved once per distinct argument set
/// in the process ([`THRESHOLDS`]): every drop of a point asks for the same
/// few thresholds (one per level and mix), and a search costs about 45 tail
/// evaluations.
pub fn mixed_threshold(n_soft: usize, n_bits: usize, q: f64, target: f64) -> f64 {
    let key = (n_soft, n_bits, q.to_bits(), target.to_bits());
    let memo = THRESHOLDS.get_or_init(Default::default);
    let lock = || memo.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&t) = lock().get(&key) {
        return t;
    }
    let t = solve_threshold(n_soft, n_bits, q, target);
    let mut m = lock();
    if m.len() >= MEMO_LIMIT {
        m.clear();
    }
    m.insert(key, t);
    t
}

/// Solved thresholds by `(n_soft, n_bits, q bits, target bits)`. Values do
/// not depend on which thread or drop solved them first, so results stay
/// the same whatever the thread count.
static THRESHOLDS: OnceLock<Mutex<FxHashMap<ThresholdKey, f64>>> = OnceLock::new();

/// `(n_soft, n_bits, q bits, target bits)`.
type ThresholdKey = (usize, usize, u64, u64);

/// Entries kept at most (designs whose q varies per drop would otherwise
/// grow the memo without bound); it starts over when full.
const MEMO_LIMIT: usize = 1 << 16;

/// [`mixed_threshold`] without the memo.
fn solve_threshold(n_soft: usize, n_bits: usize, q: f64, target: f64) -> f64 {
    let tau = -q.ln();
    if n_soft == 0 {
        // Lambda = tau J > (kappa - 1/2) tau  <=>  J >= kappa. A q designed
        // so that k bits meet the target exactly (`node_pfa_for_fused`) gives
        // a tail equal to the target up to rounding: accept it.
        return (1..=n_bits)
            .find(|&k| binomial_sf(n_bits as u64, k as u64, q) <= target * (1.0 + 1e-9))
            .map_or(f64::INFINITY, |k| (k as f64 - 0.5) * tau);
    }
    let tail = MixedTail::new(n_soft, n_bits, q);
    let (mut lo, mut hi) = (0.0, 1.0);
    while tail.sf(hi) > target {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if tail.sf(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi {
            break;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::special::gamma_isf_int;

    /// The memo hands back exactly what a fresh search finds.
    #[test]
    fn memoized_thresholds_equal_fresh_searches() {
        for (soft, bits, q, target) in
            [(11, 0, 1e-3, 1e-5), (4, 7, 2e-3, 1e-4), (0, 11, 1e-3, 1e-5)]
        {
            let first = mixed_threshold(soft, bits, q, target);
            let again = mixed_threshold(soft, bits, q, target);
            let fresh = solve_threshold(soft, bits, q, target);
            assert_eq!(first.to_bits(), fresh.to_bits());
            assert_eq!(again.to_bits(), fresh.to_bits());
        }
    }

    #[test]
    fn soft_only_is_the_centralized_threshold() {
        let t = mixed_threshold(11, 0, 1e-3, 1e-5);
        assert!((t - gamma_isf_int(11, 1e-5)).abs() < 1e-9 * t);
    }

    #[test]
    fn bits_only_is_a_count() {
        // q = 1e-3, 11 bits, target 1e-5: P(J >= 1) = 1.1e-2, P(J >= 2) = 5.5e-5,
        // P(J >= 3) = 1.6e-7, so kappa = 3.
        let q = 1e-3;
        let t = mixed_threshold(0, 11, q, 1e-5);
        assert!((t / -q.ln() - 2.5).abs() < 1e-12);
    }

    #[test]
    fn bits_designed_for_the_target_meet_it_at_the_designed_count() {
        // q from the OR design over 11 nodes: one fired bit is exactly the
        // target, so kappa = 1, not 2 (which would give ~4.5e-11).
        for target in [1e-2, 1e-5, 1e-7] {
            let q = crate::fusion::node_pfa_for_fused(11, 1, target);
            let t = mixed_threshold(0, 11, q, target);
            assert!((t / -q.ln() - 0.5).abs() < 1e-12, "{target}: {t}");
        }
    }

    #[test]
    fn mixed_threshold_meets_the_target_exactly() {
        for (n, m) in [(1, 1), (3, 8), (10, 1)] {
            let t = mixed_threshold(n, m, 1e-3, 1e-4);
            assert!(
                (mixed_sf(n, m, 1e-3, t) / 1e-4 - 1.0).abs() < 1e-8,
                "{n} {m}"
            );
        }
    }
}
