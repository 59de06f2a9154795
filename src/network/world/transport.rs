//! How the world moves a message across the backhaul: a flight per message,
//! split into packets on every hop (the node's access link, then its shared
//! segment, if any), lost or retransmitted per packet, discarded at the next
//! hop once stale, and handed to the CC or the node when its last packet
//! arrives.

use super::{EngineError, Event, World};
use crate::network::transport::{Stale, Transport};
use crate::node::{Downlink, Message, MessageKind, NodeId, Report, Sender};
use crate::sim::{Offered, SimTime, Transmission};
use crate::trace::{DropReason, LinkId, TraceEvent};

/// What a flight carries, and to whom.
pub(super) enum Cargo {
    /// A report of the node in `slot`, for the CC.
    Up(Message<Report>),
    /// A downlink message for the node in `slot`.
    Down(Message<Downlink>),
}

/// One hop of a flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hop {
    /// The node's own link (uplink or downlink, by the cargo).
    Access,
    /// Shared aggregation segment `s`, where the node is sender `sender`.
    Segment { s: u32, sender: u32 },
}

/// A message on its way (its cargo waits beside it, in
/// `World::cargos`: a flight stays small enough to move cheaply).
pub(super) struct Flight {
    /// Whether it is a report to the CC (else a downlink message).
    up: bool,
    slot: usize,
    /// The node of `slot` (the sender of a report, the recipient of a
    /// downlink message).
    node: NodeId,
    frame: u64,
    kind: MessageKind,
    from: Sender,
    /// The message's encoding plus the access link's header.
    bytes: u64,
    /// Its hops, the one in progress at `hop`.
    hops: [Option<Hop>; 2],
    hop: usize,
    /// Packets on this hop not yet arrived, lost or given up.
    pending: u32,
    /// Whether a packet was lost for good (datagram) or it was cut.
    lost: Option<DropReason>,
    /// The latest end of serialization on this hop (crash checks).
    finish: SimTime,
    /// When it was sent.
    sent: SimTime,
}

impl Flight {
    fn link(&self) -> LinkId {
        match (self.hops[self.hop], self.up) {
            (Some(Hop::Segment { s, .. }), _) => LinkId::Agg(s as u16),
            (_, true) => LinkId::Up(self.node),
            (_, false) => LinkId::Down(self.node),
        }
    }

    /// Where it is going: the CC, or the node.
    fn to(&self) -> Sender {
        match self.up {
            true => Sender::Cc,
            false => Sender::Node(self.node),
        }
    }
}

impl World {
    /// Node `slot`'s report onto its uplink (and segment).
    pub(super) fn send_up(
        &mut self,
        now: SimTime,
        slot: usize,
        msg: Message<Report>,
    ) -> Result<(), EngineError> {
        let segment = self.slots[slot].segment;
        let hops = [
            Some(Hop::Access),
            segment.map(|(s, sender)| Hop::Segment {
                s: s as u32,
                sender: sender as u32,
            }),
        ];
        let bytes = msg.wire_len() + self.slots[slot].uplink.config().header_bytes;
        self.metrics.reports += 1;
        self.fly(now, slot, Cargo::Up(msg), hops, bytes)
    }

    /// The CC's message onto the downlink of node `slot`.
    pub(super) fn send_down(
        &mut self,
        now: SimTime,
        slot: usize,
        msg: Message<Downlink>,
    ) -> Result<(), EngineError> {
        let link = self.slots[slot]
            .downlink
            .as_ref()
            .expect("only RAP slots have downlinks");
        let bytes = msg.wire_len() + link.config().header_bytes;
        let hops = [Some(Hop::Access), None];
        self.fly(now, slot, Cargo::Down(msg), hops, bytes)
    }

    /// Puts `cargo` (`bytes` on the wire with its header) on its way from
    /// or to the node of `slot`, over `hops`.
    fn fly(
        &mut self,
        now: SimTime,
        slot: usize,
        cargo: Cargo,
        hops: [Option<Hop>; 2],
        bytes: u64,
    ) -> Result<(), EngineError> {
        self.metrics.messages += 1;
        let id = match self.free_flights.pop() {
            Some(i) => i,
            None => {
                self.flights.push(None);
                self.cargos.push(None);
                (self.flights.len() - 1) as u32
            }
        };
        // The message's tags are read where it now waits, in the slab.
        let (up, frame, kind, from) = match self.cargos[id as usize].insert(cargo) {
            Cargo::Up(m) => (true, m.frame, m.payload.kind(), m.from),
            Cargo::Down(m) => (false, m.frame, m.payload.kind(), Sender::Cc),
        };
        self.flights[id as usize] = Some(Flight {
            up,
            slot,
            node: self.slots[slot].receiver.node(),
            frame,
            kind,
            from,
            bytes,
            hops,
            hop: 0,
            pending: 0,
            lost: None,
            finish: now,
            sent: now,
        });
        self.start_hop(now, id)
    }

    fn flight(&mut self, id: u32) -> &mut Flight {
        self.flights[id as usize].as_mut().expect("a live flight")
    }

    /// Offers flight `id`'s packets to its current hop.
    fn start_hop(&mut self, now: SimTime, id: u32) -> Result<(), EngineError> {
        let f = self.flights[id as usize].as_ref().expect("a live flight");
        let (frame, kind, from, link, hop) = (f.frame, f.kind, f.from, f.link(), f.hops[f.hop]);
        let packets = self.net.transport.packet_sizes(f.bytes);
        if self.tracing() {
            let bytes = packets.sum();
            self.note(TraceEvent::Enqueue {
                at: now,
                frame,
                from,
                link,
                kind,
                bytes,
            });
        }
        if let Some(Hop::Segment { .. }) = hop
            && self.is_stale(now, frame)
        {
            return self.end_flight(now, id, Some(DropReason::Stale));
        }
        for bytes in packets {
            self.send_packet(now, id, bytes, 1)?;
        }
        if self.flight(id).pending == 0 {
            // Every packet was lost or refused at once.
            let lost = self.flight(id).lost;
            return self.end_flight(now, id, lost);
        }
        Ok(())
    }

    /// Whether a message of `frame` has become useless: its frame decided or
    /// its deadline passed (only under `stale = "skip"`).
    fn is_stale(&self, now: SimTime, frame: u64) -> bool {
        self.net.transport.stale == Stale::Skip
            && (now > self.deadline(frame) || self.live.get(frame).is_none_or(|l| l.decided))
    }

    /// Sends one packet of flight `id` on its current hop (`attempt` from 1).
    fn send_packet(
        &mut self,
        now: SimTime,
        id: u32,
        bytes: u64,
        attempt: u32,
    ) -> Result<(), EngineError> {
        let jitter = self.net.transport.jitter;
        let f = self.flights[id as usize].as_ref().expect("a live flight");
        let (frame, slot) = (f.frame, f.slot);
        match f.hops[f.hop] {
            Some(Hop::Segment { s, sender }) => {
                let (s, sender) = (s as usize, sender as usize);
                // Under `skip`, an idle segment does not start what cannot
                // reach the CC by the deadline (a busy one judges it when
                // its turn comes, in `serve_next`).
                let seg = &self.segments[s];
                if self.net.transport.stale == Stale::Skip
                    && seg.idle()
                    && seg.arrival_if_started(now, bytes) > self.deadline(frame)
                {
                    self.flight(id).lost.get_or_insert(DropReason::Stale);
                    return Ok(());
                }
                match self.segments[s].offer(now, sender, id, bytes) {
                    Offered::Started { finish } => {
                        self.note_send(id, now, finish, bytes);
                        self.schedule(finish, Event::SegmentDone(s))?;
                        self.flight(id).pending += 1;
                    }
                    Offered::Queued => self.flight(id).pending += 1,
                    Offered::Dropped { backlog } => self.packet_lost(
                        now,
                        id,
                        bytes,
                        attempt,
                        now,
                        DropReason::Buffer { backlog },
                    )?,
                }
            }
            _ => {
                let s = &mut self.slots[slot];
                let l = match f.up {
                    true => &mut s.uplink,
                    false => s.downlink.as_mut().expect("only RAP slots have downlinks"),
                };
                match l.send_raw(now, bytes) {
                    Transmission::Delivered {
                        start,
                        finish,
                        arrive,
                    } => {
                        let arrive = arrive + l.jitter(jitter);
                        self.note_send(id, start, finish, bytes);
                        let f = self.flight(id);
                        f.pending += 1;
                        f.finish = f.finish.max(finish);
                        self.schedule(arrive, Event::PacketArrive { flight: id })?;
                    }
                    Transmission::Lost { start, finish } => {
                        self.note_send(id, start, finish, bytes);
                        self.packet_lost(now, id, bytes, attempt, finish, DropReason::Loss)?;
                    }
                    Transmission::Dropped { backlog } => self.packet_lost(
                        now,
                        id,
                        bytes,
                        attempt,
                        now,
                        DropReason::Buffer { backlog },
                    )?,
                }
            }
        }
        Ok(())
    }

    /// A packet of flight `id` lost at `at` (end of serialization, or the
    /// refusal): reliable transport sends it again after the timeout;
    /// datagram loses the message.
    fn packet_lost(
        &mut self,
        _now: SimTime,
        id: u32,
        bytes: u64,
        attempt: u32,
        at: SimTime,
        reason: DropReason,
    ) -> Result<(), EngineError> {
        let t = &self.net.transport;
        if t.transport == Transport::Reliable && attempt < t.max_attempts {
            let at = at + t.rto;
            self.metrics.retransmissions += 1;
            if self.tracing() {
                let (frame, from, link, kind) = self.tag(id);
                self.note(TraceEvent::Retransmit {
                    at,
                    frame,
                    from,
                    link,
                    kind,
                    bytes,
                });
            }
            self.flight(id).pending += 1;
            return self.schedule(
                at,
                Event::Retransmit {
                    flight: id,
                    bytes,
                    attempt: attempt + 1,
                },
            );
        }
        let f = self.flight(id);
        f.lost.get_or_insert(reason);
        Ok(())
    }

    /// A retransmission timer of flight `id` fires.
    pub(super) fn on_retransmit(
        &mut self,
        now: SimTime,
        id: u32,
        bytes: u64,
        attempt: u32,
    ) -> Result<(), EngineError> {
        let f = self.flights[id as usize].as_ref().expect("a live flight");
        let (frame, slot) = (f.frame, f.slot);
        self.flight(id).pending -= 1;
        if self.is_stale(now, frame) || self.slots[slot].down {
            let f = self.flight(id);
            f.lost.get_or_insert(DropReason::Stale);
        } else {
            self.send_packet(now, id, bytes, attempt)?;
        }
        self.maybe_done(now, id)
    }

    /// A packet of flight `id` arrives at the end of its hop.
    pub(super) fn on_packet(&mut self, now: SimTime, id: u32) -> Result<(), EngineError> {
        self.flight(id).pending -= 1;
        self.maybe_done(now, id)
    }

    /// A segment's service ends: its packet travels on, the next starts.
    pub(super) fn on_segment_done(&mut self, now: SimTime, s: usize) -> Result<(), EngineError> {
        let (id, arrive) = self.segments[s].done(now);
        self.schedule(arrive, Event::PacketArrive { flight: id })?;
        self.serve_next(now, s)
    }

    /// Segment `s` is free: under `stale = "skip"` it first discards the
    /// waiting packets that can no longer reach the CC by their deadline
    /// (the frame decided, the deadline passed, or service from now would
    /// end too late: the segment knows its own queue), then serves the next.
    fn serve_next(&mut self, now: SimTime, s: usize) -> Result<(), EngineError> {
        if self.net.transport.stale == Stale::Skip {
            while let Some((next, bytes)) = self.segments[s].peek() {
                let frame = self.flights[next as usize]
                    .as_ref()
                    .expect("a live flight")
                    .frame;
                let arrival = self.segments[s].arrival_if_started(now, bytes);
                if !self.is_stale(now, frame) && arrival <= self.deadline(frame) {
                    break;
                }
                self.segments[s].discard_next();
                let f = self.flight(next);
                f.pending -= 1;
                f.lost.get_or_insert(DropReason::Stale);
                self.maybe_done(now, next)?;
            }
        }
        if let Some((next, bytes, finish)) = self.segments[s].start_next(now) {
            self.note_send(next, now, finish, bytes);
            self.schedule(finish, Event::SegmentDone(s))?;
        }
        Ok(())
    }

    /// What a trace record says of flight `id`: frame, sender, link, kind.
    fn tag(&self, id: u32) -> (u64, Sender, LinkId, MessageKind) {
        let f = self.flights[id as usize].as_ref().expect("a live flight");
        (f.frame, f.from, f.link(), f.kind)
    }

    /// Traces a packet of flight `id` serialized on its hop from `at` to
    /// `finish` (when tracing).
    fn note_send(&mut self, id: u32, at: SimTime, finish: SimTime, bytes: u64) {
        if self.tracing() {
            let (frame, from, link, kind) = self.tag(id);
            self.note(TraceEvent::Send {
                at,
                finish,
                frame,
                from,
                link,
                kind,
                bytes,
            });
        }
    }

    /// Completes the hop once no packet of flight `id` is pending.
    fn maybe_done(&mut self, now: SimTime, id: u32) -> Result<(), EngineError> {
        let f = self.flight(id);
        if f.pending > 0 {
            return Ok(());
        }
        if let Some(reason) = f.lost {
            return self.end_flight(now, id, Some(reason));
        }
        let (frame, kind, link, to, bytes) = (f.frame, f.kind, f.link(), f.to(), f.bytes);
        if self.tracing() {
            self.note(TraceEvent::Deliver {
                at: now,
                frame,
                to,
                link,
                kind,
                bytes,
            });
        }
        let f = self.flight(id);
        f.hop += 1;
        if f.hops.get(f.hop).copied().flatten().is_some() {
            f.pending = 0;
            return self.start_hop(now, id);
        }
        let (slot, sent) = (f.slot, f.sent);
        self.flights[id as usize] = None;
        self.free_flights.push(id);
        // A report is read where it waits (moving it out first would copy
        // it through the stack), and dropped before anything can reuse `id`.
        let cargo = &mut self.cargos[id as usize];
        match cargo.as_ref().expect("a live flight's cargo") {
            Cargo::Up(msg) => {
                let input = self.cc.on_report(now, msg);
                *cargo = None;
                self.metrics.reports_delivered += 1;
                self.metrics.report_delay_sum_s += (now - sent).as_secs();
                self.on_cc_input(now, slot, (frame, kind), input);
            }
            Cargo::Down(_) => {
                let Some(Cargo::Down(msg)) = cargo.take() else {
                    unreachable!("matched a downlink cargo")
                };
                self.on_node_input(now, slot, msg)?;
            }
        }
        Ok(())
    }

    /// Ends flight `id` without delivering it (`reason`), counting it.
    fn end_flight(
        &mut self,
        now: SimTime,
        id: u32,
        reason: Option<DropReason>,
    ) -> Result<(), EngineError> {
        let f = self.flights[id as usize].take().expect("a live flight");
        self.cargos[id as usize] = None;
        self.free_flights.push(id);
        let reason = reason.unwrap_or(DropReason::Loss);
        match reason {
            DropReason::Loss | DropReason::Crash => self.metrics.lost += 1,
            DropReason::Buffer { .. } => self.metrics.dropped += 1,
            DropReason::Stale => self.metrics.stale_discarded += 1,
        }
        if self.tracing() {
            let link = f.link();
            let (frame, from, kind, bytes) = (f.frame, f.from, f.kind, f.bytes);
            self.note(TraceEvent::Drop {
                at: now,
                frame,
                from,
                link,
                kind,
                bytes,
                reason,
            });
        }
        Ok(())
    }

    /// Node `slot` crashes: what it has queued or in flight on its access
    /// link is lost.
    pub(super) fn cut_flights(&mut self, now: SimTime, slot: usize) {
        for f in self.flights.iter_mut().flatten() {
            let on_access = f.hop == 0 && f.up;
            if f.slot == slot && on_access && f.finish > now {
                f.lost = Some(DropReason::Crash);
            }
        }
    }
}
