//! Confidence intervals for empirical detection and false-alarm rates: over
//! frames (Wilson), over random drops (cluster), for importance-weighted
//! frames, and a fixed-size histogram for streaming quantiles.

mod estimate;
mod histogram;

pub use estimate::{ClusterSums, WeightedSums};
pub use histogram::Histogram;

/// A two-sided interval on a probability.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl Interval {
    /// Whether `x` lies in `[low, high]`.
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// Two-sided standard-normal quantile for `confidence` (0.95 -> 1.95996...).
pub fn z_two_sided(confidence: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().inverse_cdf(0.5 + 0.5 * confidence)
}

/// Wilson score interval for `successes` out of `trials` at `confidence`.
/// At zero successes the lower end is exactly 0, at `trials` the upper end
/// exactly 1 (rounding would otherwise leave them a hair inside).
pub fn wilson(successes: u64, trials: u64, confidence: f64) -> Interval {
    if trials == 0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z = z_two_sided(confidence);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Interval {
        low: if successes == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        high: if successes == trials {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    }
}

/// The acceptance range `[lo, hi]` of counts for `Bin(trials, p)` at
/// `confidence`: each tail outside it has probability at most `(1 - confidence) / 2`.
/// A statistical test asserts that an observed count lies in this range.
pub fn binomial_acceptance(trials: u64, p: f64, confidence: f64) -> (u64, u64) {
    use statrs::distribution::{Binomial, DiscreteCDF};
    let alpha = 0.5 * (1.0 - confidence);
    let b = Binomial::new(p, trials).expect("p in [0, 1]");
    // Smallest lo with P(X < lo) <= alpha, largest hi with P(X > hi) <= alpha.
    let mut lo = b.inverse_cdf(alpha);
    while lo > 0 && b.cdf(lo - 1) > alpha {
        lo -= 1;
    }
    while b.cdf(lo) <= alpha && lo < trials {
        lo += 1;
    }
    let mut hi = b.inverse_cdf(1.0 - alpha);
    while hi < trials && b.sf(hi) > alpha {
        hi += 1;
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_brackets_the_estimate() {
        let i = wilson(50, 1000, 0.95);
        assert!(i.low < 0.05 && 0.05 < i.high);
        assert!((i.low - 0.03813).abs() < 1e-4 && (i.high - 0.06532).abs() < 1e-4);
    }

    #[test]
    fn wilson_ends_are_exact_at_zero_and_all() {
        for n in [1, 7, 2482, 1_000_000] {
            assert_eq!(wilson(0, n, 0.95).low, 0.0);
            assert_eq!(wilson(n, n, 0.95).high, 1.0);
            assert!(wilson(0, n, 0.95).high > 0.0);
            assert!(wilson(n, n, 0.95).low < 1.0);
        }
    }

    #[test]
    fn acceptance_range_has_the_stated_tails() {
        use statrs::distribution::{Binomial, DiscreteCDF};
        let (n, p, c) = (200_000, 1e-3, 0.999);
        let (lo, hi) = binomial_acceptance(n, p, c);
        let b = Binomial::new(p, n).unwrap();
        let alpha = 0.5 * (1.0 - c);
        assert!(lo > 0 && b.cdf(lo - 1) <= alpha && b.cdf(lo) > alpha);
        assert!(b.sf(hi) <= alpha && b.sf(hi - 1) > alpha);
        assert!(lo < 200 && 200 < hi);
    }
}
