//! The central controller: collects each frame's reports and fuses them as
//! soon as every expected report is in, or at the frame's deadline.

use super::{DropCtx, Message, NodeId, Report};
use crate::design::NodeDesign;
use crate::detect::{glrt_term, matched};
use crate::fusion::{VotingRule, mixed_threshold};
use crate::linalg::{CMat, CVec};
use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What the CC does with the reports of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CcFusion {
    /// The GLRT over whatever arrived (`fusion::mixed_threshold`): samples and
    /// statistics add as soft terms, bits add their threshold; the threshold
    /// follows the mix, so the fused false-alarm target holds for any mix.
    Glrt,
    /// Threshold every report into a bit (`T_r > -ln q`) and count with a rule.
    Vote(VotingRule),
}

impl CcFusion {
    /// The voting rule, if the CC votes.
    pub fn vote(self) -> Option<VotingRule> {
        match self {
            CcFusion::Glrt => None,
            CcFusion::Vote(rule) => Some(rule),
        }
    }
}

/// How the CC is set up for one drop.
#[derive(Debug, Clone, PartialEq)]
pub struct CcConfig {
    /// The nodes whose reports it waits for.
    pub expected: Vec<NodeId>,
    /// How it fuses them.
    pub fusion: CcFusion,
    /// The fused false-alarm target.
    pub pfa: f64,
    /// The local detectors' design: q, tau, the count rule, mean local Pd.
    pub design: NodeDesign,
}

/// A report as the CC holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Held {
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
    reports: Vec<(NodeId, Held)>,
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
    ctx: Arc<DropCtx>,
    cfg: CcConfig,
    open: BTreeMap<u64, CcFrame>,
    /// Mixed-GLRT thresholds by (soft, bits) mix, solved once each.
    thresholds: HashMap<(usize, usize), f64>,
}

impl Cc {
    /// The CC `cfg` describes, in drop `ctx`.
    pub fn new(ctx: Arc<DropCtx>, cfg: CcConfig) -> Self {
        Cc {
            ctx,
            cfg,
            open: BTreeMap::new(),
            thresholds: HashMap::new(),
        }
    }

    /// Frame `frame` starts: the CC knows its X (it selected the symbols) and
    /// the target waveform u.
    pub fn on_frame(&mut self, frame: u64, x: &CMat, u: CVec) {
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
    pub fn on_report(&mut self, now: SimTime, msg: Message<Report>) -> CcInput {
        let Some(f) = self.open.get_mut(&msg.frame) else {
            return CcInput::Late;
        };
        let Some(node) = msg.from.node() else {
            // Reports come from nodes only; the CC never reports to itself.
            debug_assert!(false, "a report from the CC");
            return CcInput::Late;
        };
        let held = match msg.payload {
            Report::Samples(batch) => {
                let z = batch.to_matrix();
                let r = node.index();
                let scene = &self.ctx.scene;
                let direct = node.is_rap().then(|| (&scene.g[r - 1], &f.xu));
                let noise = self.ctx.noise_w() + batch.quantization_var();
                f.samples += 1;
                Held::Soft(glrt_term(
                    &scene.b[r],
                    &matched(&z, &f.u),
                    direct,
                    f.u.norm_squared(),
                    noise,
                ))
            }
            Report::Statistic(t) => Held::Soft(t),
            Report::Decision(b) => Held::Bit(b),
        };
        f.reports.push((node, held));
        if f.reports.len() == self.cfg.expected.len() {
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
                Held::Soft(t) => soft.push(t),
                Held::Bit(b) => bits.push(b),
            }
        }
        let d = &self.cfg.design;
        let (statistic, threshold, declared) = match self.cfg.fusion {
            CcFusion::Glrt => {
                let key = (soft.len(), bits.len());
                let (q, pfa) = (d.q, self.cfg.pfa);
                let th = *self
                    .thresholds
                    .entry(key)
                    .or_insert_with(|| mixed_threshold(key.0, key.1, q, pfa));
                let fired = bits.iter().filter(|&&b| b).count() as f64;
                let stat = soft.iter().sum::<f64>() + d.tau * fired;
                (stat, th, stat > th)
            }
            CcFusion::Vote(_) => {
                let ones = soft.iter().filter(|&&t| t > d.tau).count()
                    + bits.iter().filter(|&&b| b).count();
                let n = soft.len() + bits.len();
                let kappa = d.kappa(n);
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
            missing: self.cfg.expected.len() - f.reports.len(),
        })
    }
}
