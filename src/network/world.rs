//! One drop of the network: actors, links and the event loop that joins them.

mod transport;

use super::config::per_node;
use super::importance::FusedBit;
use super::medium::{FrameTruth, Medium};
use super::metrics::{FrameRecord, LevelMetrics, LinkReport, RunMetrics};
use super::{NetParams, SymbolDelivery};
use crate::node::{
    Cc, CcDecision, CcInput, Downlink, DropCtx, DropId, Level, Message, MessageKind, Receiver,
    Sender, Source, SymbolBlock,
};
use crate::radio::{SPEED_OF_LIGHT, distance};
use crate::rng::STREAM_LINK;
use crate::sim::{Kernel, Link, OpenFrames, SchedulingError, Segment, SimTime};
use crate::trace::{LinkId, TraceEvent};
use std::sync::Arc;
use transport::Flight;

/// A failure inside the engine: a bug, never a property of the input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// An event was scheduled in the past.
    #[error("{drop}: {source}")]
    Scheduling {
        /// The drop.
        drop: DropId,
        /// What was refused.
        source: SchedulingError,
    },
}

#[derive(Debug)]
enum Event {
    FrameStart(u64),
    Observe {
        frame: u64,
        slot: usize,
    },
    Deadline(u64),
    /// A packet of a flight reaches the end of its hop.
    PacketArrive {
        flight: u32,
    },
    /// A lost packet is sent again (reliable transport).
    Retransmit {
        flight: u32,
        bytes: u64,
        attempt: u32,
    },
    /// A shared segment's service ends.
    SegmentDone(usize),
    /// The node of a slot crashes, or restarts.
    Crash(usize),
    Restart(usize),
}

/// A frame between its start and its decision.
struct Live {
    /// Boxed where it was drawn ([`Medium::draw_frame_recycled`]).
    truth: Box<FrameTruth>,
    observes_left: usize,
    decided: bool,
}

/// One sensing node as the world holds it: its actor and its links.
struct Slot {
    receiver: Receiver,
    /// Whether it learns the symbols over its downlink (else it knows them).
    via_downlink: bool,
    /// Node -> CC.
    uplink: Link,
    /// CC -> RAP (RAPs only).
    downlink: Option<Link>,
    /// Air time of a frame plus BS -> target -> node propagation.
    observe_after: SimTime,
    /// The shared segment its reports cross next, and its sender index there.
    segment: Option<(usize, usize)>,
    /// Whether it has crashed (and not restarted).
    down: bool,
}

/// How a world is set up beyond its drop and network.
#[derive(Debug, Default)]
pub struct WorldConfig {
    /// Keep every trace event for the drop's report (for trace files).
    pub record_trace: bool,
    /// Keep a record of every decided frame (for tests and diagnostics).
    pub record_frames: bool,
    /// The CC's false-alarm levels (design first), for the metrics.
    pub levels: Vec<Level>,
    /// The exact Pd of what arrived, per target frame.
    pub arrived: Option<super::ArrivedPd>,
}

/// What one drop's world measured.
#[derive(Debug, Clone, Default)]
pub struct WorldOutput {
    /// The metrics.
    pub metrics: RunMetrics,
    /// Trace events (empty unless recording).
    pub trace: Vec<TraceEvent>,
    /// Decided frames (empty unless recording).
    pub frames: Vec<FrameRecord>,
}

/// The network for one drop: a receiver and links per sensing node, the CC,
/// and the kernel.
pub struct World {
    ctx: Arc<DropCtx>,
    net: Arc<NetParams>,
    medium: Medium,
    kernel: Kernel<Event>,
    slots: Vec<Slot>,
    /// The slots by `(observe_after, slot)`: the order a frame's
    /// observations are scheduled in, so that each lands at the back of the
    /// kernel's sorted queue. Equal times keep the slot order, and all are
    /// scheduled one after the other, so the order of events is the slot
    /// loop's (the kernel orders by time, then by scheduling).
    observe_order: Vec<usize>,
    /// Messages on their way, by id (free ids reused).
    flights: Vec<Option<Flight>>,
    free_flights: Vec<u32>,
    /// What each flight carries, by id (beside it: a flight stays small).
    cargos: Vec<Option<transport::Cargo>>,
    /// Shared aggregation segments; queued items are flight ids.
    segments: Vec<Segment<u32>>,
    cc: Cc,
    live: OpenFrames<Live>,
    air: SimTime,
    interval: SimTime,
    budget: SimTime,
    metrics: RunMetrics,
    /// Target frames and detections at the design level, this drop.
    drop_counts: (u64, u64),
    /// Events kept for the report (when recording).
    trace: Vec<TraceEvent>,
    /// Decided frames kept for the report (when recording).
    frames: Vec<FrameRecord>,
    cfg: WorldConfig,
    /// Whether `tracing` wants engine events (checked once per drop).
    live_trace: bool,
    /// The decided frame's importance weights (reused).
    weights: Vec<f64>,
}

impl World {
    /// Builds the network of drop `ctx`: the medium, one slot per receiver,
    /// in order, with the uplink and (for RAPs) downlink that `net` gives its
    /// node, and CC `cc`.
    pub fn new(
        ctx: Arc<DropCtx>,
        net: Arc<NetParams>,
        medium: Medium,
        receivers: Vec<Receiver>,
        cc: Cc,
        cfg: WorldConfig,
    ) -> Self {
        let layout = &ctx.scene.layout;
        let air = SimTime::from_secs(net.symbol_time_s * ctx.frame_symbols() as f64);
        let slots: Vec<Slot> = receivers
            .into_iter()
            .map(|receiver| {
                let node = receiver.node();
                let r = node.index();
                let link = |cfgs: &[crate::sim::LinkConfig], dir: u64| {
                    Link::new(per_node(cfgs, r), ctx.stream(STREAM_LINK, &[dir, r as u64]))
                };
                let propagation = if net.propagation {
                    let path = distance(layout.bs, layout.target)
                        + distance(layout.target, layout.node(r));
                    SimTime::from_secs(path / SPEED_OF_LIGHT)
                } else {
                    SimTime::ZERO
                };
                let segment = (net.aggregation.iter().enumerate())
                    .find_map(|(a, agg)| agg.nodes.iter().position(|&n| n == r).map(|i| (a, i)));
                Slot {
                    via_downlink: node.is_rap() && net.symbols == SymbolDelivery::Downlink,
                    uplink: link(&net.uplinks, 0),
                    downlink: node.is_rap().then(|| link(&net.downlinks, 1)),
                    observe_after: air.plus(propagation),
                    segment,
                    down: false,
                    receiver,
                }
            })
            .collect();
        let segments = (net.aggregation.iter())
            .map(|a| Segment::new(a.segment.clone(), a.nodes.len()))
            .collect();
        let mut observe_order: Vec<usize> = (0..slots.len()).collect();
        observe_order.sort_by_key(|&i: &usize| (slots[i].observe_after, i));
        World {
            interval: SimTime::from_secs(net.frame_interval_s).max(air),
            budget: SimTime::from_secs(net.deadline_s),
            air,
            ctx,
            net,
            medium,
            kernel: Kernel::new(),
            slots,
            observe_order,
            flights: Vec::new(),
            free_flights: Vec::new(),
            cargos: Vec::new(),
            segments,
            cc,
            live: OpenFrames::new(),
            metrics: RunMetrics {
                drops: 1,
                levels: (cfg.levels.iter())
                    .map(|l| LevelMetrics {
                        pfa_design: l.pfa,
                        ..LevelMetrics::default()
                    })
                    .collect(),
                ..RunMetrics::default()
            },
            drop_counts: (0, 0),
            trace: Vec::new(),
            frames: Vec::new(),
            cfg,
            live_trace: crate::trace::live_enabled(),
            weights: Vec::new(),
        }
    }

    fn frame_start(&self, n: u64) -> SimTime {
        SimTime(self.interval.0.saturating_mul(n))
    }

    fn deadline(&self, n: u64) -> SimTime {
        self.frame_start(n).plus(self.air).plus(self.budget)
    }

    fn tracing(&self) -> bool {
        self.cfg.record_trace || self.live_trace
    }

    fn note(&mut self, ev: TraceEvent) {
        if self.live_trace {
            crate::trace::emit(self.ctx.id, &ev);
        }
        if self.cfg.record_trace {
            self.trace.push(ev);
        }
    }

    #[inline(always)]
    fn schedule(&mut self, at: SimTime, ev: Event) -> Result<(), EngineError> {
        self.kernel
            .schedule(at, ev)
            .map_err(|source| EngineError::Scheduling {
                drop: self.ctx.id,
                source,
            })
    }

    /// Runs `frames` frames; returns what was measured.
    pub fn run(mut self, frames: u64) -> Result<WorldOutput, EngineError> {
        if frames > 0 {
            self.schedule(SimTime::ZERO, Event::FrameStart(0))?;
            for slot in 0..self.slots.len() {
                let r = self.slots[slot].receiver.node().index();
                if let Some(Some(f)) = self.net.faults.get(r).copied() {
                    self.schedule(f.crash, Event::Crash(slot))?;
                    if let Some(t) = f.restart {
                        self.schedule(t, Event::Restart(slot))?;
                    }
                }
            }
        }
        while let Some((now, ev)) = self.kernel.pop() {
            match ev {
                Event::FrameStart(n) => self.on_frame_start(now, n, frames)?,
                Event::Observe { frame, slot } => self.on_observe(now, frame, slot)?,
                Event::PacketArrive { flight } => self.on_packet(now, flight)?,
                Event::Retransmit {
                    flight,
                    bytes,
                    attempt,
                } => self.on_retransmit(now, flight, bytes, attempt)?,
                Event::SegmentDone(s) => self.on_segment_done(now, s)?,
                Event::Crash(slot) => self.on_crash(now, slot),
                Event::Restart(slot) => self.slots[slot].down = false,
                Event::Deadline(n) => {
                    if let Some(d) = self.cc.on_deadline(now, n) {
                        self.decided(d);
                    }
                }
            }
        }
        let span = self.frame_start(frames).max(self.kernel.now()).0;
        let nodes = self.ctx.scene.nodes();
        let mut uplinks = vec![LinkReport::default(); nodes];
        let mut downlinks = vec![LinkReport::default(); nodes];
        for s in &self.slots {
            let r = s.receiver.node().index();
            let report = |l: &Link| LinkReport {
                stats: *l.stats(),
                span_ps: span,
            };
            uplinks[r] = report(&s.uplink);
            if let Some(d) = &s.downlink {
                downlinks[r] = report(d);
            }
        }
        self.metrics.uplinks = uplinks;
        self.metrics.downlinks = downlinks;
        self.metrics.segments = (self.segments.iter())
            .map(|s| LinkReport {
                stats: *s.stats(),
                span_ps: span,
            })
            .collect();
        self.metrics.stale_skipped = self.slots.iter().map(|s| s.receiver.skipped()).sum();
        let (n, k) = self.drop_counts;
        self.metrics.pd_drops.add(k, n);
        Ok(WorldOutput {
            metrics: self.metrics,
            trace: self.trace,
            frames: self.frames,
        })
    }

    fn on_frame_start(&mut self, now: SimTime, n: u64, frames: u64) -> Result<(), EngineError> {
        let truth = (self.medium).draw_frame_recycled(&self.ctx, n, self.net.target_probability);
        if self.tracing() {
            self.note(TraceEvent::Transmit {
                at: now,
                frame: n,
                target: truth.target,
            });
        }
        self.cc.on_frame(n, truth.symbols.clone());
        if self.slots.iter().any(|s| s.via_downlink) {
            let block = match &truth.s {
                Some(s) => SymbolBlock::encode(s, self.net.symbol_format),
                None => SymbolBlock::Summary {
                    known: truth.symbols.clone(),
                    beams: self.ctx.w.ncols() as u32,
                    cols: self.ctx.frame_symbols() as u32,
                    format: self.net.symbol_format,
                },
            };
            for slot in 0..self.slots.len() {
                if self.slots[slot].via_downlink {
                    let msg = Message {
                        frame: n,
                        from: Sender::Cc,
                        payload: Downlink::Symbols(block.clone()),
                    };
                    self.send_down(now, slot, msg)?;
                }
            }
        }
        for k in 0..self.observe_order.len() {
            let slot = self.observe_order[k];
            let at = now.plus(self.slots[slot].observe_after);
            self.schedule(at, Event::Observe { frame: n, slot })?;
        }
        self.schedule(self.deadline(n), Event::Deadline(n))?;
        self.live.open(
            n,
            Live {
                truth,
                observes_left: self.slots.len(),
                decided: false,
            },
        );
        if n + 1 < frames {
            self.schedule(self.frame_start(n + 1), Event::FrameStart(n + 1))?;
        }
        Ok(())
    }

    fn on_observe(&mut self, now: SimTime, frame: u64, slot: usize) -> Result<(), EngineError> {
        let node = self.slots[slot].receiver.node();
        let live = self.live.get_mut(frame).expect("an observed frame is live");
        let obs = self.medium.observe(&self.ctx, frame, node, &mut live.truth);
        live.observes_left -= 1;
        if self.slots[slot].down {
            self.retire(frame);
            return Ok(());
        }
        if self.tracing() {
            self.note(TraceEvent::Receive {
                at: now,
                frame,
                node,
            });
        }
        let deadline = self.deadline(frame);
        let s = &mut self.slots[slot];
        let live = self.live.get(frame).expect("an observed frame is live");
        let known = (!s.via_downlink).then_some(&live.truth.symbols);
        let (link, t) = (&mut s.uplink, &self.net.transport);
        let header = link.config().header_bytes;
        let mut eta = |bytes: u64| link.eta_known(now, t.wire_bytes(bytes + header));
        let out = s.receiver.on_observe(frame, obs, known, deadline, &mut eta);
        if let Some(msg) = out {
            self.send_up(now, slot, msg)?;
        }
        self.retire(frame);
        Ok(())
    }

    fn on_node_input(
        &mut self,
        now: SimTime,
        slot: usize,
        msg: Message<Downlink>,
    ) -> Result<(), EngineError> {
        if self.slots[slot].down {
            return Ok(());
        }
        let Downlink::Symbols(block) = msg.payload;
        let symbols = block.decode(&self.ctx.w, &self.ctx.scene.a);
        let s = &mut self.slots[slot];
        let (link, t) = (&mut s.uplink, &self.net.transport);
        let header = link.config().header_bytes;
        let mut eta = |bytes: u64| link.eta_known(now, t.wire_bytes(bytes + header));
        let out = s.receiver.on_symbols(msg.frame, symbols, &mut eta);
        if let Some(m) = out {
            self.send_up(now, slot, m)?;
        }
        Ok(())
    }

    /// What the CC made of a report of `frame` (`kind`) from the node of
    /// `slot`.
    fn on_cc_input(
        &mut self,
        now: SimTime,
        slot: usize,
        (frame, kind): (u64, MessageKind),
        input: CcInput,
    ) {
        match input {
            CcInput::Stored => {}
            CcInput::Decided(d) => self.decided(d),
            CcInput::Late => {
                self.metrics.late += 1;
                if self.tracing() {
                    let node = self.slots[slot].receiver.node();
                    self.note(TraceEvent::Late {
                        at: now,
                        frame,
                        from: node,
                        link: LinkId::Up(node),
                        kind,
                    });
                }
            }
        }
    }

    /// The node of `slot` crashes: it stops observing, forgets what it
    /// waited for, and loses what it had queued or in flight on its uplink.
    fn on_crash(&mut self, now: SimTime, slot: usize) {
        let s = &mut self.slots[slot];
        s.down = true;
        s.receiver.reset();
        s.uplink.flush(now);
        self.cut_flights(now, slot);
    }

    fn decided(&mut self, d: CcDecision) {
        let end = self.frame_start(d.frame).plus(self.air);
        let live = self.live.get_mut(d.frame).expect("a decided frame is live");
        live.decided = true;
        let target = live.truth.target;
        let mut weights = std::mem::take(&mut self.weights);
        weights.clear();
        if !target {
            importance_weights(
                &self.medium,
                &self.cfg.levels,
                &live.truth,
                &d,
                &mut weights,
            );
        }
        if self.tracing() {
            self.note(TraceEvent::Decide {
                at: d.at,
                frame: d.frame,
                declared: d.declared,
                target,
                soft: d.soft as u32,
                bits: d.bits as u32,
                missing: d.missing as u32,
            });
        }
        let m = &mut self.metrics;
        m.frames += 1;
        let fused = d.soft + d.bits;
        if m.fused_nodes.len() <= fused {
            m.fused_nodes.resize(fused + 1, 0);
        }
        m.fused_nodes[fused] += 1;
        if let Some(a) = &mut self.cfg.arrived {
            if target {
                m.pd_arrived_sum += a.pd(&d.fused);
            } else {
                m.pfa_arrived_sum += a.pfa(&d.fused);
            }
        }
        for (l, level) in m.levels.iter_mut().enumerate() {
            let declared = d.declared_at[l];
            if target {
                level.target_frames += 1;
                level.detected += u64::from(declared);
            } else {
                level.false_alarms.add(weights[l], declared);
            }
        }
        if target {
            self.drop_counts.0 += 1;
            self.drop_counts.1 += u64::from(d.declared);
        }
        let latency = d.at.0.saturating_sub(end.0);
        m.latency.add(latency);
        m.latency_sum_s += latency as f64 * 1e-12;
        m.fused.samples += d.samples as u64;
        m.fused.soft += d.soft as u64;
        m.fused.bits += d.bits as u64;
        m.fused.missing += d.missing as u64;
        if self.cfg.record_frames {
            self.frames.push(FrameRecord {
                drop: self.ctx.id.drop,
                frame: d.frame,
                target,
                declared: d.declared,
                statistic: d.statistic,
                threshold: d.threshold,
                latency_s: latency as f64 * 1e-12,
                samples: d.samples as u32,
                soft: d.soft as u32,
                bits: d.bits as u32,
                missing: d.missing as u32,
                weights: weights.clone(),
            });
        }
        self.weights = weights;
        self.retire(d.frame);
        self.cc.recycle(d);
    }

    fn retire(&mut self, frame: u64) {
        if self
            .live
            .get(frame)
            .is_some_and(|l| l.decided && l.observes_left == 0)
            && let Some(l) = self.live.close(frame)
        {
            self.medium.recycle(l.truth);
        }
    }
}

/// The importance weight of a target-free frame at each level, into `out`:
/// 1 without importance sampling, else the likelihood ratio of what the CC
/// fused (`importance::BiasLaw::weight`), from the frame's noise generators.
fn importance_weights(
    medium: &Medium,
    levels: &[Level],
    truth: &FrameTruth,
    d: &CcDecision,
    out: &mut Vec<f64>,
) {
    let Some(law) = medium.bias() else {
        out.resize(levels.len(), 1.0);
        return;
    };
    let gens = |f: &crate::node::Fused| {
        truth.noise[f.node.index()].expect("a fused report's node observed the frame")
    };
    let soft: Vec<f64> = (d.fused.iter())
        .filter(|f| !f.as_bit)
        .map(|f| match f.source {
            Source::Central => gens(f).g1.norm_sqr(),
            Source::Local => gens(f).h.norm_sqr(),
        })
        .collect();
    let has_bits = d.fused.iter().any(|f| f.as_bit);
    for (k, l) in levels.iter().enumerate() {
        if !has_bits && !out.is_empty() {
            out.push(out[0]);
            continue;
        }
        let tau = l.design.tau;
        let bits: Vec<FusedBit> = (d.fused.iter())
            .filter(|f| f.as_bit)
            .map(|f| FusedBit {
                bit: f.statistic > tau,
                mu2: match f.source {
                    Source::Central => 0.0,
                    Source::Local => gens(f).mu.norm_sqr(),
                },
            })
            .collect();
        out.push(law.weight_at(k, &soft, &bits));
    }
}
