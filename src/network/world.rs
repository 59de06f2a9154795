//! One drop of the network: actors, links and the event loop that joins them.

use super::config::per_node;
use super::medium::{FrameTruth, SymbolBook, node_signal};
use super::metrics::{FrameRecord, LinkReport, RunMetrics};
use super::{NetParams, SymbolDelivery};
use crate::linalg::CMat;
use crate::node::{Cc, CcDecision, CcInput, Receiver};
use crate::params::Params;
use crate::radio::Scene;
use crate::rng::stream;
use crate::sim::{Kernel, Link, Message, Payload, SimTime, Transmission};
use std::collections::BTreeMap;
use std::sync::Arc;
use tracing::debug;

/// Stream tag: a link's loss draws.
pub const STREAM_LINK: u64 = 14;

#[derive(Debug)]
enum Event {
    FrameStart(u64),
    Observe { frame: u64, node: usize },
    ToCc(Message),
    ToNode { node: usize, msg: Message },
    Deadline(u64),
}

struct Live {
    truth: FrameTruth,
    observes_left: usize,
    decided: bool,
}

/// The network for one drop: receivers, the CC, one uplink per node and one
/// downlink per RAP, and the kernel.
pub struct World {
    seed: u64,
    drop: u64,
    params: Arc<Params>,
    net: Arc<NetParams>,
    scene: Arc<Scene>,
    w: CMat,
    book: Arc<SymbolBook>,
    kernel: Kernel<Event>,
    nodes: Vec<usize>,
    receivers: BTreeMap<usize, Receiver>,
    uplinks: BTreeMap<usize, Link>,
    downlinks: BTreeMap<usize, Link>,
    cc: Cc,
    live: BTreeMap<u64, Live>,
    air: SimTime,
    interval: SimTime,
    budget: SimTime,
    propagation: Vec<SimTime>,
    metrics: RunMetrics,
}

fn node_name(r: usize) -> String {
    if r == 0 {
        "bs".into()
    } else {
        format!("rap{r}")
    }
}

impl World {
    /// Builds the network for drop `drop` with precoder `w`, receivers `receivers`
    /// (one per node in `nodes`) and CC `cc`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        seed: u64,
        drop: u64,
        params: Arc<Params>,
        net: Arc<NetParams>,
        scene: Arc<Scene>,
        w: CMat,
        book: Arc<SymbolBook>,
        nodes: Vec<usize>,
        receivers: Vec<Receiver>,
        cc: Cc,
    ) -> Self {
        let link = |cfgs: &[crate::sim::LinkConfig], r: usize, dir: u64| {
            Link::new(
                per_node(cfgs, r),
                stream(seed, &[STREAM_LINK, drop, dir, r as u64]),
            )
        };
        let uplinks = nodes
            .iter()
            .map(|&r| (r, link(&net.uplinks, r, 0)))
            .collect();
        let downlinks = nodes
            .iter()
            .filter(|&&r| r > 0)
            .map(|&r| (r, link(&net.downlinks, r, 1)))
            .collect();
        let c = 299_792_458.0;
        let l = &scene.layout;
        let d = |p: [f64; 2], q: [f64; 2]| (p[0] - q[0]).hypot(p[1] - q[1]);
        let propagation = (0..scene.nodes())
            .map(|r| {
                if net.propagation {
                    SimTime::from_secs((d(l.bs, l.target) + d(l.target, l.node(r))) / c)
                } else {
                    SimTime::ZERO
                }
            })
            .collect();
        let air = SimTime::from_secs(net.symbol_time_s * params.system.frame_symbols as f64);
        World {
            seed,
            drop,
            interval: SimTime::from_secs(net.frame_interval_s).max(air),
            budget: SimTime::from_secs(net.deadline_s),
            air,
            propagation,
            params,
            net,
            scene,
            w,
            book,
            kernel: Kernel::new(),
            receivers: receivers.into_iter().map(|r| (r.node, r)).collect(),
            nodes,
            uplinks,
            downlinks,
            cc,
            live: BTreeMap::new(),
            metrics: RunMetrics {
                drops: 1,
                ..RunMetrics::default()
            },
        }
    }

    fn frame_start(&self, n: u64) -> SimTime {
        SimTime(self.interval.0.saturating_mul(n))
    }

    fn deadline(&self, n: u64) -> SimTime {
        self.frame_start(n).plus(self.air).plus(self.budget)
    }

    /// Runs `frames` frames and returns what was measured.
    pub fn run(mut self, frames: u64) -> RunMetrics {
        if frames > 0 {
            self.kernel.schedule(SimTime::ZERO, Event::FrameStart(0));
        }
        while let Some((now, ev)) = self.kernel.pop() {
            match ev {
                Event::FrameStart(n) => self.on_frame_start(now, n, frames),
                Event::Observe { frame, node } => self.on_observe(now, frame, node),
                Event::ToCc(msg) => self.on_cc_input(now, msg),
                Event::ToNode { node, msg } => self.on_node_input(now, node, msg),
                Event::Deadline(n) => {
                    let d = self.cc.on_deadline(now, n);
                    if let Some(d) = d {
                        self.record(d);
                    }
                }
            }
        }
        let span = self.frame_start(frames).max(self.kernel.now()).0;
        let report = |links: &BTreeMap<usize, Link>, len: usize| {
            let mut v = vec![LinkReport::default(); len];
            for (&r, l) in links {
                v[r] = LinkReport {
                    stats: *l.stats(),
                    span_ps: span,
                };
            }
            v
        };
        self.metrics.uplinks = report(&self.uplinks, self.scene.nodes());
        self.metrics.downlinks = report(&self.downlinks, self.scene.nodes());
        self.metrics
    }

    fn on_frame_start(&mut self, now: SimTime, n: u64, frames: u64) {
        let _span = tracing::debug_span!(target: "iaps::sim", "frame", frame = n).entered();
        let p = &self.params;
        let truth = FrameTruth::draw(
            self.seed,
            self.drop,
            n,
            &self.scene,
            &self.w,
            &self.book,
            p.system.frame_symbols,
            p.sensing.target,
            self.net.target_probability,
        );
        debug!(target: "iaps::sim", sim_time_ns = now.as_nanos_f64(), frame = n, node = "bs", link = "", kind = "frame", bytes = 0u64, target = truth.target, "transmit");
        self.cc.on_frame(n, truth.x.clone(), truth.u.clone());
        if self.net.symbols == SymbolDelivery::Downlink {
            let raps: Vec<usize> = self.nodes.iter().copied().filter(|&r| r > 0).collect();
            for r in raps {
                let msg = Message {
                    frame: n,
                    node: u32::MAX,
                    payload: Payload::Symbols(truth.indices.clone()),
                };
                self.transmit(now, r, false, msg);
            }
        }
        for i in 0..self.nodes.len() {
            let r = self.nodes[i];
            let at = now.plus(self.air).plus(self.propagation[r]);
            self.kernel
                .schedule(at, Event::Observe { frame: n, node: r });
        }
        self.kernel.schedule(self.deadline(n), Event::Deadline(n));
        self.live.insert(
            n,
            Live {
                truth,
                observes_left: self.nodes.len(),
                decided: false,
            },
        );
        if n + 1 < frames {
            self.kernel
                .schedule(self.frame_start(n + 1), Event::FrameStart(n + 1));
        }
    }

    fn on_observe(&mut self, now: SimTime, frame: u64, r: usize) {
        let _span = tracing::debug_span!(target: "iaps::sim", "frame", frame).entered();
        let live = self.live.get_mut(&frame).expect("frame is live");
        let z = node_signal(
            self.seed,
            self.drop,
            frame,
            r,
            &self.scene,
            &live.truth,
            self.params.noise.sensing_w,
        );
        live.observes_left -= 1;
        debug!(target: "iaps::sim", sim_time_ns = now.as_nanos_f64(), frame, node = node_name(r), link = "", kind = "samples", bytes = 0u64, "receive");
        let deadline = self.deadline(frame);
        let link = self.uplinks.get_mut(&r).expect("uplink");
        let mut eta = |bytes: u64| link.earliest_arrival(now, bytes);
        let out = self
            .receivers
            .get_mut(&r)
            .expect("receiver")
            .on_observe(frame, z, deadline, &mut eta);
        for msg in out {
            self.transmit(now, r, true, msg);
        }
        self.retire(frame);
    }

    fn on_node_input(&mut self, now: SimTime, r: usize, msg: Message) {
        let _span = tracing::debug_span!(target: "iaps::sim", "frame", frame = msg.frame).entered();
        debug!(target: "iaps::sim", sim_time_ns = now.as_nanos_f64(), frame = msg.frame, node = node_name(r), link = format!("down{r}"), kind = msg.payload.kind(), bytes = msg.encoded_len(), "deliver");
        let Payload::Symbols(ix) = msg.payload else {
            return;
        };
        let link = self.uplinks.get_mut(&r).expect("uplink");
        let mut eta = |bytes: u64| link.earliest_arrival(now, bytes);
        let out = self
            .receivers
            .get_mut(&r)
            .expect("receiver")
            .on_symbols(msg.frame, ix, &mut eta);
        for m in out {
            self.transmit(now, r, true, m);
        }
    }

    fn on_cc_input(&mut self, now: SimTime, msg: Message) {
        let _span = tracing::debug_span!(target: "iaps::sim", "frame", frame = msg.frame).entered();
        let (frame, r, kind) = (msg.frame, msg.node as usize, msg.payload.kind());
        debug!(target: "iaps::sim", sim_time_ns = now.as_nanos_f64(), frame, node = "cc", link = format!("up{r}"), kind, bytes = msg.encoded_len(), "deliver");
        match self.cc.on_report(now, msg) {
            CcInput::Stored => {}
            CcInput::Decided(d) => self.record(d),
            CcInput::Late => {
                self.metrics.late += 1;
                debug!(target: "iaps::sim", sim_time_ns = now.as_nanos_f64(), frame, node = node_name(r), link = format!("up{r}"), kind, bytes = 0u64, "late");
            }
        }
    }

    /// Offers `msg` to node r's uplink (`up`) or downlink and schedules its arrival.
    fn transmit(&mut self, now: SimTime, r: usize, up: bool, msg: Message) {
        let bytes = msg.encoded_len();
        let (link, name) = if up {
            (self.uplinks.get_mut(&r).expect("uplink"), format!("up{r}"))
        } else {
            (
                self.downlinks.get_mut(&r).expect("downlink"),
                format!("down{r}"),
            )
        };
        let header = link.config().header_bytes;
        let node = if up { node_name(r) } else { "cc".into() };
        let (frame, kind) = (msg.frame, msg.payload.kind());
        debug!(target: "iaps::sim", sim_time_ns = now.as_nanos_f64(), frame, node = node.as_str(), link = name.as_str(), kind, bytes = bytes + header, "enqueue");
        match link.send(now, bytes) {
            Transmission::Delivered {
                start,
                finish,
                arrive,
            } => {
                debug!(target: "iaps::sim", sim_time_ns = start.as_nanos_f64(), frame, node = node.as_str(), link = name.as_str(), kind, bytes = bytes + header, dur_ns = finish.as_nanos_f64() - start.as_nanos_f64(), "send");
                let ev = if up {
                    Event::ToCc(msg)
                } else {
                    Event::ToNode { node: r, msg }
                };
                self.kernel.schedule(arrive, ev);
            }
            Transmission::Lost { start, finish } => {
                self.metrics.lost += 1;
                debug!(target: "iaps::sim", sim_time_ns = start.as_nanos_f64(), frame, node = node.as_str(), link = name.as_str(), kind, bytes = bytes + header, dur_ns = finish.as_nanos_f64() - start.as_nanos_f64(), "send");
                debug!(target: "iaps::sim", sim_time_ns = finish.as_nanos_f64(), frame, node = node.as_str(), link = name.as_str(), kind, bytes = bytes + header, reason = "loss", "drop");
            }
            Transmission::Dropped { backlog } => {
                self.metrics.dropped += 1;
                debug!(target: "iaps::sim", sim_time_ns = now.as_nanos_f64(), frame, node = node.as_str(), link = name.as_str(), kind, bytes = bytes + header, reason = "buffer", backlog, "drop");
            }
        }
    }

    fn record(&mut self, d: CcDecision) {
        let _span = tracing::debug_span!(target: "iaps::sim", "frame", frame = d.frame).entered();
        let end = self.frame_start(d.frame).plus(self.air);
        let live = self.live.get_mut(&d.frame).expect("frame is live");
        live.decided = true;
        debug!(target: "iaps::sim", sim_time_ns = d.at.as_nanos_f64(), frame = d.frame, node = "cc", link = "", kind = "decision", bytes = 0u64, declared = d.declared, target = live.truth.target, soft = d.soft, bits = d.bits, missing = d.missing, "decide");
        self.metrics.frames.push(FrameRecord {
            drop: self.drop,
            frame: d.frame,
            target: live.truth.target,
            declared: d.declared,
            statistic: d.statistic,
            threshold: d.threshold,
            latency_s: (d.at.0 as f64 - end.0 as f64) * 1e-12,
            samples: d.samples as u32,
            soft: d.soft as u32,
            bits: d.bits as u32,
            missing: d.missing as u32,
        });
        self.retire(d.frame);
    }

    fn retire(&mut self, frame: u64) {
        if self
            .live
            .get(&frame)
            .is_some_and(|l| l.decided && l.observes_left == 0)
        {
            self.live.remove(&frame);
        }
    }
}
