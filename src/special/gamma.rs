//! Upper tail and its inverse for Gamma(n, 1) with integer shape n.
//!
//! The Poisson probabilities are evaluated with Loader's saddle-point form
//! (C. Loader, "Fast and accurate computation of binomial probabilities", 2000):
//! `pois(k; x) = exp(-stirlerr(k) - bd0(k, x)) / sqrt(2 pi k)`, which keeps full relative
//! precision for large `k` and `x`. Tails are summed outward from the largest term using
//! term ratios, so every summand is positive and nothing cancels.

use std::f64::consts::PI;

/// Relative size below which remaining terms are dropped (well below f64 epsilon).
const TINY: f64 = 1e-17;

/// `ln(n!) - [(n + 1/2) ln n - n + ln sqrt(2 pi)]`, the Stirling-series remainder.
pub(crate) fn stirlerr(n: f64) -> f64 {
    if n <= 15.0 {
        // Small n (integers in all callers): exact factorial, absolute error ~1e-15.
        let mut f = 1.0_f64;
        let mut k = 2.0;
        while k <= n {
            f *= k;
            k += 1.0;
        }
        return f.ln() - (n + 0.5) * n.ln() + n - 0.5 * (2.0 * PI).ln();
    }
    const S: [f64; 5] = [1. / 12., 1. / 360., 1. / 1260., 1. / 1680., 1. / 1188.];
    let nn = 1.0 / (n * n);
    (S[0] - nn * (S[1] - nn * (S[2] - nn * (S[3] - nn * S[4])))) / n
}

/// Deviance term `k ln(k / np) + np - k`, evaluated without cancellation near `k = np`.
pub(crate) fn bd0(k: f64, np: f64) -> f64 {
    if (k - np).abs() < 0.1 * (k + np) {
        let mut v = (k - np) / (k + np);
        let mut s = (k - np) * v;
        let mut ej = 2.0 * k * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / (2 * j + 1) as f64;
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        return s;
    }
    k * (k / np).ln() + np - k
}

/// `ln P(Poisson(x) = k)` with full relative precision of the probability.
pub(crate) fn ln_dpois(k: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return if k == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if k == 0.0 {
        return -x;
    }
    -stirlerr(k) - bd0(k, x) - 0.5 * (2.0 * PI * k).ln()
}

/// `Q(n, x) = P(Gamma(n,1) > x)` as `(ln_lead, s)` with `Q = exp(ln_lead) * s`, `s >= 1`.
/// The lead term is the largest Poisson term `pois(k*; x)`, `k* = min(floor x, n-1)`.
fn gamma_sf_scaled(n: u32, x: f64) -> (f64, f64) {
    debug_assert!(n >= 1);
    let x = x.max(0.0);
    let kstar = x.floor().min(f64::from(n - 1));
    let ln_lead = ln_dpois(kstar, x);
    let mut s = 1.0;
    // Downward: ratio pois(k-1)/pois(k) = k / x <= 1.
    let mut t = 1.0;
    let mut k = kstar;
    while k >= 1.0 {
        let r = k / x;
        t *= r;
        s += t;
        if t <= TINY * s * (1.0 - r) {
            break;
        }
        k -= 1.0;
    }
    // Upward up to n-1: ratio x / (k+1) < 1 past the mode.
    let mut t = 1.0;
    let mut k = kstar + 1.0;
    while k <= f64::from(n - 1) {
        let r = x / k;
        t *= r;
        s += t;
        if t <= TINY * s * (1.0 - r) {
            break;
        }
        k += 1.0;
    }
    (ln_lead, s)
}

/// `Q(n, y) = P(Gamma(n,1) > y)` for `n = n0, n0+1, ...` by the upward recurrence
/// `Q(n+1) = Q(n) + pois(n; y)`, which only adds positive terms and is therefore stable.
/// Values are kept as `exp(scale) * q` so that they never underflow; the Poisson term is
/// propagated by its ratio `y / (n+1)` and re-anchored exactly every 32 steps.
pub(crate) struct GammaSfUp {
    y: f64,
    n: f64,
    /// Log scale shared by `q` and `p`.
    pub scale: f64,
    /// `Q(n, y) / exp(scale)`.
    pub q: f64,
    /// `pois(n; y) / exp(scale)`.
    p: f64,
    steps: u32,
}

impl GammaSfUp {
    pub fn new(n0: u32, y: f64) -> Self {
        let y = y.max(0.0);
        let (scale, q) = gamma_sf_scaled(n0, y);
        let n = f64::from(n0);
        let p = (ln_dpois(n, y) - scale).exp();
        Self {
            y,
            n,
            scale,
            q,
            p,
            steps: 0,
        }
    }

    /// Move from `Q(n, y)` to `Q(n+1, y)`.
    pub fn advance(&mut self) {
        self.q += self.p;
        self.n += 1.0;
        self.steps += 1;
        if self.q > 1e100 {
            let l = self.q.ln();
            self.scale += l;
            self.q = 1.0;
            self.p *= (-l).exp();
        }
        self.p = if self.steps.is_multiple_of(32) {
            (ln_dpois(self.n, self.y) - self.scale).exp()
        } else {
            self.p * self.y / self.n
        };
    }
}

/// `P(Gamma(n, 1) > x)` for integer `n >= 1`, i.e. the Poisson CDF
/// `exp(-x) sum_{k<n} x^k / k!`. Accurate in the far tail (relative error, not absolute).
///
/// Sums the Poisson terms outward from the largest one (saddle-point lead term, ratio
/// recurrences), `O(n)` work at most; relative error ~1e-14 up to `n ~ 1e3`.
pub fn gamma_sf_int(n: u32, x: f64) -> f64 {
    assert!(n >= 1, "gamma_sf_int: shape must be >= 1");
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let (l, s) = gamma_sf_scaled(n, x);
    (l.exp() * s).min(1.0)
}

/// `ln P(Gamma(n, 1) > x)`, finite even where the probability underflows.
pub fn ln_gamma_sf_int(n: u32, x: f64) -> f64 {
    assert!(n >= 1, "ln_gamma_sf_int: shape must be >= 1");
    if x <= 0.0 {
        return 0.0;
    }
    let (l, s) = gamma_sf_scaled(n, x);
    (l + s.ln()).min(0.0)
}

/// The `t` with `gamma_sf_int(n, t) == p`, for `p` in (0, 1).
///
/// Solves `ln Q(n, t) = ln p` by Newton's method (derivative `-pdf(t) / Q(n, t)`, the
/// Gamma(n,1) pdf being `pois(n-1; t)`) safeguarded by a bisection bracket, so it works
/// for `p` down to ~1e-300. Relative accuracy in `t` ~1e-14.
pub fn gamma_isf_int(n: u32, p: f64) -> f64 {
    assert!(n >= 1, "gamma_isf_int: shape must be >= 1");
    assert!(
        p > 0.0 && p < 1.0,
        "gamma_isf_int: p must lie in (0, 1), got {p}"
    );
    let lp = p.ln();
    let nf = f64::from(n);
    // f(t) = ln Q(n, t) - ln p is decreasing, f(0) = -ln p > 0.
    let f = |t: f64| ln_gamma_sf_int(n, t) - lp;
    let (mut lo, mut hi) = (0.0_f64, nf - lp + 1.0);
    while f(hi) > 0.0 {
        lo = hi;
        hi *= 2.0;
    }
    // Start near the tail asymptote t ~ -ln p + (n-1) ln t, clipped into the bracket.
    let mut t = (nf - 1.0 - lp).clamp(lo, hi);
    for _ in 0..200 {
        let lq = ln_gamma_sf_int(n, t);
        let ft = lq - lp;
        if ft == 0.0 {
            return t;
        }
        if ft > 0.0 {
            lo = t;
        } else {
            hi = t;
        }
        // d/dt ln Q = -pdf / Q = -exp(ln pois(n-1; t) - ln Q).
        let dlq = -(ln_dpois(nf - 1.0, t) - lq).exp();
        let mut next = t - ft / dlq;
        if !(next > lo && next < hi && next.is_finite()) {
            next = 0.5 * (lo + hi);
        }
        let done = (next - t).abs() <= 1e-15 * next.abs().max(1e-300) || hi - lo <= 1e-15 * hi;
        t = next;
        if done {
            break;
        }
    }
    t
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values keep all their digits
mod tests {
    use super::*;
    use crate::special::rel_err as rel;
    use statrs::distribution::{ContinuousCDF, Gamma};

    #[test]
    fn sf_edge_cases() {
        assert_eq!(gamma_sf_int(1, 0.0), 1.0);
        assert_eq!(gamma_sf_int(1000, 0.0), 1.0);
        // n = 1 is Exp(1): exp(-x) exactly.
        for x in [1e-3, 0.7, 5.0, 40.0, 700.0] {
            assert!(rel(gamma_sf_int(1, x), (-x).exp()) < 1e-14, "x={x}");
        }
    }

    #[test]
    fn sf_against_mpmath() {
        // References: mpmath 1.3 gammainc(n, x, inf, regularized=True) at 40 digits.
        let cases = [
            (11, 23.0259, 0.001_947_399_372_374_024_4),
            (1, 50.0, 1.928_749_847_963_917_8e-22),
            (5, 100.0, 1.613_930_533_697_730_5e-37),
            (20, 120.0, 2.388_258_005_681_187_1e-30),
            (100, 300.0, 1.411_021_510_211_152_1e-41),
            (1000, 1200.0, 1.288_160_608_628_143_3e-9),
            (1000, 900.0, 0.999_450_097_734_288_2),
            (1000, 1000.0, 0.495_794_755_819_784_5),
            (3, 0.1, 0.999_845_346_929_735_3),
        ];
        for (n, x, want) in cases {
            let got = gamma_sf_int(n, x);
            assert!(rel(got, want) < 1e-12, "n={n} x={x}: {got} vs {want}");
        }
    }

    #[test]
    fn sf_against_statrs_in_bulk() {
        // statrs' regularized incomplete gamma is accurate (~1e-12 relative) when the
        // value is not tiny, which is where this comparison is made.
        for n in [1_u32, 2, 7, 30, 150] {
            let g = Gamma::new(f64::from(n), 1.0).unwrap();
            for x in [0.3, 2.0, 9.5, 33.0, 160.0] {
                let want = g.sf(x);
                if want > 1e-100 {
                    assert!(rel(gamma_sf_int(n, x), want) < 1e-9, "n={n} x={x}");
                }
            }
        }
    }

    #[test]
    fn isf_against_mpmath() {
        // References: bisection on mpmath gammainc at 40 digits (and -ln 1e-5 for n=1).
        let cases = [
            (1, 1e-5, 11.512_925_464_970_229),
            (11, 1e-5, 31.170_494_047_141_793),
            (21, 1e-5, 46.506_085_381_012_281),
            (5, 1e-12, 39.235_823_281_419_24),
            (100, 0.5, 99.666_864_919_315_49),
            (1000, 1e-30, 1_407.188_640_157_539_1),
            (3, 0.999, 0.190_533_377_568_403_19),
            (50, 1e-200, 632.029_713_280_778_3),
        ];
        for (n, p, want) in cases {
            let got = gamma_isf_int(n, p);
            assert!(rel(got, want) < 1e-12, "n={n} p={p}: {got} vs {want}");
        }
    }

    #[test]
    fn isf_round_trip() {
        for n in [1_u32, 4, 11, 64, 500] {
            for p in [0.9, 0.3, 1e-3, 1e-9, 1e-40] {
                let t = gamma_isf_int(n, p);
                assert!(rel(gamma_sf_int(n, t), p) < 1e-11, "n={n} p={p}");
            }
        }
    }
}
