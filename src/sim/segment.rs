//! A shared aggregation segment: one link that several senders' packets
//! cross after their own access links, served first-in first-out or round
//! robin across senders, with a capacity, a latency and a drop-tail buffer.
//!
//! Unlike [`super::Link`], whose FIFO service is computed in closed form at
//! each offer, a segment is an event-driven server: its owner schedules the
//! end of each service ([`Segment::offer`] and [`Segment::done`] return the
//! finish time), because round robin decides the next packet only when the
//! server frees.

use super::SimTime;
use super::link::{LinkStats, serialization};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The order in which a segment serves waiting packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheduling {
    /// In arrival order.
    Fifo,
    /// One packet per sender in turn (senders with nothing waiting are
    /// skipped), so a sender with a long queue cannot starve the others.
    RoundRobin,
}

/// How a segment behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentConfig {
    /// Capacity in bit/s; `None` is unlimited.
    pub capacity_bps: Option<f64>,
    /// Propagation latency.
    pub latency: SimTime,
    /// Drop-tail limit on bytes waiting or in service; `None` is unlimited.
    pub buffer_bytes: Option<u64>,
    /// Service order.
    pub scheduling: Scheduling,
}

/// What became of a packet offered to a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    /// Its service starts now and ends at `finish`: schedule [`Segment::done`].
    Started {
        /// End of service.
        finish: SimTime,
    },
    /// It waits for the server.
    Queued,
    /// Refused: the buffer held `backlog` bytes and the packet did not fit.
    Dropped {
        /// Bytes waiting or in service.
        backlog: u64,
    },
}

/// A segment's state: waiting packets per sender, the one in service.
#[derive(Debug)]
pub struct Segment<T> {
    cfg: SegmentConfig,
    /// Waiting packets: one queue per sender (round robin) or queue 0 (FIFO).
    queues: Vec<VecDeque<(T, u64)>>,
    /// The sender round robin serves next.
    next: usize,
    /// The packet in service and its bytes.
    serving: Option<(T, u64)>,
    /// Bytes waiting or in service.
    backlog: u64,
    stats: LinkStats,
}

impl<T: Copy> Segment<T> {
    /// A segment shared by `senders` senders (indices `0..senders`).
    pub fn new(cfg: SegmentConfig, senders: usize) -> Self {
        let queues = match cfg.scheduling {
            Scheduling::Fifo => 1,
            Scheduling::RoundRobin => senders.max(1),
        };
        Segment {
            cfg,
            queues: (0..queues).map(|_| VecDeque::new()).collect(),
            next: 0,
            serving: None,
            backlog: 0,
            stats: LinkStats::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SegmentConfig {
        &self.cfg
    }

    /// The counters so far (per packet).
    pub fn stats(&self) -> &LinkStats {
        &self.stats
    }

    /// A packet of `bytes` from `sender` arrives at `now`.
    pub fn offer(&mut self, now: SimTime, sender: usize, item: T, bytes: u64) -> Offered {
        self.stats.offered += 1;
        self.stats.offered_bytes += bytes;
        let occupancy = self.backlog.saturating_add(bytes);
        if self.cfg.buffer_bytes.is_some_and(|limit| occupancy > limit) {
            self.stats.dropped += 1;
            return Offered::Dropped {
                backlog: self.backlog,
            };
        }
        self.backlog = occupancy;
        self.stats.peak_queue_bytes = self.stats.peak_queue_bytes.max(occupancy);
        // An idle server with nothing waiting starts at once; otherwise the
        // packet waits its turn (between `done` and `start_next` the owner
        // may still be discarding waiting packets).
        if self.serving.is_none() && self.queues.iter().all(VecDeque::is_empty) {
            self.serving = Some((item, bytes));
            if self.cfg.scheduling == Scheduling::RoundRobin {
                self.next = (sender + 1) % self.queues.len();
            }
            return Offered::Started {
                finish: self.start(now, bytes),
            };
        }
        let q = match self.cfg.scheduling {
            Scheduling::Fifo => 0,
            Scheduling::RoundRobin => sender.min(self.queues.len() - 1),
        };
        self.queues[q].push_back((item, bytes));
        Offered::Queued
    }

    fn start(&mut self, now: SimTime, bytes: u64) -> SimTime {
        let ser = serialization(self.cfg.capacity_bps, bytes);
        self.stats.busy_ps = self.stats.busy_ps.saturating_add(ser.0);
        now + ser
    }

    /// Whether nothing is in service.
    pub fn idle(&self) -> bool {
        self.serving.is_none()
    }

    /// When a packet of `bytes` whose service started at `now` would reach
    /// the far end.
    pub fn arrival_if_started(&self, now: SimTime, bytes: u64) -> SimTime {
        now + serialization(self.cfg.capacity_bps, bytes) + self.cfg.latency
    }

    /// The service in progress ends at `now`: returns the packet and its
    /// arrival at the far end (`now + latency`). The server stays idle until
    /// the owner calls [`Segment::start_next`] (after discarding, with
    /// [`Segment::discard_next`], what it no longer wants served).
    ///
    /// # Panics
    /// If nothing is in service (the owner scheduled a finish that was not
    /// returned by this segment).
    pub fn done(&mut self, now: SimTime) -> (T, SimTime) {
        let (item, bytes) = self.serving.take().expect("a packet is in service");
        self.backlog -= bytes;
        self.stats.delivered += 1;
        self.stats.delivered_bytes += bytes;
        (item, now + self.cfg.latency)
    }

    /// The queue the scheduler serves next, if any packet waits.
    fn next_queue(&self) -> Option<usize> {
        let n = self.queues.len();
        (0..n)
            .map(|i| (self.next + i) % n)
            .find(|&q| !self.queues[q].is_empty())
    }

    /// The waiting packet the scheduler would serve next, and its bytes.
    pub fn peek(&self) -> Option<(T, u64)> {
        self.next_queue()
            .and_then(|q| self.queues[q].front().copied())
    }

    /// Removes the packet [`Segment::peek`] shows without serving it (it
    /// takes its sender's turn under round robin).
    pub fn discard_next(&mut self) -> Option<(T, u64)> {
        let q = self.next_queue()?;
        let (item, bytes) = self.queues[q].pop_front().expect("non-empty queue");
        self.next = (q + 1) % self.queues.len();
        self.backlog -= bytes;
        Some((item, bytes))
    }

    /// Starts serving the next waiting packet, if the server is idle and one
    /// waits: returns it, its bytes and the end of its service.
    pub fn start_next(&mut self, now: SimTime) -> Option<(T, u64, SimTime)> {
        if self.serving.is_some() {
            return None;
        }
        let q = self.next_queue()?;
        let (it, b) = self.queues[q].pop_front().expect("non-empty queue");
        self.next = (q + 1) % self.queues.len();
        self.serving = Some((it, b));
        Some((it, b, self.start(now, b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(scheduling: Scheduling, buffer: Option<u64>) -> Segment<&'static str> {
        Segment::new(
            SegmentConfig {
                capacity_bps: Some(8e6), // 1 us per byte
                latency: SimTime::from_micros(10),
                buffer_bytes: buffer,
                scheduling,
            },
            3,
        )
    }

    /// Runs the segment to completion; returns (item, arrival) in service order.
    fn drain(
        s: &mut Segment<&'static str>,
        mut finish: Option<SimTime>,
    ) -> Vec<(&'static str, SimTime)> {
        let mut out = Vec::new();
        while let Some(f) = finish {
            let (it, at) = s.done(f);
            out.push((it, at));
            finish = s.start_next(f).map(|n| n.2);
        }
        out
    }

    #[test]
    fn fifo_serves_in_arrival_order_back_to_back() {
        let mut s = seg(Scheduling::Fifo, None);
        let t0 = SimTime::ZERO;
        let Offered::Started { finish } = s.offer(t0, 0, "a0", 100) else {
            panic!()
        };
        assert_eq!(finish, SimTime::from_micros(100));
        assert_eq!(s.offer(t0, 0, "a1", 100), Offered::Queued);
        assert_eq!(s.offer(t0, 1, "b0", 50), Offered::Queued);
        let got = drain(&mut s, Some(finish));
        let us = |x| SimTime::from_micros(x);
        assert_eq!(got, [("a0", us(110)), ("a1", us(210)), ("b0", us(260))]);
        assert_eq!(s.stats().delivered, 3);
        assert_eq!(s.stats().busy_ps, us(250).0);
    }

    #[test]
    fn round_robin_alternates_between_senders() {
        let mut s = seg(Scheduling::RoundRobin, None);
        let t0 = SimTime::ZERO;
        let Offered::Started { finish } = s.offer(t0, 0, "a0", 10) else {
            panic!()
        };
        for it in ["a1", "a2"] {
            s.offer(t0, 0, it, 10);
        }
        for it in ["b0", "b1"] {
            s.offer(t0, 1, it, 10);
        }
        s.offer(t0, 2, "c0", 10);
        let order: Vec<&str> = drain(&mut s, Some(finish))
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(order, ["a0", "b0", "c0", "a1", "b1", "a2"]);
    }

    #[test]
    fn a_full_buffer_drops_the_packet() {
        let mut s = seg(Scheduling::Fifo, Some(150));
        assert!(matches!(
            s.offer(SimTime::ZERO, 0, "a", 100),
            Offered::Started { .. }
        ));
        assert_eq!(
            s.offer(SimTime::ZERO, 1, "b", 100),
            Offered::Dropped { backlog: 100 }
        );
        assert_eq!(s.offer(SimTime::ZERO, 1, "c", 50), Offered::Queued);
        assert_eq!(s.stats().dropped, 1);
    }

    #[test]
    fn a_discarded_packet_is_never_served_and_frees_the_buffer() {
        let mut s = seg(Scheduling::Fifo, Some(250));
        let t0 = SimTime::ZERO;
        let Offered::Started { finish } = s.offer(t0, 0, "a", 100) else {
            panic!()
        };
        assert!(!s.idle());
        assert_eq!(s.offer(t0, 1, "b", 100), Offered::Queued);
        assert_eq!(s.offer(t0, 2, "c", 50), Offered::Queued);
        let (it, at) = s.done(finish);
        assert_eq!((it, at), ("a", SimTime::from_micros(110)));
        assert!(s.idle());
        assert_eq!(s.peek(), Some(("b", 100)));
        assert_eq!(s.arrival_if_started(finish, 100), SimTime::from_micros(210));
        assert_eq!(s.discard_next(), Some(("b", 100)));
        // Only c's 50 bytes remain: 200 more fit.
        assert_eq!(s.offer(finish, 0, "d", 200), Offered::Queued);
        let first = s.start_next(finish).map(|n| n.2);
        let got = drain(&mut s, first);
        let us = |x| SimTime::from_micros(x);
        assert_eq!(got, [("c", us(160)), ("d", us(360))]);
        assert_eq!(s.stats().delivered, 3);
    }
}
