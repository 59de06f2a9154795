//! A fixed-size log-linear histogram of non-negative integers (latencies in
//! picoseconds): streaming quantiles with a bounded relative error.

use serde::{Deserialize, Serialize};

/// Linear sub-buckets per power of two: quantiles within 1/32 (3.1%).
const SUB: u64 = 32;
/// Buckets: values below `SUB` exactly, then `SUB` per power of two up to 2^64.
const BUCKETS: usize = (SUB as usize) * (64 - 5 + 1);

/// Counts of values in log-linear buckets: values below 32 are exact; above,
/// each power of two `[2^e, 2^(e+1))` is split into 32 equal buckets. Merging
/// adds counts, so merged quantiles do not depend on merge order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

fn bucket(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let e = 63 - u64::from(v.leading_zeros()); // 2^e <= v, e >= 5
    let sub = (v >> (e - 5)) - SUB; // 0..32
    (SUB + (e - 5) * SUB + sub) as usize
}

/// `[low, high)` of bucket `i`.
fn range(i: usize) -> (u64, u64) {
    let i = i as u64;
    if i < SUB {
        return (i, i + 1);
    }
    let e = (i - SUB) / SUB + 5;
    let sub = (i - SUB) % SUB;
    let width = 1u64 << (e - 5);
    let low = (1u64 << e) + sub * width;
    (low, low.saturating_add(width))
}

impl Histogram {
    /// Counts one value.
    pub fn add(&mut self, v: u64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        self.counts[bucket(v)] += 1;
        self.total += 1;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, o: &Histogram) {
        if o.total == 0 {
            return;
        }
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.total += o.total;
    }

    /// Values counted.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The q-quantile (the value of rank `ceil(q n)`), as the midpoint of its
    /// bucket: within 1.6% of the exact order statistic. `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (lo, hi) = range(i);
                return Some(if hi - lo == 1 {
                    lo as f64
                } else {
                    0.5 * (lo as f64 + hi as f64)
                });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_tile_the_integers() {
        let mut next = 0u64;
        for i in 0..BUCKETS {
            let (lo, hi) = range(i);
            assert_eq!(lo, next, "bucket {i}");
            assert!(hi > lo);
            for v in [lo, hi - 1] {
                assert_eq!(bucket(v), i, "value {v}");
            }
            next = hi;
            if hi == u64::MAX {
                break;
            }
        }
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles_are_within_the_bucket_resolution() {
        let mut h = Histogram::default();
        let mut values: Vec<u64> = (0..10_000u64)
            .map(|i| 1000 + (i * 7919) % 5_000_000)
            .collect();
        for &v in &values {
            h.add(v);
        }
        values.sort();
        for q in [0.5, 0.9, 0.99, 1.0] {
            let exact = values[((q * 10_000.0) as usize).clamp(1, 10_000) - 1] as f64;
            let got = h.quantile(q).unwrap();
            assert!(
                (got / exact - 1.0).abs() < 1.0 / 32.0,
                "{q}: {got} vs {exact}"
            );
        }
        let mut a = Histogram::default();
        let mut b = Histogram::default();
        for (i, &v) in values.iter().enumerate() {
            if i % 3 == 0 { a.add(v) } else { b.add(v) }
        }
        a.merge(&b);
        assert_eq!(a.quantile(0.99), h.quantile(0.99));
        assert_eq!(Histogram::default().quantile(0.5), None);
        let mut small = Histogram::default();
        small.add(7);
        assert_eq!(small.quantile(0.99), Some(7.0));
    }
}
