//! What a run measures: detection and false-alarm counts, decision latency,
//! link load, late, lost and dropped messages.

use crate::sim::LinkStats;
use crate::stats::{Interval, wilson};
use serde::{Deserialize, Serialize};

/// One decided frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FrameRecord {
    /// Drop index.
    pub drop: u64,
    /// Frame index.
    pub frame: u64,
    /// Whether a target was present.
    pub target: bool,
    /// Whether the CC declared one.
    pub declared: bool,
    /// The fused statistic.
    pub statistic: f64,
    /// Its threshold.
    pub threshold: f64,
    /// Decision time minus the frame's end (s).
    pub latency_s: f64,
    /// Sample batches fused.
    pub samples: u32,
    /// Soft reports fused (samples and statistics).
    pub soft: u32,
    /// One-bit reports fused.
    pub bits: u32,
    /// Expected reports missing at the decision.
    pub missing: u32,
}

/// Load on one link over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkReport {
    /// Counters summed over drops.
    pub stats: LinkStats,
    /// Simulated time the link existed, summed over drops (ps).
    pub span_ps: u64,
}

impl LinkReport {
    /// Fraction of time spent serializing.
    pub fn utilization(&self) -> f64 {
        if self.span_ps == 0 {
            0.0
        } else {
            self.stats.busy_ps as f64 / self.span_ps as f64
        }
    }
}

/// Everything measured in a run (one or many drops).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMetrics {
    /// Drops run.
    pub drops: u64,
    /// Drops whose SINR targets could not be met (no frames run).
    pub infeasible_drops: u64,
    /// Every decided frame, in drop and decision order.
    pub frames: Vec<FrameRecord>,
    /// Reports that reached the CC after their frame was decided.
    pub late: u64,
    /// Messages lost on links.
    pub lost: u64,
    /// Messages refused by full buffers.
    pub dropped: u64,
    /// Uplink of node r at index r.
    pub uplinks: Vec<LinkReport>,
    /// Downlink to node r at index r.
    pub downlinks: Vec<LinkReport>,
    /// Sum over feasible drops of the analytic Pd as printed in the paper.
    pub pd_paper_sum: f64,
    /// Sum over feasible drops of the exact analytic Pd of the CC's fusion.
    pub pd_exact_sum: f64,
    /// Sum over feasible drops of the corrected analytic Pd (eq. 30 without
    /// the `1/(N0 + R N1)` factor; for voting, equal to the printed value).
    pub pd_corrected_sum: f64,
}

impl RunMetrics {
    /// Appends another drop's metrics (merge in drop order for determinism).
    pub fn merge(&mut self, o: RunMetrics) {
        self.drops += o.drops;
        self.infeasible_drops += o.infeasible_drops;
        self.frames.extend(o.frames);
        self.late += o.late;
        self.lost += o.lost;
        self.dropped += o.dropped;
        self.pd_paper_sum += o.pd_paper_sum;
        self.pd_exact_sum += o.pd_exact_sum;
        self.pd_corrected_sum += o.pd_corrected_sum;
        for (mine, theirs) in [
            (&mut self.uplinks, o.uplinks),
            (&mut self.downlinks, o.downlinks),
        ] {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), LinkReport::default());
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                let s = &mut m.stats;
                s.offered += t.stats.offered;
                s.offered_bytes += t.stats.offered_bytes;
                s.delivered += t.stats.delivered;
                s.delivered_bytes += t.stats.delivered_bytes;
                s.lost += t.stats.lost;
                s.dropped += t.stats.dropped;
                s.busy_ps += t.stats.busy_ps;
                s.peak_queue_bytes = s.peak_queue_bytes.max(t.stats.peak_queue_bytes);
                m.span_ps += t.span_ps;
            }
        }
    }

    /// (detections, target frames).
    pub fn detections(&self) -> (u64, u64) {
        let h1 = self.frames.iter().filter(|f| f.target);
        let n = h1.clone().count() as u64;
        (h1.filter(|f| f.declared).count() as u64, n)
    }

    /// (false alarms, target-free frames).
    pub fn false_alarms(&self) -> (u64, u64) {
        let h0 = self.frames.iter().filter(|f| !f.target);
        let n = h0.clone().count() as u64;
        (h0.filter(|f| f.declared).count() as u64, n)
    }

    /// Empirical Pd with its 95% Wilson interval.
    pub fn pd(&self) -> (f64, Interval) {
        let (k, n) = self.detections();
        (k as f64 / n.max(1) as f64, wilson(k, n, 0.95))
    }

    /// Empirical Pfa with its 95% Wilson interval.
    pub fn pfa(&self) -> (f64, Interval) {
        let (k, n) = self.false_alarms();
        (k as f64 / n.max(1) as f64, wilson(k, n, 0.95))
    }

    /// Mean and 99th-percentile decision latency (s).
    pub fn latency(&self) -> (f64, f64) {
        let mut l: Vec<f64> = self.frames.iter().map(|f| f.latency_s).collect();
        if l.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        l.sort_by(f64::total_cmp);
        let mean = l.iter().sum::<f64>() / l.len() as f64;
        let idx = ((0.99 * l.len() as f64).ceil() as usize).clamp(1, l.len()) - 1;
        (mean, l[idx])
    }

    /// Drops whose SINR targets were met.
    pub fn feasible_drops(&self) -> u64 {
        self.drops - self.infeasible_drops
    }

    /// Mean analytic Pd as printed, over feasible drops (NaN if none).
    pub fn pd_analytic_paper(&self) -> f64 {
        self.pd_paper_sum / self.feasible_drops() as f64
    }

    /// Mean corrected analytic Pd, over feasible drops (NaN if none).
    pub fn pd_analytic_corrected(&self) -> f64 {
        self.pd_corrected_sum / self.feasible_drops() as f64
    }

    /// Mean exact analytic Pd, over feasible drops (NaN if none).
    pub fn pd_analytic_exact(&self) -> f64 {
        self.pd_exact_sum / self.feasible_drops() as f64
    }

    /// Every link, uplinks first.
    pub fn links(&self) -> impl Iterator<Item = &LinkReport> {
        self.uplinks.iter().chain(&self.downlinks)
    }

    /// Messages offered to any link.
    pub fn offered_messages(&self) -> u64 {
        self.links().map(|l| l.stats.offered).sum()
    }

    /// Backhaul bytes offered per decided frame, all links.
    pub fn bytes_per_frame(&self) -> f64 {
        let b: u64 = self.links().map(|l| l.stats.offered_bytes).sum();
        b as f64 / self.frames.len().max(1) as f64
    }
}
