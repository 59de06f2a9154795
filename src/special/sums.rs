//! Tail of a sum of independent exponentials with arbitrary (possibly equal) means.
//!
//! Method: Moschopoulos (1985), "The distribution of the sum of independent gamma random
//! variables", Ann. Inst. Statist. Math. 37. Means equal to within 1e-12 (relative) are
//! merged into Gamma(alpha_i, beta_i) terms; with `beta1 = min beta_i` the sum equals
//! `beta1 * Gamma(rho + K, 1)` in law, `rho = sum alpha_i`, where the mixing variable
//! `K = sum_i NegBin(alpha_i, beta1 / beta_i)` has the pmf `C delta_k` of the paper.
//! Since every `alpha_i` is an integer, `K` is a sum of geometric variables and its pmf is
//! computed by streaming convolution (`u_g(k) = u_{g-1}(k) + c_g u_g(k-1)`,
//! `c_g = 1 - beta1/beta_g`), `O(rho)` per term instead of the paper's `O(k)`, with only
//! positive terms. The gamma tails come from the stable upward recurrence in `gamma`.

use super::gamma::{GammaSfUp, gamma_sf_int};

/// `ln` of the relative size at which terms are dropped (`ln 1e-17`).
const LN_TINY: f64 = -39.143_946_580_898_78;

/// Above this many series terms (`~ E[K] + x / beta1`) the distinct-means closed form is
/// used instead when every mean is simple.
const MAX_TERMS: f64 = 2e7;

/// `P(sum_i E_i > x)` with independent `E_i ~ Exp(mean = means[i])`, all means > 0.
/// Robust to equal and nearly equal means.
///
/// Truncation: `K` has a log-concave pmf, so once the ratio `r = P(K=k)/P(K=k-1) < 1` the
/// remaining mass is at most `P(K=k) r / (1 - r)`; the series stops when that (the gamma
/// tails being `<= 1`) is below `1e-17` times the partial sum, i.e. relative accuracy is
/// kept in the tail. The work is `~ rho * (E[K] + x/beta1)` with
/// `E[K] = sum_i alpha_i (beta_i/beta1 - 1)`: about 2e5 terms for a mean ratio of 1e4.
/// Past [`MAX_TERMS`] terms, if all means are distinct, the classic formula
/// `sum_i e^{-x/m_i} prod_{j != i} m_i / (m_i - m_j)` is used (absolute error
/// ~ `eps * sum_i |prod_j m_i/(m_i - m_j)|`, small for such widely spread means).
pub fn sum_exp_sf(means: &[f64], x: f64) -> f64 {
    assert!(!means.is_empty(), "sum_exp_sf: no means");
    assert!(
        means.iter().all(|m| *m > 0.0 && m.is_finite()),
        "sum_exp_sf: means must be positive and finite"
    );
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    // Group (nearly) equal means: (beta, alpha).
    let mut sorted = means.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut groups: Vec<(f64, u32)> = Vec::new();
    let mut start = 0;
    for i in 1..=sorted.len() {
        if i == sorted.len() || sorted[i] - sorted[start] > 1e-12 * sorted[start] {
            let members = &sorted[start..i];
            let beta = members.iter().sum::<f64>() / members.len() as f64;
            groups.push((beta, members.len() as u32));
            start = i;
        }
    }
    let rho: u32 = groups.iter().map(|g| g.1).sum();
    let beta1 = groups[0].0;
    let y = x / beta1;
    if groups.len() == 1 {
        return gamma_sf_int(rho, y);
    }
    let mean_k: f64 = groups
        .iter()
        .map(|&(b, a)| f64::from(a) * (b / beta1 - 1.0))
        .sum();
    if mean_k + y > MAX_TERMS && groups.iter().all(|g| g.1 == 1) {
        return distinct_means_sf(&sorted, x);
    }
    // One geometric stage per unit of shape in the groups other than the first.
    let c: Vec<f64> = groups[1..]
        .iter()
        .flat_map(|&(b, a)| std::iter::repeat_n(1.0 - beta1 / b, a as usize))
        .collect();
    let ln_c: f64 = groups[1..]
        .iter()
        .map(|&(b, a)| f64::from(a) * (beta1 / b).ln())
        .sum();
    // u[g] = u_g(k) / exp(ln_u); P(K = k) = exp(ln_c + ln_u) * u[last].
    let mut u = vec![1.0; c.len()];
    let mut ln_u = 0.0;
    let mut seq = GammaSfUp::new(rho, y);
    let mut sum = (ln_c + seq.scale).exp() * seq.q;
    // exp(ln_c + ln_u + seq.scale), refreshed only when a scale changes.
    let (mut fac_key, mut fac) = (f64::NAN, 0.0);
    for k in 1_u64.. {
        let prev_last = u[u.len() - 1];
        let mut below = 0.0;
        for (ug, &cg) in u.iter_mut().zip(&c) {
            *ug = below + cg * *ug;
            below = *ug;
        }
        let last = u[u.len() - 1];
        seq.advance();
        let key = ln_u + seq.scale;
        if key != fac_key {
            (fac_key, fac) = (key, (ln_c + key).exp());
        }
        sum += fac * last * seq.q;
        // Stopping test (logs: the factors may underflow), every 8 terms.
        let r = last / prev_last;
        if k % 8 == 0 && r < 1.0 {
            let ln_rest = ln_c + ln_u + (last * r / (1.0 - r)).ln();
            if ln_rest < sum.ln().max(-745.0) + LN_TINY {
                break;
            }
        }
        if last > 1e100 {
            ln_u += last.ln();
            let s = 1.0 / last;
            u.iter_mut().for_each(|v| *v *= s);
        }
    }
    sum.min(1.0)
}

/// Classic closed form for pairwise distinct means (sorted ascending).
fn distinct_means_sf(means: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for (i, &mi) in means.iter().enumerate() {
        let mut a = 1.0;
        for (j, &mj) in means.iter().enumerate() {
            if i != j {
                a *= mi / (mi - mj);
            }
        }
        s += a * (-x / mi).exp();
    }
    s.clamp(0.0, 1.0)
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values keep all their digits
mod tests {
    use super::*;
    use crate::special::rel_err as rel;

    #[test]
    fn single_mean_is_exponential() {
        for (m, x) in [(1.0, 3.0), (7.5, 100.0), (1e3, 1e3)] {
            assert!(rel(sum_exp_sf(&[m], x), (-x / m).exp()) < 1e-14);
        }
        assert_eq!(sum_exp_sf(&[2.0, 3.0], 0.0), 1.0);
    }

    #[test]
    fn equal_means_are_gamma() {
        // 11 identical means: Gamma(11, mean); 2.5 * 31.170494... gives Pfa 1e-5
        // (threshold from mpmath, see gamma.rs).
        let got = sum_exp_sf(&[2.5; 11], 2.5 * 31.170_494_047_141_793);
        assert!(rel(got, 1e-5) < 1e-12, "{got}");
        assert_eq!(sum_exp_sf(&[1.0; 4], 9.0), gamma_sf_int(4, 9.0));
    }

    #[test]
    fn two_distinct_means_closed_form() {
        // Exact: (m1 e^{-x/m1} - m2 e^{-x/m2}) / (m1 - m2).
        for (m1, m2, x) in [
            (1.0_f64, 2.0, 3.0),
            (1.0, 10.0, 50.0),
            (3.0, 1e4, 2e4),
            (1.0, 1.5, 40.0),
        ] {
            let want = (m1 * (-x / m1).exp() - m2 * (-x / m2).exp()) / (m1 - m2);
            let got = sum_exp_sf(&[m2, m1], x);
            assert!(rel(got, want) < 1e-12, "{m1} {m2} {x}: {got} vs {want}");
        }
    }

    #[test]
    fn nearly_equal_means() {
        // (1, 1+d) differs from Gamma(2,1) by ~d*x/2 relative; 1+1e-13 is merged into
        // a Gamma(2, 1+5e-14) term.
        for x in [0.5_f64, 5.0, 30.0] {
            let g = gamma_sf_int(2, x);
            assert!(rel(sum_exp_sf(&[1.0, 1.0 + 1e-9], x), g) < 1e-9 * x.max(1.0));
            assert!(rel(sum_exp_sf(&[1.0, 1.0 + 1e-13], x), g) < 1e-13 * x.max(1.0));
        }
    }

    #[test]
    fn mixed_multiplicities_against_mpmath() {
        // References (mpmath, 150 digits): the distinct-means formula with repeated means
        // split by 1e-30, which converges to the repeated-means law. The first case was
        // also checked against the paper's delta recurrence run in mpmath (same 24 digits).
        let m3: &[f64] = &[1.0, 1.0, 11.0, 21.0, 101.0, 101.0, 1001.0];
        let cases: [(&[f64], f64, f64); 5] = [
            (
                &[1.0, 1.0, 1.0, 5.0, 5.0, 20.0],
                30.0,
                0.450_425_412_672_593_848_9,
            ),
            (&[1.0, 2.0, 3.0, 4.0], 60.0, 3.235_132_885_754_806_632e-6),
            (m3, 5000.0, 0.008_668_721_873_257_379_312),
            (m3, 30.0, 0.999_968_908_127_012_422_7),
            (&[1.0, 1.0 + 1e-9], 5.0, 0.040_427_682_078_737_140_12),
        ];
        for (means, x, want) in cases {
            let got = sum_exp_sf(means, x);
            assert!(rel(got, want) < 1e-12, "{means:?} {x}: {got} vs {want}");
        }
    }

    #[test]
    fn wide_spread_matches_closed_form() {
        // Distinct, well separated means (ratio 1e4): series vs the classic formula.
        let means = [1.0, 30.0, 900.0, 1e4];
        for x in [10.0, 1e3, 1e5] {
            let want = distinct_means_sf(&means, x);
            assert!(rel(sum_exp_sf(&means, x), want) < 1e-10, "x={x}");
        }
    }
}
