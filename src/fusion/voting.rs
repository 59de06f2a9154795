//! k-out-of-n voting: rules, the paper's kappa (52-53) and error probability (48).

use crate::special;

/// A counting rule over the n binary decisions that reach the CC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VotingRule {
    /// Declare a target if any node does (kappa = 1).
    Or,
    /// Declare a target if all nodes do (kappa = n).
    And,
    /// Declare a target if more than half do (kappa = floor(n/2) + 1).
    Majority,
    /// Declare a target if at least k do (k clamped to 1..=n).
    AtLeast(usize),
    /// The paper's kappa from the mean per-node Pd and Pfa, eqs. (52)-(53).
    PaperKappa,
}

impl VotingRule {
    /// The count threshold kappa for `n` voters; `pd_hat`, `pfa_hat` are the mean
    /// per-node probabilities (eqs. 49-50), used only by `PaperKappa`.
    ///
    /// `n` is the number of bits that actually reached the CC. The result is
    /// always in `1..=max(n, 1)`: for `n = 0` every rule returns 1, so that
    /// [`VotingRule::decide`] with no bits is `false` (no target declared).
    pub fn kappa(&self, n: usize, pd_hat: f64, pfa_hat: f64) -> usize {
        if n == 0 {
            return 1;
        }
        match *self {
            VotingRule::Or => 1,
            VotingRule::And => n,
            VotingRule::Majority => n / 2 + 1,
            VotingRule::AtLeast(k) => k.clamp(1, n),
            VotingRule::PaperKappa => paper_kappa(n, pd_hat, pfa_hat),
        }
    }

    /// The fused decision: `count >= kappa` (eq. 47 with ties to H1, as eq. 48 does).
    pub fn decide(kappa: usize, bits: &[bool]) -> bool {
        bits.iter().filter(|&&b| b).count() >= kappa
    }
}

/// Eq. (53): `beta = ln(pfa/pd) / ln((1-pd)/(1-pfa))`, with the edge cases of
/// [`paper_kappa`]. Returns `None` when the detector is useless (`pd <= pfa`)
/// or an input is NaN; otherwise a value in `[0, +inf]`.
fn paper_beta(pd: f64, pfa: f64) -> Option<f64> {
    if pd.is_nan() || pfa.is_nan() {
        return None;
    }
    let pd = pd.clamp(0.0, 1.0);
    let pfa = pfa.clamp(0.0, 1.0);
    if pd <= pfa {
        return None;
    }
    // Here 0 <= pfa < pd <= 1.
    if pd == 1.0 && pfa == 0.0 {
        // Perfect detector: every kappa gives zero error. Use the symmetric
        // limit pd = 1 - e, pfa = e (e -> 0), where beta = 1.
        return Some(1.0);
    }
    // Both logs are < 0 for 0 <= pfa < pd <= 1; -inf is allowed in one of them.
    let num = pfa.ln() - pd.ln(); // ln(pfa / pd) in [-inf, 0)
    let den = (-pd).ln_1p() - (-pfa).ln_1p(); // ln((1-pd)/(1-pfa)) in [-inf, 0)
    let beta = if num == f64::NEG_INFINITY {
        f64::INFINITY // pfa = 0, pd < 1: a single detection is conclusive
    } else if den == f64::NEG_INFINITY {
        0.0 // pd = 1, pfa > 0: a single miss is conclusive
    } else {
        num / den
    };
    Some(beta)
}

/// Eqs. (52)-(53): `min(n, ceil(n / (1 + beta)))`, clamped to `1..=n`, finite
/// for every `pd_hat`, `pfa_hat` in [0, 1].
///
/// `beta = ln(pfa/pd) / ln((1-pd)/(1-pfa))`. Conventions (no NaN can escape):
/// - `n = 0`: returns 1 (no voters; a decision over no bits is `false`).
/// - inputs outside [0, 1] are clamped to it;
/// - `pd_hat <= pfa_hat` (useless or inverted detector, including
///   `pd = pfa = 0` and `pd = pfa = 1`) or a NaN input: `kappa = n` (AND, the
///   rule that declares a target least often);
/// - `pfa_hat = 0 < pd_hat < 1`: `beta = +inf`, `kappa = 1` (OR: one detection
///   is conclusive);
/// - `pd_hat = 1 > pfa_hat > 0`: `beta = 0`, `kappa = n` (AND: one miss is
///   conclusive);
/// - `pd_hat = 1, pfa_hat = 0` (perfect detector, every kappa is error-free):
///   the symmetric limit `beta = 1`, `kappa = ceil(n/2)`.
///
/// `n / (1 + beta)` within a relative 1e-12 of an integer is rounded to that
/// integer before the ceiling, so that rounding noise in `beta` cannot push
/// kappa up by one.
///
/// Example: `n = 11`, `pfa = 1e-5`, `pd = 0.5` gives `beta ~ 15.6`, `kappa = 1`.
pub fn paper_kappa(n: usize, pd_hat: f64, pfa_hat: f64) -> usize {
    if n == 0 {
        return 1;
    }
    let Some(beta) = paper_beta(pd_hat, pfa_hat) else {
        return n;
    };
    let x = n as f64 / (1.0 + beta); // in [0, n]; 0 when beta = +inf
    let r = x.round();
    let x = if (x - r).abs() <= 1e-12 * r.max(1.0) {
        r
    } else {
        x
    };
    let k = x.ceil();
    // k is finite and in [0, n]; clamp to 1..=n.
    (k as usize).clamp(1, n)
}

/// `P(Bin(n, p) >= k)` ([`crate::special::binomial_sf`]) with `p` clamped to
/// [0, 1] and a NaN `p` giving NaN.
pub(crate) fn binomial_sf(n: usize, k: usize, p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    special::binomial_sf(n as u64, k as u64, p.clamp(0.0, 1.0))
}

/// `P(Bin(n, p) < k) = P(Bin(n, p) <= k - 1)`, computed directly (not as
/// `1 - binomial_sf`) so that it stays accurate when it is small.
pub(crate) fn binomial_cdf_below(n: usize, k: usize, p: f64) -> f64 {
    if k == 0 {
        return 0.0;
    }
    if k > n {
        return 1.0;
    }
    // P(Bin(n,p) <= k-1) = P(Bin(n,1-p) >= n-k+1).
    binomial_sf(n, n - k + 1, 1.0 - p.clamp(0.0, 1.0))
}

/// Eq. (48): the CC's error probability with equal priors,
/// `1/2 + 1/2 sum_{i<kappa} C(n,i) [pd^i (1-pd)^(n-i) - pfa^i (1-pfa)^(n-i)]`,
/// computed through binomial tails so it stays accurate for large n.
///
/// Evaluated as `(P_miss + P_fa) / 2` with `P_miss = P(Bin(n, pd) < kappa)` and
/// `P_fa = P(Bin(n, pfa) >= kappa)`, each from its own tail (no cancellation).
/// The rule is `count >= kappa`, for any kappa: `kappa = 0` always declares a
/// target and `kappa > n` never does, so both give 1/2. The result is in
/// [0, 1] (NaN only if `pd_hat` or `pfa_hat` is NaN).
pub fn error_probability(n: usize, kappa: usize, pd_hat: f64, pfa_hat: f64) -> f64 {
    let p_miss = binomial_cdf_below(n, kappa, pd_hat);
    let p_fa = binomial_sf(n, kappa, pfa_hat);
    (0.5 * (p_miss + p_fa)).clamp(0.0, 1.0)
}

/// Exact `P(count >= kappa)` for independent nodes with probabilities `p`
/// (Poisson-binomial; binomial when all equal).
///
/// `kappa = 0` gives 1 and `kappa > p.len()` gives 0. Probabilities are
/// clamped to [0, 1]. When all `p` are equal the binomial tail (regularized
/// incomplete beta) is used; otherwise the upper tail of the exact
/// Poisson-binomial pmf is summed directly (accurate even when tiny).
pub fn k_of_n_probability(p: &[f64], kappa: usize) -> f64 {
    let n = p.len();
    if kappa == 0 {
        return 1.0;
    }
    if kappa > n {
        return 0.0;
    }
    if p.iter().all(|&x| x == p[0]) {
        return binomial_sf(n, kappa, p[0]);
    }
    let p: Vec<f64> = p.iter().map(|x| x.clamp(0.0, 1.0)).collect();
    special::poisson_binomial_sf(&p, kappa)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `C(n, i) p^i (1-p)^(n-i)` in log space (reference for small n).
    fn pmf_literal(n: usize, i: usize, p: f64) -> f64 {
        if p == 0.0 {
            return if i == 0 { 1.0 } else { 0.0 };
        }
        if p == 1.0 {
            return if i == n { 1.0 } else { 0.0 };
        }
        let ln_c = statrs::function::factorial::ln_binomial(n as u64, i as u64);
        (ln_c + i as f64 * p.ln() + (n - i) as f64 * (-p).ln_1p()).exp()
    }

    fn sf_literal(n: usize, k: usize, p: f64) -> f64 {
        (k..=n).map(|i| pmf_literal(n, i, p)).sum()
    }

    fn rel(a: f64, b: f64) -> f64 {
        if a == b {
            0.0
        } else {
            (a - b).abs() / a.abs().max(b.abs())
        }
    }

    #[test]
    fn paper_kappa_worked_example() {
        // beta = ln(2e-5) / ln(0.5 / (1 - 1e-5)) = 15.61...
        let beta = paper_beta(0.5, 1e-5).unwrap();
        assert!((beta - 15.6096).abs() < 1e-3, "beta = {beta}");
        assert_eq!(paper_kappa(11, 0.5, 1e-5), 1);
        assert_eq!(VotingRule::PaperKappa.kappa(11, 0.5, 1e-5), 1);
    }

    #[test]
    fn paper_kappa_edge_cases() {
        let n = 11;
        assert_eq!(paper_kappa(0, 0.5, 0.1), 1);
        // Useless or inverted detectors: AND.
        assert_eq!(paper_kappa(n, 0.3, 0.3), n);
        assert_eq!(paper_kappa(n, 0.1, 0.3), n);
        assert_eq!(paper_kappa(n, 0.0, 0.0), n);
        assert_eq!(paper_kappa(n, 1.0, 1.0), n);
        assert_eq!(paper_kappa(n, 0.0, 0.5), n);
        assert_eq!(paper_kappa(n, f64::NAN, 0.1), n);
        assert_eq!(paper_kappa(n, 0.9, f64::NAN), n);
        // pfa = 0: one detection is conclusive.
        assert_eq!(paper_kappa(n, 0.5, 0.0), 1);
        assert_eq!(paper_kappa(n, 1e-300, 0.0), 1);
        // pd = 1: one miss is conclusive.
        assert_eq!(paper_kappa(n, 1.0, 0.5), n);
        assert_eq!(paper_kappa(n, 1.0, 1e-12), n);
        // Perfect detector: symmetric limit beta = 1.
        assert_eq!(paper_kappa(n, 1.0, 0.0), 6);
        assert_eq!(paper_kappa(10, 1.0, 0.0), 5);
        // Symmetric detector pd = 1 - pfa: beta = 1 exactly, kappa = ceil(n/2).
        assert_eq!(paper_kappa(10, 0.9, 0.1), 5);
        assert_eq!(paper_kappa(11, 0.9, 0.1), 6);
        // Out-of-range inputs are clamped.
        assert_eq!(paper_kappa(n, 1.5, -0.5), paper_kappa(n, 1.0, 0.0));
        // Sweep: always in 1..=n.
        let grid = [
            0.0,
            1e-300,
            1e-12,
            1e-5,
            0.01,
            0.3,
            0.5,
            0.7,
            0.99,
            1.0 - 1e-16,
            1.0,
        ];
        for n in [1, 2, 11, 64, 10_000] {
            for &pd in &grid {
                for &pfa in &grid {
                    let k = paper_kappa(n, pd, pfa);
                    assert!((1..=n).contains(&k), "n={n} pd={pd} pfa={pfa} k={k}");
                }
            }
        }
    }

    #[test]
    fn paper_kappa_matches_formula_in_the_interior() {
        for &(n, pd, pfa) in &[
            (11, 0.8, 0.2),
            (11, 0.6, 0.05),
            (20, 0.95, 0.3),
            (7, 0.55, 0.45),
        ] {
            let beta = (f64::ln(pfa / pd)) / f64::ln((1.0 - pd) / (1.0 - pfa));
            let want = ((n as f64 / (1.0 + beta)).ceil() as usize).clamp(1, n);
            assert_eq!(paper_kappa(n, pd, pfa), want, "n={n} pd={pd} pfa={pfa}");
        }
    }

    #[test]
    fn rule_kappas() {
        for n in 1..=12 {
            assert_eq!(VotingRule::Or.kappa(n, 0.5, 0.1), 1);
            assert_eq!(VotingRule::And.kappa(n, 0.5, 0.1), n);
            assert_eq!(VotingRule::Majority.kappa(n, 0.5, 0.1), n / 2 + 1);
            assert!(2 * VotingRule::Majority.kappa(n, 0.5, 0.1) > n);
            assert_eq!(VotingRule::AtLeast(0).kappa(n, 0.5, 0.1), 1);
            assert_eq!(VotingRule::AtLeast(3).kappa(n, 0.5, 0.1), 3.min(n));
            assert_eq!(VotingRule::AtLeast(100).kappa(n, 0.5, 0.1), n);
        }
        for rule in [
            VotingRule::Or,
            VotingRule::And,
            VotingRule::Majority,
            VotingRule::AtLeast(5),
            VotingRule::PaperKappa,
        ] {
            let k = rule.kappa(0, 0.5, 0.1);
            assert_eq!(k, 1);
            assert!(!VotingRule::decide(k, &[]));
        }
        assert!(VotingRule::decide(2, &[true, false, true]));
        assert!(!VotingRule::decide(3, &[true, false, true]));
    }

    #[test]
    fn binomial_tails_match_literal_sums() {
        for n in [1usize, 2, 5, 11, 30, 100] {
            for &p in &[1e-12, 1e-5, 0.01, 0.2, 0.5, 0.8, 0.99, 1.0 - 1e-9] {
                for k in 0..=n + 1 {
                    let got = binomial_sf(n, k, p);
                    let want = if k > n { 0.0 } else { sf_literal(n, k, p) };
                    // Relative 1e-9 (absolute 1e-15 near 1, where the literal sum rounds).
                    assert!(
                        rel(got, want) < 1e-9 || (got - want).abs() < 1e-15,
                        "sf n={n} k={k} p={p}: {got} vs {want}"
                    );
                    let below = binomial_cdf_below(n, k, p);
                    let want_below: f64 = (0..k.min(n + 1)).map(|i| pmf_literal(n, i, p)).sum();
                    assert!(
                        rel(below, want_below) < 1e-9 || (below - want_below).abs() < 1e-15,
                        "cdf n={n} k={k} p={p}: {below} vs {want_below}"
                    );
                }
            }
        }
    }

    #[test]
    fn error_probability_matches_eq48_literally() {
        for n in [1usize, 3, 11, 20] {
            for &(pd, pfa) in &[(0.5, 1e-5), (0.9, 0.1), (0.3, 0.2), (0.2, 0.3), (1.0, 0.0)] {
                for kappa in 0..=n + 1 {
                    let sum: f64 = (0..kappa.min(n + 1))
                        .map(|i| pmf_literal(n, i, pd) - pmf_literal(n, i, pfa))
                        .sum();
                    let want = 0.5 + 0.5 * sum;
                    let got = error_probability(n, kappa, pd, pfa);
                    assert!(
                        (got - want).abs() < 1e-13,
                        "n={n} k={kappa}: {got} vs {want}"
                    );
                }
            }
        }
        // OR over 11 nodes with pfa = 1e-5, pd = 0.5.
        let pe = error_probability(11, 1, 0.5, 1e-5);
        let want = 0.5 * (0.5f64.powi(11) + 1.0 - (1.0 - 1e-5f64).powi(11));
        assert!(rel(pe, want) < 1e-12);
        assert_eq!(error_probability(0, 1, 0.9, 0.1), 0.5);
        assert!(error_probability(11, 3, f64::NAN, 0.1).is_nan());
    }

    #[test]
    fn error_probability_is_stable_for_large_n() {
        let n = 10_000;
        for &(pd, pfa) in &[(0.5, 1e-5), (0.6, 0.4), (0.501, 0.499), (0.999, 1e-3)] {
            for kappa in [0, 1, 2, 100, 4_990, 5_000, 5_010, 9_999, 10_000, 10_001] {
                let pe = error_probability(n, kappa, pd, pfa);
                assert!(
                    pe.is_finite() && (0.0..=1.0).contains(&pe),
                    "k={kappa}: {pe}"
                );
            }
            // Monotone tails: P_fa decreases, P_miss increases with kappa.
            let mut prev_fa = 1.0;
            let mut prev_miss = 0.0;
            for kappa in (0..=n + 1).step_by(97) {
                let fa = binomial_sf(n, kappa, pfa);
                let miss = binomial_cdf_below(n, kappa, pd);
                assert!(fa <= prev_fa * (1.0 + 1e-9) && miss >= prev_miss * (1.0 - 1e-9));
                prev_fa = fa;
                prev_miss = miss;
            }
        }
        // A well-separated detector at the paper's kappa is near-perfect;
        // the central tails agree with a log-space literal sum.
        let pe = error_probability(n, paper_kappa(n, 0.6, 0.4), 0.6, 0.4);
        assert!(pe < 1e-80, "pe = {pe}");
        let (k, p) = (5_050, 0.5);
        assert!(rel(binomial_sf(n, k, p), sf_literal(n, k, p)) < 1e-9);
        let (k, p) = (4_000, 0.45);
        let below: f64 = (0..k).map(|i| pmf_literal(n, i, p)).sum();
        assert!(rel(binomial_cdf_below(n, k, p), below) < 1e-9);
    }

    #[test]
    fn k_of_n_matches_enumeration() {
        let p = [0.05, 0.9, 0.3, 0.6, 1e-4, 0.5, 0.75];
        let n = p.len();
        let mut want = vec![0.0; n + 2];
        for mask in 0u32..(1 << n) {
            let mut pr = 1.0;
            for (r, &pr_r) in p.iter().enumerate() {
                pr *= if mask >> r & 1 == 1 { pr_r } else { 1.0 - pr_r };
            }
            let c = mask.count_ones() as usize;
            for w in want.iter_mut().take(c + 1) {
                *w += pr;
            }
        }
        for (kappa, &w) in want.iter().enumerate() {
            let got = k_of_n_probability(&p, kappa);
            assert!(rel(got, w) < 1e-12, "k={kappa}: {got} vs {w}");
        }
        // Equal probabilities: binomial.
        let q = [0.2; 11];
        for kappa in 0..=12 {
            let want = if kappa > 11 {
                0.0
            } else {
                sf_literal(11, kappa, 0.2)
            };
            assert!(rel(k_of_n_probability(&q, kappa), want) < 1e-10);
            // The DP agrees with the binomial path.
            let dp: f64 = special::poisson_binomial_pmf(&q)[kappa.min(12)..]
                .iter()
                .sum();
            assert!(rel(dp, want) < 1e-10);
        }
        // Tiny tails stay relatively accurate.
        let tiny = [1e-7, 2e-7, 3e-7];
        let want = 1e-7 * 2e-7 * 3e-7;
        assert!(rel(k_of_n_probability(&tiny, 3), want) < 1e-12);
        assert_eq!(k_of_n_probability(&[], 0), 1.0);
        assert_eq!(k_of_n_probability(&[], 1), 0.0);
    }
}
