//! Soft fusion of local statistics: the LLR-weighted sum and its exact threshold.

use crate::special::sum_exp_sf;

/// `sum_r w_r T_r` with `w_r = s_r / (1 + s_r)`: the log-likelihood ratio of
/// independent Swerling-I local statistics (`T_r ~ Exp(1)` vs `Exp(1 + s_r)`),
/// up to a constant. Under H0 the sum is a sum of exponentials with means
/// `w_r`, which sets the threshold exactly. With equal SNRs it is the plain
/// sum, i.e. the centralized GLRT (Gamma(n, 1) law).
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedSum {
    /// Weight of each statistic.
    pub weights: Vec<f64>,
    /// Decide H1 when the weighted sum exceeds this.
    pub threshold: f64,
}

impl WeightedSum {
    /// Weights from per-node SNRs and the threshold for false-alarm rate `pfa`.
    pub fn new(snr: &[f64], pfa: f64) -> Self {
        let weights: Vec<f64> = snr.iter().map(|&s| (s / (1.0 + s)).max(1e-12)).collect();
        let threshold = inverse_sf(&weights, pfa);
        WeightedSum { weights, threshold }
    }

    /// The weighted sum of `stats` (same order as the weights).
    pub fn statistic(&self, stats: &[f64]) -> f64 {
        stats.iter().zip(&self.weights).map(|(t, w)| t * w).sum()
    }
}

/// The `t` with `sum_exp_sf(means, t) = p`, by bracketing and bisection.
fn inverse_sf(means: &[f64], p: f64) -> f64 {
    let total: f64 = means.iter().sum();
    let (mut lo, mut hi) = (0.0, total.max(1e-300));
    while sum_exp_sf(means, hi) > p {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if sum_exp_sf(means, mid) > p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-13 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}
