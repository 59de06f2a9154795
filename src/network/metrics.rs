//! What a run measures, streamed: detection and (importance-weighted)
//! false-alarm sums per false-alarm level, per-drop sums for the interval
//! over random drops, a latency histogram, link load, late, lost and dropped
//! messages. No per-frame record is kept, so memory does not grow with the
//! number of frames.

use crate::sim::LinkStats;
use crate::stats::{ClusterSums, Histogram, Interval, WeightedSums, wilson};
use serde::{Deserialize, Serialize};

/// One decided frame, for tests and diagnostics (kept only on request:
/// `PointSpec::record_frames`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameRecord {
    /// Drop index.
    pub drop: u64,
    /// Frame index.
    pub frame: u64,
    /// Whether a target was present.
    pub target: bool,
    /// Whether the CC declared one (design level).
    pub declared: bool,
    /// The fused statistic.
    pub statistic: f64,
    /// Its threshold.
    pub threshold: f64,
    /// Decision time minus the frame's end (s).
    pub latency_s: f64,
    /// Sample batches fused.
    pub samples: u32,
    /// Soft reports fused.
    pub soft: u32,
    /// One-bit reports fused.
    pub bits: u32,
    /// Expected reports missing at the decision.
    pub missing: u32,
    /// The importance weight of a target-free frame at each level (1 when
    /// not importance-sampled).
    pub weights: Vec<f64>,
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

    fn merge(&mut self, o: &LinkReport) {
        let s = &mut self.stats;
        let t = &o.stats;
        s.offered += t.offered;
        s.offered_bytes += t.offered_bytes;
        s.delivered += t.delivered;
        s.delivered_bytes += t.delivered_bytes;
        s.lost += t.lost;
        s.dropped += t.dropped;
        s.busy_ps += t.busy_ps;
        s.peak_queue_bytes = s.peak_queue_bytes.max(t.peak_queue_bytes);
        self.span_ps += o.span_ps;
    }
}

/// Detection and false alarms at one fused false-alarm level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LevelMetrics {
    /// The fused false-alarm design of the level.
    pub pfa_design: f64,
    /// Target frames.
    pub target_frames: u64,
    /// Of those, declared.
    pub detected: u64,
    /// Target-free frames, each with its importance weight (1 when direct).
    pub false_alarms: WeightedSums,
}

impl LevelMetrics {
    fn merge(&mut self, o: &LevelMetrics) {
        self.pfa_design = o.pfa_design;
        self.target_frames += o.target_frames;
        self.detected += o.detected;
        self.false_alarms.merge(&o.false_alarms);
    }
}

/// What the CC fused, summed over decided frames.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct FusedCounts {
    /// Sample batches.
    pub samples: u64,
    /// Soft reports.
    pub soft: u64,
    /// Bits.
    pub bits: u64,
    /// Expected reports missing at the decision.
    pub missing: u64,
}

/// Everything measured in a run (one or many drops).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMetrics {
    /// Drops run.
    pub drops: u64,
    /// Drops whose SINR targets could not be met (no frames run).
    pub infeasible_drops: u64,
    /// Decided frames.
    pub frames: u64,
    /// Per false-alarm level: the design level first, then the ROC's.
    pub levels: Vec<LevelMetrics>,
    /// Per-drop detections at the design level, for the interval over drops.
    pub pd_drops: ClusterSums,
    /// Decision latencies (ps after the frame's end).
    pub latency: Histogram,
    /// Sum of the decision latencies (s).
    pub latency_sum_s: f64,
    /// What the CC fused.
    pub fused: FusedCounts,
    /// Reports the nodes offered to their uplinks.
    pub reports: u64,
    /// Messages sent on any link (reports and the CC's symbol blocks), each
    /// once however many packets and attempts it took (the link counters
    /// count packets).
    pub messages: u64,
    /// Reports that reached the CC (on time or late).
    pub reports_delivered: u64,
    /// Sum over delivered reports of their time from sending to arrival at
    /// the CC (s): queueing, serialization, retransmissions, latency.
    pub report_delay_sum_s: f64,
    /// Reports that reached the CC after their frame was decided.
    pub late: u64,
    /// Messages lost on links (a lost packet under datagram transport, or a
    /// crashed sender).
    pub lost: u64,
    /// Messages refused by full buffers.
    pub dropped: u64,
    /// Reports a node did not send because they could not make the deadline
    /// (`stale = "skip"`).
    pub stale_skipped: u64,
    /// Messages discarded at a hop once stale (`stale = "skip"`).
    pub stale_discarded: u64,
    /// Packets sent again by reliable transport.
    pub retransmissions: u64,
    /// Uplink of node r at index r (counters per packet).
    pub uplinks: Vec<LinkReport>,
    /// Downlink to node r at index r.
    pub downlinks: Vec<LinkReport>,
    /// Shared aggregation segments, in file order.
    pub segments: Vec<LinkReport>,
    /// Decided frames by the number of reports fused (index = count).
    pub fused_nodes: Vec<u64>,
    /// Sum over target frames of the exact Pd of the reports that arrived.
    pub pd_arrived_sum: f64,
    /// Sum over target-free frames of the exact fused Pfa of what arrived.
    pub pfa_arrived_sum: f64,
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
    pub fn merge(&mut self, o: &RunMetrics) {
        self.drops += o.drops;
        self.infeasible_drops += o.infeasible_drops;
        self.frames += o.frames;
        if self.levels.len() < o.levels.len() {
            self.levels.resize(o.levels.len(), LevelMetrics::default());
        }
        for (m, t) in self.levels.iter_mut().zip(&o.levels) {
            m.merge(t);
        }
        self.pd_drops.merge(&o.pd_drops);
        self.latency.merge(&o.latency);
        self.latency_sum_s += o.latency_sum_s;
        let (f, g) = (&mut self.fused, &o.fused);
        f.samples += g.samples;
        f.soft += g.soft;
        f.bits += g.bits;
        f.missing += g.missing;
        self.reports += o.reports;
        self.messages += o.messages;
        self.reports_delivered += o.reports_delivered;
        self.report_delay_sum_s += o.report_delay_sum_s;
        self.late += o.late;
        self.lost += o.lost;
        self.dropped += o.dropped;
        self.stale_skipped += o.stale_skipped;
        self.stale_discarded += o.stale_discarded;
        self.retransmissions += o.retransmissions;
        self.pd_arrived_sum += o.pd_arrived_sum;
        self.pfa_arrived_sum += o.pfa_arrived_sum;
        if self.fused_nodes.len() < o.fused_nodes.len() {
            self.fused_nodes.resize(o.fused_nodes.len(), 0);
        }
        for (a, b) in self.fused_nodes.iter_mut().zip(&o.fused_nodes) {
            *a += b;
        }
        self.pd_paper_sum += o.pd_paper_sum;
        self.pd_exact_sum += o.pd_exact_sum;
        self.pd_corrected_sum += o.pd_corrected_sum;
        for (mine, theirs) in [
            (&mut self.uplinks, &o.uplinks),
            (&mut self.downlinks, &o.downlinks),
            (&mut self.segments, &o.segments),
        ] {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), LinkReport::default());
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.merge(t);
            }
        }
    }

    /// The design level.
    pub fn design(&self) -> LevelMetrics {
        self.levels.first().copied().unwrap_or_default()
    }

    /// (detections, target frames) at the design level.
    pub fn detections(&self) -> (u64, u64) {
        let d = self.design();
        (d.detected, d.target_frames)
    }

    /// (false alarms, target-free frames) at the design level, unweighted.
    pub fn false_alarms(&self) -> (u64, u64) {
        let d = self.design();
        (d.false_alarms.hits, d.false_alarms.n)
    }

    /// Empirical Pd at the design level with its 95% Wilson interval.
    pub fn pd(&self) -> (f64, Interval) {
        let (k, n) = self.detections();
        (k as f64 / n.max(1) as f64, wilson(k, n, 0.95))
    }

    /// Pfa at the design level (importance-weighted when sampled so) with its
    /// 95% interval.
    pub fn pfa(&self) -> (f64, Interval) {
        let fa = self.design().false_alarms;
        (
            fa.estimate(),
            fa.interval(0.95, 1.0 / crate::network::importance::PI0),
        )
    }

    /// Mean and 99th-percentile decision latency (s); NaN without frames.
    pub fn latency(&self) -> (f64, f64) {
        let n = self.latency.len();
        if n == 0 {
            return (f64::NAN, f64::NAN);
        }
        let p99 = self.latency.quantile(0.99).unwrap_or(f64::NAN) * 1e-12;
        (self.latency_sum_s / n as f64, p99)
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

    /// Every node link, uplinks first (segments apart: [`RunMetrics::segments`]).
    pub fn links(&self) -> impl Iterator<Item = &LinkReport> {
        self.uplinks.iter().chain(&self.downlinks)
    }

    /// Mean exact Pd of the reports that actually arrived, over target
    /// frames (NaN without any).
    pub fn pd_analytic_arrived(&self) -> f64 {
        let n = self.design().target_frames;
        if n == 0 {
            f64::NAN
        } else {
            self.pd_arrived_sum / n as f64
        }
    }

    /// Mean exact fused Pfa of the reports that actually arrived, over
    /// target-free frames, with every local detector at its designed level
    /// (NaN without any). The weighted `pfa` estimate must match it.
    pub fn pfa_analytic_arrived(&self) -> f64 {
        let n = self.design().false_alarms.n;
        if n == 0 {
            f64::NAN
        } else {
            self.pfa_arrived_sum / n as f64
        }
    }

    /// Mean time from sending a report to its arrival at the CC (s).
    pub fn report_delay(&self) -> f64 {
        self.report_delay_sum_s / self.reports_delivered as f64
    }

    /// Mean number of reports fused per decided frame.
    pub fn fused_nodes_mean(&self) -> f64 {
        let n: u64 = self.fused_nodes.iter().sum();
        let s: u64 = (self.fused_nodes.iter().enumerate())
            .map(|(i, &c)| i as u64 * c)
            .sum();
        if n == 0 {
            f64::NAN
        } else {
            s as f64 / n as f64
        }
    }

    /// Offers to any link: packets, so one per message only without an MTU
    /// or retransmissions ([`RunMetrics::messages`] counts messages).
    pub fn offered_messages(&self) -> u64 {
        self.links().map(|l| l.stats.offered).sum()
    }

    /// Backhaul bytes offered per decided frame, all links.
    pub fn bytes_per_frame(&self) -> f64 {
        let b: u64 = self.links().map(|l| l.stats.offered_bytes).sum();
        b as f64 / self.frames.max(1) as f64
    }
}
