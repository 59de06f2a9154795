//! Binomial and Poisson-binomial tails, stable for large n.
//!
//! Binomial probabilities use Loader's saddle-point form (C. Loader, "Fast and accurate
//! computation of binomial probabilities", 2000), accurate to full relative precision for
//! `n` up to 1e6 and beyond; tails are summed from the boundary term outward, where the
//! terms decrease, so only positive numbers are added. The Poisson-binomial pmf is the
//! standard dynamic program, which also adds only nonnegative numbers.

use super::gamma::{bd0, stirlerr};
use std::f64::consts::PI;

/// `ln P(Bin(n, p) = x)`, `0 < p < 1`.
fn ln_dbinom(x: f64, n: f64, p: f64) -> f64 {
    let q = 1.0 - p;
    if x == 0.0 {
        return n * (-p).ln_1p();
    }
    if x == n {
        return n * p.ln();
    }
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
    let lf = (2.0 * PI).ln() + x.ln() + (-x / n).ln_1p();
    lc - 0.5 * lf
}

/// `P(X >= k)` for `X ~ Bin(n, p)`.
///
/// For `k > np` sums `pmf(k), pmf(k+1), ...` (decreasing) until the geometric bound on the
/// rest is below 1e-17 of the sum; otherwise returns `1 - P(X <= k-1)` summed downward from
/// `k - 1` (then the answer is at least ~1/2, so the subtraction costs no precision).
/// `O(sqrt(n p (1-p)))` terms.
pub fn binomial_sf(n: u64, k: u64, p: f64) -> f64 {
    assert!((0.0..=1.0).contains(&p), "binomial_sf: p must be in [0, 1]");
    if k == 0 {
        return 1.0;
    }
    if k > n || p == 0.0 {
        return 0.0;
    }
    if p == 1.0 {
        return 1.0;
    }
    let (nf, q) = (n as f64, 1.0 - p);
    let upper = k as f64 > nf * p;
    // Start term and direction: j -> j+1 (ratio (n-j) p / ((j+1) q)) or j -> j-1.
    let mut j = if upper { k as f64 } else { (k - 1) as f64 };
    let mut t = ln_dbinom(j, nf, p).exp();
    let mut s = t;
    loop {
        let r = if upper {
            if j >= nf {
                break;
            }
            (nf - j) * p / ((j + 1.0) * q)
        } else {
            if j <= 0.0 {
                break;
            }
            j * q / ((nf - j + 1.0) * p)
        };
        t *= r;
        s += t;
        if t * r <= 1e-17 * s * (1.0 - r) || t == 0.0 {
            break;
        }
        j += if upper { 1.0 } else { -1.0 };
    }
    if upper {
        s.min(1.0)
    } else {
        (1.0 - s).max(0.0)
    }
}

/// PMF of the number of successes among independent Bernoulli(`p[i]`) trials.
///
/// `O(n^2)` dynamic program over the trials; every update is a convex combination of
/// nonnegative numbers, so small tail probabilities keep their relative accuracy.
pub fn poisson_binomial_pmf(p: &[f64]) -> Vec<f64> {
    let mut pmf = vec![0.0; p.len() + 1];
    pmf[0] = 1.0;
    for (i, &pi) in p.iter().enumerate() {
        assert!(
            (0.0..=1.0).contains(&pi),
            "poisson_binomial_pmf: p out of [0, 1]"
        );
        let qi = 1.0 - pi;
        for j in (1..=i + 1).rev() {
            pmf[j] = pmf[j] * qi + pmf[j - 1] * pi;
        }
        pmf[0] *= qi;
    }
    pmf
}

/// `P(sum_i B_i >= k)` with independent `B_i ~ Bernoulli(p[i])`.
///
/// Sums the pmf tail from the far end (smallest terms first).
pub fn poisson_binomial_sf(p: &[f64], k: usize) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > p.len() {
        return 0.0;
    }
    let pmf = poisson_binomial_pmf(p);
    pmf[k..].iter().rev().sum::<f64>().min(1.0)
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values keep all their digits
mod tests {
    use super::*;
    use crate::special::rel_err as rel;

    #[test]
    fn binomial_edges() {
        assert_eq!(binomial_sf(10, 0, 0.3), 1.0);
        assert_eq!(binomial_sf(10, 11, 0.3), 0.0);
        assert_eq!(binomial_sf(10, 3, 0.0), 0.0);
        assert_eq!(binomial_sf(10, 3, 1.0), 1.0);
        // P(X >= 1) = 1 - (1-p)^n, exactly.
        assert!(rel(binomial_sf(7, 1, 0.2), 1.0 - 0.8f64.powi(7)) < 1e-14);
    }

    #[test]
    fn binomial_against_mpmath() {
        // References: mpmath at 50 digits, pmf(k) from loggamma then ratio recurrence,
        // summed with fsum.
        let cases = [
            (1_000_000, 5, 1e-7, 7.667_728_168_386_671_166e-8),
            (1_000_000, 501_000, 0.5, 0.022_804_149_932_691_043_21),
            (1_000_000, 499_000, 0.5, 0.977_303_832_045_327_872),
            (1_000_000, 30, 1e-6, 1.432_499_030_586_084_336e-33),
            (1_000_000, 100, 1e-6, 3.962_011_802_895_875_767e-159),
            (20, 20, 0.3, 3.486_784_401e-11),
            (100, 1, 1e-12, 9.999_999_999_505e-11),
            (50, 10, 0.05, 1.585_632_976_238_346_295e-4),
            (1000, 400, 0.3, 1.104_129_819_055_682_241e-11),
        ];
        for (n, k, p, want) in cases {
            let got = binomial_sf(n, k, p);
            assert!(rel(got, want) < 1e-11, "n={n} k={k} p={p}: {got} vs {want}");
        }
    }

    #[test]
    fn binomial_against_statrs_beta() {
        // P(X >= k) = I_p(k, n-k+1). statrs' beta_reg itself is off by up to ~2e-13
        // (n=40, k=2, p=0.05: statrs 0.60093593487668, mpmath 0.600935934876784293).
        for (n, p) in [(12_u64, 0.37), (40, 0.05), (90, 0.8)] {
            for k in 1..=n {
                let want = statrs::function::beta::beta_reg(k as f64, (n - k + 1) as f64, p);
                let got = binomial_sf(n, k, p);
                assert!(
                    (got - want).abs() < 1e-11 * want.max(1e-3),
                    "n={n} k={k}: {got} vs {want}"
                );
            }
        }
    }

    /// Brute force over all 2^n outcomes.
    fn brute_force(p: &[f64]) -> Vec<f64> {
        let n = p.len();
        let mut pmf = vec![0.0; n + 1];
        for mask in 0_u32..(1 << n) {
            let mut pr = 1.0;
            for (i, &pi) in p.iter().enumerate() {
                pr *= if mask >> i & 1 == 1 { pi } else { 1.0 - pi };
            }
            pmf[mask.count_ones() as usize] += pr;
        }
        pmf
    }

    #[test]
    fn poisson_binomial_brute_force() {
        let p = [
            0.1, 0.5, 0.93, 1e-4, 0.27, 0.66, 0.01, 0.999, 0.4, 0.05, 0.2,
        ];
        let want = brute_force(&p);
        let got = poisson_binomial_pmf(&p);
        for (g, w) in got.iter().zip(&want) {
            assert!(rel(*g, *w) < 1e-12, "{g} vs {w}");
        }
        for k in 0..=p.len() + 1 {
            let w: f64 = want.iter().skip(k).sum();
            let g = poisson_binomial_sf(&p, k);
            assert!(
                if k > p.len() {
                    g == 0.0
                } else {
                    rel(g, w) < 1e-12
                },
                "k={k}"
            );
        }
    }

    #[test]
    fn poisson_binomial_equal_p_is_binomial() {
        let p = vec![1e-3; 40];
        for k in [0, 1, 3, 10, 40] {
            let want = binomial_sf(40, k as u64, 1e-3);
            assert!(rel(poisson_binomial_sf(&p, k), want) < 1e-12, "k={k}");
        }
        // A far tail: P(all 40 succeed) = 1e-120.
        assert!(rel(poisson_binomial_sf(&p, 40), 1e-120) < 1e-12);
    }
}
