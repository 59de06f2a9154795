//! A one-way backhaul link: capacity, latency, a FIFO queue with an optional
//! drop-tail buffer, random loss and outage windows, with counters.

use super::SimTime;
use crate::rng::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// How a link behaves. Defaults: unlimited capacity, zero latency, no buffer
/// limit, no loss, no outages, 8 header bytes per message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkConfig {
    /// Capacity in bit/s; `None` is unlimited (zero serialization delay).
    pub capacity_bps: Option<f64>,
    /// Propagation latency.
    pub latency: SimTime,
    /// Drop-tail limit on bytes queued or in service; `None` is unlimited.
    pub buffer_bytes: Option<u64>,
    /// Probability that a transmitted message is lost.
    pub loss: f64,
    /// Windows `[start, end)` in which the link transmits nothing; messages wait.
    pub outages: Vec<(SimTime, SimTime)>,
    /// Bytes added to every message's encoded length (framing, addressing).
    pub header_bytes: u64,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            capacity_bps: None,
            latency: SimTime::ZERO,
            buffer_bytes: None,
            loss: 0.0,
            outages: Vec::new(),
            header_bytes: 8,
        }
    }
}

/// Counters a link keeps for the results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkStats {
    /// Messages offered to the link.
    pub offered: u64,
    /// Bytes offered (header included).
    pub offered_bytes: u64,
    /// Messages that reached the far end.
    pub delivered: u64,
    /// Bytes that reached the far end.
    pub delivered_bytes: u64,
    /// Messages lost in transit (random loss).
    pub lost: u64,
    /// Messages refused by a full buffer (drop-tail).
    pub dropped: u64,
    /// Total picoseconds spent serializing.
    pub busy_ps: u64,
    /// Largest backlog seen (bytes queued or in service, this message included).
    pub peak_queue_bytes: u64,
}

/// What became of one message offered to a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transmission {
    /// It will arrive at `arrive`; it was serialized during `[start, finish)`.
    Delivered {
        /// Serialization start (after queueing and outages).
        start: SimTime,
        /// Serialization end.
        finish: SimTime,
        /// Arrival at the far end: `finish + latency`.
        arrive: SimTime,
    },
    /// Serialized during `[start, finish)` but lost in transit.
    Lost {
        /// Serialization start.
        start: SimTime,
        /// Serialization end.
        finish: SimTime,
    },
    /// Refused: the buffer held `backlog` bytes and the message did not fit.
    Dropped {
        /// Bytes queued or in service at the time.
        backlog: u64,
    },
}

/// One direction of a backhaul link, with its own random stream for loss.
#[derive(Debug)]
pub struct Link {
    cfg: LinkConfig,
    rng: ChaCha8Rng,
    stats: LinkStats,
}

impl Link {
    /// A link with configuration `cfg` and loss stream `rng`.
    pub fn new(cfg: LinkConfig, rng: ChaCha8Rng) -> Self {
        let _ = (cfg, rng);
        todo!("helper: engine")
    }

    /// The configuration.
    pub fn config(&self) -> &LinkConfig {
        &self.cfg
    }

    /// The counters so far.
    pub fn stats(&self) -> &LinkStats {
        &self.stats
    }

    /// Serialization time of `bytes` (header included by the caller):
    /// `ceil(8 bytes 1e12 / capacity)` picoseconds, zero when unlimited.
    pub fn serialization(&self, bytes: u64) -> SimTime {
        let _ = bytes;
        todo!("helper: engine")
    }

    /// Bytes queued or in service at `now`.
    pub fn backlog(&mut self, now: SimTime) -> u64 {
        let _ = now;
        todo!("helper: engine")
    }

    /// When a message of `payload_bytes` offered at `now` would arrive if not
    /// lost or dropped (header added here), without sending it: what an
    /// adaptive sender consults.
    pub fn earliest_arrival(&mut self, now: SimTime, payload_bytes: u64) -> SimTime {
        let _ = (now, payload_bytes);
        todo!("helper: engine")
    }

    /// Offers a message of `payload_bytes` (header added here) at `now`.
    pub fn send(&mut self, now: SimTime, payload_bytes: u64) -> Transmission {
        let _ = (now, payload_bytes);
        todo!("helper: engine")
    }
}
