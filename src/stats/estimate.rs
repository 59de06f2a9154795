//! Streaming sums behind two intervals: importance-weighted rates, and rates
//! whose uncertainty includes the variation between random drops.

use super::Interval;
use serde::{Deserialize, Serialize};

/// Sums of an importance-weighted indicator over frames: the estimator
/// `p = sum(w 1{D}) / n` and its sample variance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct WeightedSums {
    /// Frames.
    pub n: u64,
    /// Frames where the event happened (unweighted).
    pub hits: u64,
    /// `sum w 1{D}`.
    pub sum: f64,
    /// `sum (w 1{D})^2`.
    pub sum_sq: f64,
    /// `sum w` over every frame (its mean is 1 under a correct law: a check).
    pub weights: f64,
    /// Largest `w 1{D}`.
    pub max: f64,
}

impl WeightedSums {
    /// Adds one frame with weight `w`; `hit` is whether the event happened.
    pub fn add(&mut self, w: f64, hit: bool) {
        self.n += 1;
        self.weights += w;
        if hit {
            self.hits += 1;
            self.sum += w;
            self.sum_sq += w * w;
            self.max = self.max.max(w);
        }
    }

    /// Adds another set of sums (merge in a fixed order for determinism).
    pub fn merge(&mut self, o: &WeightedSums) {
        self.n += o.n;
        self.hits += o.hits;
        self.sum += o.sum;
        self.sum_sq += o.sum_sq;
        self.weights += o.weights;
        self.max = self.max.max(o.max);
    }

    /// The estimate `sum(w 1{D}) / n` (NaN without frames).
    pub fn estimate(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum / self.n as f64
        }
    }

    /// Standard error of the estimate.
    pub fn std_error(&self) -> f64 {
        let n = self.n as f64;
        let p = self.estimate();
        ((self.sum_sq / n - p * p).max(0.0) / n).sqrt()
    }

    /// Relative standard error (NaN when the estimate is 0).
    pub fn rel_error(&self) -> f64 {
        let p = self.estimate();
        if p > 0.0 {
            self.std_error() / p
        } else {
            f64::NAN
        }
    }

    /// The normal-approximation interval `p +- z se` at `confidence`, clipped
    /// to [0, 1]. Without a hit the upper end is the bound `max_w 3 / n`-style
    /// rule: with every weight at most `w_max`, `p <= w_max P_q(D)` and
    /// `P_q(D) <= -ln(1 - confidence) / n` at that confidence.
    pub fn interval(&self, confidence: f64, w_max: f64) -> Interval {
        if self.n == 0 {
            return Interval {
                low: 0.0,
                high: 1.0,
            };
        }
        if self.hits == 0 {
            let high = (w_max * -(1.0 - confidence).ln() / self.n as f64).min(1.0);
            return Interval { low: 0.0, high };
        }
        let z = super::z_two_sided(confidence);
        let (p, se) = (self.estimate(), self.std_error());
        Interval {
            low: (p - z * se).max(0.0),
            high: (p + z * se).min(1.0),
        }
    }
}

/// Per-drop sums for the interval of a rate's mean over random drops (the
/// paper's quantity): each drop d contributes `k_d` events in `n_d` frames.
/// The estimate is the pooled `p = sum k / sum n`; its cluster (ratio
/// estimator) variance is `sum (k_d - p n_d)^2 / (nbar^2 D (D - 1))`, which
/// contains both the frame noise within drops and the spread between them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterSums {
    /// Drops with at least one frame.
    pub drops: u64,
    /// `sum k_d`.
    pub k: f64,
    /// `sum n_d`.
    pub n: f64,
    /// `sum k_d^2`.
    pub kk: f64,
    /// `sum n_d^2`.
    pub nn: f64,
    /// `sum k_d n_d`.
    pub kn: f64,
}

impl ClusterSums {
    /// Adds one drop's count (drops without frames are skipped).
    pub fn add(&mut self, k: u64, n: u64) {
        if n == 0 {
            return;
        }
        let (k, n) = (k as f64, n as f64);
        self.drops += 1;
        self.k += k;
        self.n += n;
        self.kk += k * k;
        self.nn += n * n;
        self.kn += k * n;
    }

    /// Adds another set of sums.
    pub fn merge(&mut self, o: &ClusterSums) {
        self.drops += o.drops;
        self.k += o.k;
        self.n += o.n;
        self.kk += o.kk;
        self.nn += o.nn;
        self.kn += o.kn;
    }

    /// `p +- z se` at `confidence`, clipped to [0, 1]; NaN ends with fewer
    /// than two drops (no spread to measure).
    pub fn interval(&self, confidence: f64) -> Interval {
        let d = self.drops as f64;
        if self.drops < 2 || self.n == 0.0 {
            return Interval {
                low: f64::NAN,
                high: f64::NAN,
            };
        }
        let p = self.k / self.n;
        let nbar = self.n / d;
        let ss = (self.kk - 2.0 * p * self.kn + p * p * self.nn).max(0.0);
        let se = (ss / (nbar * nbar * d * (d - 1.0))).sqrt();
        let z = super::z_two_sided(confidence);
        Interval {
            low: (p - z * se).max(0.0),
            high: (p + z * se).min(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_weights_give_the_plain_rate_and_its_normal_interval() {
        let mut w = WeightedSums::default();
        for i in 0..1000 {
            w.add(1.0, i % 10 == 0);
        }
        assert_eq!(w.estimate(), 0.1);
        let se = (0.1f64 * 0.9 / 1000.0).sqrt();
        assert!((w.std_error() - se).abs() < 1e-12);
        let i = w.interval(0.95, 1.0);
        assert!((i.high - 0.1 - 1.959964 * se).abs() < 1e-6);
        let mut none = WeightedSums::default();
        none.add(2.0, false);
        let i = none.interval(0.95, 10.0);
        assert_eq!(i.low, 0.0);
        assert!((i.high - 10.0 * 20f64.ln()).abs() < 1e-9 || i.high == 1.0);
    }

    #[test]
    fn cluster_interval_matches_the_ratio_estimator_by_hand() {
        let drops = [(3u64, 10u64), (7, 10), (5, 10), (9, 10)];
        let mut c = ClusterSums::default();
        for (k, n) in drops {
            c.add(k, n);
        }
        c.add(0, 0); // skipped
        let p = 24.0 / 40.0;
        let ss: f64 = drops
            .iter()
            .map(|&(k, n)| (k as f64 - p * n as f64).powi(2))
            .sum();
        let se = (ss / (100.0 * 4.0 * 3.0)).sqrt();
        let i = c.interval(0.95);
        assert!((i.low - (p - 1.959964 * se)).abs() < 1e-6);
        assert!((i.high - (p + 1.959964 * se)).abs() < 1e-6);
        let mut one = ClusterSums::default();
        one.add(5, 10);
        assert!(one.interval(0.95).low.is_nan());
    }
}
