//! The central controller: collects each frame's reports and fuses them as
//! soon as every expected report is in, or at the frame's deadline.

use crate::detect::{glrt_term, matched};
use crate::fusion::mixed_threshold;
use crate::linalg::{CMat, CVec};
use crate::network::CcFusion;
use crate::radio::Scene;
use crate::sim::{Message, Payload, SimTime};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A report as the CC holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Report {
    /// A soft term: the CC's own centralized term from samples, or a node's statistic.
    Soft(f64),
    /// A one-bit decision.
    Bit(bool),
}

#[derive(Debug)]
struct CcFrame {
    /// `X conj(u)`: what the direct path contributes per unit `G_r`.
    xu: CVec,
    u: CVec,
    reports: Vec<(usize, Report)>,
    samples: usize,
}

/// The CC's fused decision on one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct CcDecision {
    /// Frame index.
    pub frame: u64,
    /// When the CC decided.
    pub at: SimTime,
    /// Whether it declared a target.
    pub declared: bool,
    /// The fused statistic (GLRT) or the count of positive bits (voting).
    pub statistic: f64,
    /// What the statistic was compared with.
    pub threshold: f64,
    /// Reports that were sample batches.
    pub samples: usize,
    /// Reports that were soft (samples or statistics).
    pub soft: usize,
    /// Reports that were bits.
    pub bits: usize,
    /// Expected reports that had not arrived.
    pub missing: usize,
}

/// What happened when a report reached the CC.
#[derive(Debug, Clone, PartialEq)]
pub enum CcInput {
    /// Stored; the frame is still open.
    Stored,
    /// It completed the frame, which was decided at once.
    Decided(CcDecision),
    /// Its frame was already decided: counted late, not used.
    Late,
}

/// The CC's state for one drop.
#[derive(Debug)]
pub struct Cc {
    scene: Arc<Scene>,
    expected: Vec<usize>,
    fusion: CcFusion,
    pfa: f64,
    /// Per-node false-alarm rate q; local thresholds are `-ln q`.
    q: f64,
    /// Mean per-node Pd, for the paper's kappa.
    pd_hat: f64,
    noise_w: f64,
    open: BTreeMap<u64, CcFrame>,
    thresholds: HashMap<(usize, usize), f64>,
}

impl Cc {
    /// A CC expecting reports from `expected`, fusing by `fusion` at false-alarm
    /// target `pfa` with per-node rate `q`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        scene: Arc<Scene>,
        expected: Vec<usize>,
        fusion: CcFusion,
        pfa: f64,
        q: f64,
        pd_hat: f64,
        noise_w: f64,
    ) -> Self {
        Cc {
            scene,
            expected,
            fusion,
            pfa,
            q,
            pd_hat,
            noise_w,
            open: BTreeMap::new(),
            thresholds: HashMap::new(),
        }
    }

    /// Frame `frame` starts: the CC knows its X (it selected the symbols).
    pub fn on_frame(&mut self, frame: u64, x: CMat, u: CVec) {
        let xu = x * u.conjugate();
        self.open.insert(
            frame,
            CcFrame {
                xu,
                u,
                reports: Vec::new(),
                samples: 0,
            },
        );
    }

    /// A report arrives at `now`.
    pub fn on_report(&mut self, now: SimTime, msg: Message) -> CcInput {
        let Some(f) = self.open.get_mut(&msg.frame) else {
            return CcInput::Late;
        };
        let r = msg.node as usize;
        let report = match msg.payload {
            Payload::Samples(batch) => {
                let z = batch.to_matrix();
                let direct = (r > 0).then(|| (&self.scene.g[r - 1], &f.xu));
                let noise = self.noise_w + batch.quantization_var();
                f.samples += 1;
                Report::Soft(glrt_term(
                    &self.scene.b[r],
                    &matched(&z, &f.u),
                    direct,
                    f.u.norm_squared(),
                    noise,
                ))
            }
            Payload::Statistic(t) => Report::Soft(t),
            Payload::Decision(b) => Report::Bit(b),
            Payload::Symbols(_) => return CcInput::Stored,
        };
        f.reports.push((r, report));
        if f.reports.len() == self.expected.len() {
            CcInput::Decided(self.decide(now, msg.frame).expect("frame is open"))
        } else {
            CcInput::Stored
        }
    }

    /// The deadline of `frame`: decide on what arrived, unless already decided.
    pub fn on_deadline(&mut self, now: SimTime, frame: u64) -> Option<CcDecision> {
        self.decide(now, frame)
    }

    fn decide(&mut self, now: SimTime, frame: u64) -> Option<CcDecision> {
        let f = self.open.remove(&frame)?;
        let mut soft = Vec::new();
        let mut bits = Vec::new();
        for &(_, r) in &f.reports {
            match r {
                Report::Soft(t) => soft.push(t),
                Report::Bit(b) => bits.push(b),
            }
        }
        let tau = -self.q.ln();
        let (statistic, threshold, declared) = match self.fusion {
            CcFusion::Glrt => {
                let key = (soft.len(), bits.len());
                let (q, pfa) = (self.q, self.pfa);
                let th = *self
                    .thresholds
                    .entry(key)
                    .or_insert_with(|| mixed_threshold(key.0, key.1, q, pfa));
                let stat =
                    soft.iter().sum::<f64>() + tau * bits.iter().filter(|&&b| b).count() as f64;
                (stat, th, stat > th)
            }
            CcFusion::Vote(rule) => {
                let ones =
                    soft.iter().filter(|&&t| t > tau).count() + bits.iter().filter(|&&b| b).count();
                let n = soft.len() + bits.len();
                let kappa = rule.kappa(n, self.pd_hat, self.q);
                (ones as f64, kappa as f64, n > 0 && ones >= kappa)
            }
        };
        Some(CcDecision {
            frame,
            at: now,
            declared,
            statistic,
            threshold,
            samples: f.samples,
            soft: soft.len(),
            bits: bits.len(),
            missing: self.expected.len() - f.reports.len(),
        })
    }
}
