//! A sensing receiver: observes a frame, computes its local statistic once it
//! knows the frame's symbols, and reports according to its policy.

use super::{
    Batch, DropCtx, FrameSymbols, Message, NodeId, Observation, Report, ReportPolicy, SampleBatch,
    SampleFormat, Sender,
};
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
    /// Local threshold `-ln q` of its one-bit decision.
    pub tau: f64,
    /// Do not send a report that cannot arrive by the deadline (as far as
    /// the uplink's quoted arrival tells); adaptive then falls back to the
    /// richest report that fits, or to nothing.
    pub skip_stale: bool,
}

/// Node r's receiver state for one drop.
#[derive(Debug)]
pub struct Receiver {
    ctx: Arc<DropCtx>,
    cfg: ReceiverConfig,
    /// Observations waiting for their frame's symbols.
    waiting: BTreeMap<u64, (Observation, SimTime)>,
    /// Symbols that arrived before the observation.
    early: BTreeMap<u64, Arc<FrameSymbols>>,
    /// Reports not sent because they could not make the deadline.
    skipped: u64,
}

impl Receiver {
    /// The receiver `cfg` describes, in drop `ctx` (its detector is
    /// `ctx.detectors[node]`).
    pub fn new(ctx: Arc<DropCtx>, cfg: ReceiverConfig) -> Self {
        Receiver {
            ctx,
            cfg,
            waiting: BTreeMap::new(),
            early: BTreeMap::new(),
            skipped: 0,
        }
    }

    /// Reports it did not send because they could not make the deadline.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Forgets every observation and symbol it was waiting with (a crash).
    pub fn reset(&mut self) {
        self.waiting.clear();
        self.early.clear();
    }

    /// `msg`, unless it cannot arrive by `deadline` and stale reports are
    /// skipped.
    fn unless_stale(
        &mut self,
        msg: Message<Report>,
        deadline: SimTime,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Option<Message<Report>> {
        if self.cfg.skip_stale && eta(msg.wire_len()) > deadline {
            self.skipped += 1;
            None
        } else {
            Some(msg)
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

    /// The samples report of an observation.
    fn samples(&self, frame: u64, obs: &Observation) -> Message<Report> {
        let format = self.cfg.format;
        let batch = match obs {
            Observation::Samples(z) => Batch::Full(SampleBatch::quantize(z, format)),
            &Observation::Projected {
                y_b, rows, cols, ..
            } => Batch::Projected {
                y_b,
                rows,
                cols,
                format,
            },
        };
        self.message(frame, Report::Samples(batch))
    }

    /// Frame `frame`'s observation is complete. `known` is the frame's
    /// symbols if the node knows them now (the BS, or a RAP told by magic);
    /// a RAP that learns them over the downlink gets `None` and waits.
    /// `deadline` is the CC's deadline and `eta(bytes)` the arrival time the
    /// uplink quotes for a message of that many bytes. Returns the report to
    /// send, if any (a node sends at most one per frame).
    pub fn on_observe(
        &mut self,
        frame: u64,
        obs: Observation,
        known: Option<&Arc<FrameSymbols>>,
        deadline: SimTime,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Option<Message<Report>> {
        match self.cfg.policy {
            // Built where it is returned: a message moved on at once would
            // be copied through the stack.
            ReportPolicy::Samples if !self.cfg.skip_stale => {
                return Some(self.samples(frame, &obs));
            }
            ReportPolicy::Samples => {
                let msg = self.samples(frame, &obs);
                return self.unless_stale(msg, deadline, eta);
            }
            ReportPolicy::Adaptive => {
                let msg = self.samples(frame, &obs);
                if eta(msg.wire_len()) <= deadline {
                    return Some(msg);
                }
            }
            ReportPolicy::Statistic | ReportPolicy::Decision => {}
        }
        let early;
        let symbols = match known {
            Some(s) => s,
            None => match self.early.remove(&frame) {
                Some(s) => {
                    early = s;
                    &early
                }
                None => {
                    self.waiting.insert(frame, (obs, deadline));
                    return None;
                }
            },
        };
        self.local_report(frame, &obs, symbols, deadline, eta)
    }

    /// Frame `frame`'s symbols arrived over the downlink.
    pub fn on_symbols(
        &mut self,
        frame: u64,
        symbols: Arc<FrameSymbols>,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Option<Message<Report>> {
        match self.waiting.remove(&frame) {
            Some((obs, deadline)) => self.local_report(frame, &obs, &symbols, deadline, eta),
            None => {
                self.early.insert(frame, symbols);
                None
            }
        }
    }

    /// The local statistic (eq. 42), sent as a statistic or a bit (or not
    /// at all, when stale reports are skipped and not even the bit fits).
    fn local_report(
        &mut self,
        frame: u64,
        obs: &Observation,
        sym: &FrameSymbols,
        deadline: SimTime,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Option<Message<Report>> {
        let det = self.ctx.detector(self.cfg.node);
        let t = match obs {
            Observation::Samples(z) => {
                let u = sym.u.as_ref().expect("sample-level symbols carry u");
                det.statistic(z, &sym.xu, u)
            }
            &Observation::Projected { y_q, .. } => {
                det.statistic_projected(y_q, &sym.xu, sym.u_norm2)
            }
        };
        let stat = self.message(frame, Report::Statistic(t));
        let msg = match self.cfg.policy {
            ReportPolicy::Statistic => stat,
            ReportPolicy::Adaptive if eta(stat.wire_len()) <= deadline => return Some(stat),
            _ => self.message(
                frame,
                Report::Decision {
                    bit: t > self.cfg.tau,
                    statistic: t,
                },
            ),
        };
        self.unless_stale(msg, deadline, eta)
    }
}
