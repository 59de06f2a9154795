//! A sensing receiver: adds its noise, computes its local statistic when it
//! knows the symbols, and reports according to its policy.

use super::{DropCtx, Message, NodeId, Report, ReportPolicy, SampleBatch, SampleFormat, Sender};
use crate::detect::{LocalDetector, LocalFilter};
use crate::linalg::{CMat, mul};
use crate::radio::target_waveform;
use crate::rng::STREAM_SYMBOLS;
use crate::sim::SimTime;
use std::collections::BTreeMap;
use std::sync::Arc;

/// How one receiver is set up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReceiverConfig {
    /// Which node it is.
    pub node: NodeId,
    /// What it reports.
    pub policy: ReportPolicy,
    /// Number format of its sample batches.
    pub format: SampleFormat,
    /// How a RAP suppresses the direct path (the BS has none).
    pub filter: LocalFilter,
    /// Local threshold `-ln q` of its one-bit decision.
    pub tau: f64,
    /// Whether the symbols come over the downlink; otherwise the node selects
    /// them itself from the public book, as the BS does.
    pub via_downlink: bool,
}

/// Node r's receiver state for one drop.
#[derive(Debug)]
pub struct Receiver {
    ctx: Arc<DropCtx>,
    cfg: ReceiverConfig,
    det: LocalDetector,
    /// Observations waiting for their frame's symbols.
    waiting: BTreeMap<u64, (CMat, SimTime)>,
    /// Symbols that arrived before the observation.
    early: BTreeMap<u64, Vec<u16>>,
}

impl Receiver {
    /// The receiver `cfg` describes, in drop `ctx`.
    pub fn new(ctx: Arc<DropCtx>, cfg: ReceiverConfig) -> Self {
        let det = LocalDetector::new(
            &ctx.scene,
            cfg.node.index(),
            &ctx.w,
            ctx.noise_w(),
            cfg.filter,
        );
        Receiver {
            ctx,
            cfg,
            det,
            waiting: BTreeMap::new(),
            early: BTreeMap::new(),
        }
    }

    /// Which node this is.
    pub fn node(&self) -> NodeId {
        self.cfg.node
    }

    fn message(&self, frame: u64, payload: Report) -> Message<Report> {
        Message {
            frame,
            from: Sender::Node(self.cfg.node),
            payload,
        }
    }

    /// Frame `frame`'s observation `z` (noise included) is complete;
    /// `deadline` is the CC's deadline for it and `eta(bytes)` the arrival time
    /// the uplink would give a message of that many bytes.
    pub fn on_observe(
        &mut self,
        frame: u64,
        z: CMat,
        deadline: SimTime,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Vec<Message<Report>> {
        let samples = |me: &Self| {
            me.message(
                frame,
                Report::Samples(SampleBatch::quantize(&z, me.cfg.format)),
            )
        };
        match self.cfg.policy {
            ReportPolicy::Samples => return vec![samples(self)],
            ReportPolicy::Adaptive => {
                let msg = samples(self);
                if eta(msg.encoded_len()) <= deadline {
                    return vec![msg];
                }
            }
            ReportPolicy::Statistic | ReportPolicy::Decision => {}
        }
        let indices = if self.cfg.via_downlink {
            match self.early.remove(&frame) {
                Some(ix) => ix,
                None => {
                    self.waiting.insert(frame, (z, deadline));
                    return Vec::new();
                }
            }
        } else {
            let ctx = &self.ctx;
            let count = ctx.w.ncols() * z.ncols();
            ctx.symbols
                .select(&mut ctx.stream(STREAM_SYMBOLS, &[frame]), count)
        };
        vec![self.local_report(frame, &z, &indices, deadline, eta)]
    }

    /// Frame `frame`'s symbol indices arrived over the downlink.
    pub fn on_symbols(
        &mut self,
        frame: u64,
        indices: Vec<u16>,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Vec<Message<Report>> {
        match self.waiting.remove(&frame) {
            Some((z, deadline)) => vec![self.local_report(frame, &z, &indices, deadline, eta)],
            None => {
                self.early.insert(frame, indices);
                Vec::new()
            }
        }
    }

    /// The local statistic (eq. 42) from the symbols, sent as a statistic or a bit.
    fn local_report(
        &self,
        frame: u64,
        z: &CMat,
        indices: &[u16],
        deadline: SimTime,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Message<Report> {
        let ctx = &self.ctx;
        let x = mul(&ctx.w, &ctx.symbols.symbols(indices, ctx.w.ncols()));
        let u = target_waveform(&ctx.scene.a, &x);
        let t = self.det.statistic(z, &x, &u);
        let stat = self.message(frame, Report::Statistic(t));
        match self.cfg.policy {
            ReportPolicy::Statistic => stat,
            ReportPolicy::Adaptive if eta(stat.encoded_len()) <= deadline => stat,
            _ => self.message(frame, Report::Decision(t > self.cfg.tau)),
        }
    }
}
