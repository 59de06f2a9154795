//! The central controller: collects each frame's reports and fuses them as
//! soon as every expected report is in, or at the frame's deadline.
//!
//! It decides at the design false-alarm level and, on the same reports, at
//! every other level of the ROC (each with its own per-node and fused
//! thresholds), so Pd against Pfa comes out of one run.

use super::{Batch, DropCtx, FrameSymbols, Message, NodeId, Report};
use crate::design::NodeDesign;
use crate::fusion::{VotingRule, mixed_threshold};
use crate::linalg::{C64, CMat, Planes, ad_mul_vec};
use crate::sim::{OpenFrames, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
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

/// One false-alarm level the CC decides at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// The fused false-alarm target.
    pub pfa: f64,
    /// The local detectors' design at that target.
    pub design: NodeDesign,
}

/// How the CC is set up for one drop.
#[derive(Debug, Clone, PartialEq)]
pub struct CcConfig {
    /// The nodes whose reports it waits for.
    pub expected: Vec<NodeId>,
    /// How it fuses them.
    pub fusion: CcFusion,
    /// The levels it decides at: the design level first, then the ROC's.
    pub levels: Vec<Level>,
}

/// Where a fused statistic came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The CC's centralized term from the node's samples (no direct-path residual).
    Central,
    /// The node's local statistic (a statistic or a bit report).
    Local,
}

/// One report as the CC fused it: what the frame's importance weight needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fused {
    /// The reporting node.
    pub node: NodeId,
    /// Which statistic it carries.
    pub source: Source,
    /// The statistic (for a bit report, the node's shadow statistic).
    pub statistic: f64,
    /// Whether the CC used it as a bit (thresholded at each level's tau)
    /// rather than a soft term.
    pub as_bit: bool,
}

/// Buffers of decided frames, for later frames (at most [`SPARE`] of each).
#[derive(Debug, Default)]
struct Spare {
    reports: Vec<Vec<Fused>>,
    levels: Vec<Vec<bool>>,
    direct: Vec<(Vec<f64>, Vec<f64>)>,
}

/// Buffers of each kind kept for reuse.
const SPARE: usize = 8;

#[derive(Debug)]
struct CcFrame {
    symbols: Arc<FrameSymbols>,
    reports: Vec<Fused>,
    samples: usize,
    /// The RAPs' direct-path parts `b_r^H G_r X conj(u)` as planes (row
    /// `r - 1`), computed at the frame's first samples report.
    direct: (Vec<f64>, Vec<f64>),
}

/// The CC's fused decision on one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct CcDecision {
    /// Frame index.
    pub frame: u64,
    /// When the CC decided.
    pub at: SimTime,
    /// Whether it declared a target (at the design level).
    pub declared: bool,
    /// The fused statistic (GLRT) or the count of positive bits (voting), at
    /// the design level.
    pub statistic: f64,
    /// What the statistic was compared with.
    pub threshold: f64,
    /// The decision at every level, design level first.
    pub declared_at: Vec<bool>,
    /// Reports that were sample batches.
    pub samples: usize,
    /// Reports fused as soft terms.
    pub soft: usize,
    /// Reports fused as bits.
    pub bits: usize,
    /// Expected reports that had not arrived.
    pub missing: usize,
    /// The reports it fused.
    pub fused: Vec<Fused>,
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
    open: OpenFrames<CcFrame>,
    /// Buffers of decisions handed back ([`Cc::recycle`]): reports, levels;
    /// and of closed frames' direct parts.
    spare: Spare,
    /// Mixed-GLRT thresholds by (level, soft, bits), solved once each.
    thresholds: Cache,
    /// Vote counts by (level, voters).
    kappas: Cache,
    /// The bits' statistics of the frame being decided (reused).
    scratch: Vec<f64>,
    /// `conj(G_r^H b_r)` as row `r - 1` (RAP r), so that the direct paths'
    /// parts of the centralized terms, `b_r^H G_r X conj(u) =
    /// (G_r^H b_r)^H X conj(u)`, are one matrix-vector product per frame
    /// (each row's sum the dot product's, bit for bit). Used at sample
    /// level: at statistic level the symbols carry these parts
    /// ([`FrameSymbols::direct_b`]). Built eagerly: building them at the
    /// first report that needs them made every statistic frame 3% slower.
    direct_rows: Planes,
    /// `||b_r||^2` per node.
    b_norm2: Vec<f64>,
}

impl Cc {
    /// The CC `cfg` describes, in drop `ctx`.
    pub fn new(ctx: Arc<DropCtx>, cfg: CcConfig) -> Self {
        assert!(!cfg.levels.is_empty(), "the CC needs a design level");
        let scene = &ctx.scene;
        let m = ctx.w.nrows();
        let mut rows = CMat::zeros(scene.nodes() - 1, m);
        for r in 1..scene.nodes() {
            let gb = ad_mul_vec(&scene.g[r - 1], &scene.b[r]);
            for j in 0..m {
                rows[(r - 1, j)] = gb[j].conj();
            }
        }
        let b_norm2 = scene.b.iter().map(|b| b.norm_squared()).collect();
        Cc {
            direct_rows: Planes::new(&rows),
            b_norm2,
            ctx,
            open: OpenFrames::new(),
            spare: Spare::default(),
            thresholds: Cache::new(cfg.levels.len(), cfg.expected.len()),
            kappas: Cache::new(cfg.levels.len(), cfg.expected.len()),
            scratch: Vec::new(),
            cfg,
        }
    }

    /// Frame `frame` starts: the CC knows its symbols (it chose them).
    pub fn on_frame(&mut self, frame: u64, symbols: Arc<FrameSymbols>) {
        let n = self.cfg.expected.len();
        let reports = self
            .spare
            .reports
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(n));
        self.open.open(
            frame,
            CcFrame {
                symbols,
                reports,
                samples: 0,
                direct: self.spare.direct.pop().unwrap_or_default(),
            },
        );
    }

    /// Takes back a decision's buffers for later frames.
    pub fn recycle(&mut self, d: CcDecision) {
        let (mut fused, mut declared_at) = (d.fused, d.declared_at);
        if self.spare.reports.len() < SPARE {
            fused.clear();
            self.spare.reports.push(fused);
        }
        if self.spare.levels.len() < SPARE {
            declared_at.clear();
            self.spare.levels.push(declared_at);
        }
    }

    /// A report arrives at `now`.
    pub fn on_report(&mut self, now: SimTime, msg: &Message<Report>) -> CcInput {
        let Some(f) = self.open.get_mut(msg.frame) else {
            return CcInput::Late;
        };
        let Some(node) = msg.from.node() else {
            debug_assert!(false, "a report from the CC");
            return CcInput::Late;
        };
        let vote = matches!(self.cfg.fusion, CcFusion::Vote(_));
        let (source, statistic, bit) = match &msg.payload {
            Report::Samples(batch) => {
                f.samples += 1;
                let r = node.index();
                let (re, im) = &mut f.direct;
                let direct = if r == 0 {
                    C64::new(0.0, 0.0)
                } else if let Some(&d) = f.symbols.direct_b.get(r) {
                    d
                } else {
                    if re.is_empty() {
                        (self.direct_rows).mul_vec_into(f.symbols.xu.as_slice(), re, im);
                    }
                    C64::new(re[r - 1], im[r - 1])
                };
                let t = central_term(
                    &self.ctx,
                    node,
                    (direct, self.b_norm2[r]),
                    batch,
                    &f.symbols,
                );
                (Source::Central, t, false)
            }
            &Report::Statistic(t) => (Source::Local, t, false),
            &Report::Decision { statistic, .. } => (Source::Local, statistic, true),
        };
        f.reports.push(Fused {
            node,
            source,
            statistic,
            as_bit: bit || vote,
        });
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

    /// (decision, statistic, threshold) at level `l`, for `n_soft` soft terms
    /// summing to `soft_sum` and the statistics behind the bits.
    fn at_level(
        &mut self,
        l: usize,
        n_soft: usize,
        soft_sum: f64,
        bit_stats: &[f64],
    ) -> (bool, f64, f64) {
        let level = self.cfg.levels[l];
        let d = &level.design;
        let bits = bit_stats.len();
        let fired = bit_stats.iter().filter(|&&t| t > d.tau).count();
        match self.cfg.fusion {
            CcFusion::Glrt => {
                let th = self.thresholds.get(l, n_soft, bits, || {
                    mixed_threshold(n_soft, bits, d.q, level.pfa)
                });
                let stat = soft_sum + d.tau * fired as f64;
                (stat > th, stat, th)
            }
            CcFusion::Vote(_) => {
                let kappa = self.kappas.get(l, 0, bits, || d.kappa(bits) as f64);
                (bits > 0 && fired as f64 >= kappa, fired as f64, kappa)
            }
        }
    }

    fn decide(&mut self, now: SimTime, frame: u64) -> Option<CcDecision> {
        let mut f = self.open.close(frame)?;
        if self.spare.direct.len() < SPARE {
            let (mut re, mut im) = std::mem::take(&mut f.direct);
            re.clear();
            im.clear();
            self.spare.direct.push((re, im));
        }
        let soft_sum: f64 = (f.reports.iter())
            .filter(|r| !r.as_bit)
            .map(|r| r.statistic)
            .sum();
        let mut bit_stats = std::mem::take(&mut self.scratch);
        bit_stats.clear();
        bit_stats.extend(f.reports.iter().filter(|r| r.as_bit).map(|r| r.statistic));
        let n_soft = f.reports.len() - bit_stats.len();
        let levels = self.cfg.levels.len();
        let mut declared_at =
            (self.spare.levels.pop()).unwrap_or_else(|| Vec::with_capacity(levels));
        let (declared, statistic, threshold) = self.at_level(0, n_soft, soft_sum, &bit_stats);
        declared_at.push(declared);
        for l in 1..self.cfg.levels.len() {
            declared_at.push(self.at_level(l, n_soft, soft_sum, &bit_stats).0);
        }
        let bits = bit_stats.len();
        self.scratch = bit_stats;
        Some(CcDecision {
            frame,
            at: now,
            declared,
            statistic,
            threshold,
            declared_at,
            samples: f.samples,
            soft: n_soft,
            bits,
            missing: self.cfg.expected.len() - f.reports.len(),
            fused: f.reports,
        })
    }
}

/// Values by (level, soft, bits), each computed once: a dense table while
/// the node count is small, a map beyond.
#[derive(Debug)]
struct Cache {
    /// `n + 1`: the table's row width.
    width: usize,
    table: Vec<f64>,
    map: HashMap<(usize, usize, usize), f64>,
}

impl Cache {
    fn new(levels: usize, nodes: usize) -> Self {
        let width = nodes + 1;
        let dense = width * width <= 4096;
        Cache {
            width,
            table: if dense {
                vec![f64::NAN; levels * width * width]
            } else {
                Vec::new()
            },
            map: HashMap::new(),
        }
    }

    fn get(&mut self, l: usize, soft: usize, bits: usize, f: impl FnOnce() -> f64) -> f64 {
        if self.table.is_empty() {
            return *self.map.entry((l, soft, bits)).or_insert_with(f);
        }
        let i = (l * self.width + soft) * self.width + bits;
        if self.table[i].is_nan() {
            self.table[i] = f();
        }
        self.table[i]
    }
}

/// Node r's term of eq. (25) from its samples, as `detect::glrt_term`: the CC
/// removes the direct path `direct = (G_r^H b_r)^H X conj(u)` (zero for the
/// BS), known from X and G (Sec. III-A), and adds the batch's quantization
/// variance to the noise.
fn central_term(
    ctx: &DropCtx,
    node: NodeId,
    (direct, b_norm2): (C64, f64),
    batch: &Batch,
    sym: &FrameSymbols,
) -> f64 {
    let b = &ctx.scene.b[node.index()];
    let (y_b, quantization) = match batch {
        Batch::Full(batch) => {
            let u = sym.u.as_ref().expect("sample-level symbols carry u");
            (
                batch.project(b.as_slice(), u.as_slice()),
                batch.quantization_var(),
            )
        }
        &Batch::Projected { y_b, .. } => (y_b, 0.0),
    };
    let noise = ctx.noise_w() + quantization;
    (y_b - direct).norm_sqr() / (noise * b_norm2 * sym.u_norm2)
}
