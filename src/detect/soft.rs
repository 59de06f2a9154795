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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::special::gamma_isf_int;
    use rand::RngExt;

    #[test]
    fn threshold_meets_the_false_alarm_rate_exactly() {
        let w = WeightedSum::new(&[1.0, 4.0, 20.0], 1e-3);
        assert!((sum_exp_sf(&w.weights, w.threshold) / 1e-3 - 1.0).abs() < 1e-9);
        // Equal SNRs: the weighted sum is a scaled Gamma(n, 1).
        let e = WeightedSum::new(&[3.0; 5], 1e-4);
        let scale = 3.0 / 4.0;
        assert!((e.threshold / scale - gamma_isf_int(5, 1e-4)).abs() < 1e-8);
    }

    #[test]
    fn monte_carlo_false_alarm_rate_is_in_range() {
        // 2e5 H0 draws of Exp(1) statistics; 99.9% acceptance range.
        let w = WeightedSum::new(&[0.5, 2.0, 8.0, 30.0], 1e-2);
        let mut rng = crate::rng::stream(4, &[crate::rng::STREAM_TEST]);
        let trials = 200_000u64;
        let hits = (0..trials)
            .filter(|_| {
                let t: Vec<f64> = (0..4).map(|_| -(1.0 - rng.random::<f64>()).ln()).collect();
                w.statistic(&t) > w.threshold
            })
            .count() as u64;
        let (lo, hi) = crate::stats::binomial_acceptance(trials, 1e-2, 0.999);
        assert!((lo..=hi).contains(&hits), "{hits} not in [{lo}, {hi}]");
    }
}
