//! A one-way backhaul link: capacity, latency, a FIFO queue with an optional
//! drop-tail buffer, random loss and outage windows, with counters.

use super::SimTime;
use crate::rng::ChaCha8Rng;
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How a link behaves. [`LinkConfig::default`] is the ideal link: unlimited
/// capacity, zero latency, no buffer limit, no loss, no outages, 8 header
/// bytes per message. (The network's default link, `NetParams::default_link`,
/// is this one with 50 us latency.)
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
    /// The ideal link: unlimited, instantaneous, lossless, 8 header bytes.
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

/// A key of a link's configuration, named as a scenario file names it (times
/// in seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKey {
    /// [`LinkConfig::capacity_bps`].
    CapacityBps,
    /// [`LinkConfig::latency`].
    LatencyS,
    /// [`LinkConfig::buffer_bytes`].
    BufferBytes,
    /// [`LinkConfig::loss`].
    Loss,
    /// [`LinkConfig::outages`].
    OutagesS,
    /// [`LinkConfig::header_bytes`].
    HeaderBytes,
}

impl LinkKey {
    /// Every key, in the order of [`LinkConfig`]'s fields.
    pub const ALL: [LinkKey; 6] = [
        LinkKey::CapacityBps,
        LinkKey::LatencyS,
        LinkKey::BufferBytes,
        LinkKey::Loss,
        LinkKey::OutagesS,
        LinkKey::HeaderBytes,
    ];

    /// The key's name: `capacity_bps`, `latency_s`, `buffer_bytes`, `loss`,
    /// `outages_s`, `header_bytes`.
    pub fn name(self) -> &'static str {
        match self {
            LinkKey::CapacityBps => "capacity_bps",
            LinkKey::LatencyS => "latency_s",
            LinkKey::BufferBytes => "buffer_bytes",
            LinkKey::Loss => "loss",
            LinkKey::OutagesS => "outages_s",
            LinkKey::HeaderBytes => "header_bytes",
        }
    }
}

impl std::fmt::Display for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A link setting outside its valid range.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkProblem {
    /// The key.
    pub key: LinkKey,
    /// The offending value, printed (times in seconds).
    pub value: String,
    /// The valid range, in words.
    pub expected: &'static str,
}

impl LinkConfig {
    /// Checks every range; returns all violations, not just the first. Any
    /// latency, buffer and header size is valid (a [`SimTime`] cannot be
    /// negative; a finite number of seconds becomes one with
    /// [`SimTime::from_secs_checked`]).
    pub fn validate(&self) -> Vec<LinkProblem> {
        let mut out = Vec::new();
        if let Some(c) = self.capacity_bps.filter(|c| !(*c > 0.0 && c.is_finite())) {
            out.push(LinkProblem {
                key: LinkKey::CapacityBps,
                value: c.to_string(),
                expected: "must be > 0 bit/s (None is unlimited)",
            });
        }
        if !(0.0..=1.0).contains(&self.loss) {
            out.push(LinkProblem {
                key: LinkKey::Loss,
                value: self.loss.to_string(),
                expected: "must be in [0, 1]",
            });
        }
        for (a, b) in self.outages.iter().filter(|(a, b)| a > b) {
            out.push(LinkProblem {
                key: LinkKey::OutagesS,
                value: format!("[{}, {}]", a.as_secs_nearest(), b.as_secs_nearest()),
                expected: "must be [start, end] with start <= end",
            });
        }
        out
    }
}

/// Serialization time of `bytes` at `capacity_bps` (`None` is unlimited):
/// `ceil(8 bytes 1e12 / capacity)` picoseconds, zero when unlimited.
///
/// Integer capacities are computed exactly in integers (1000 bytes at 1e6
/// bit/s is exactly 8e9 ps); others in f64, rounded up. A capacity of `+inf`
/// takes no time; a zero, negative or NaN capacity never finishes
/// ([`SimTime::NEVER`]).
pub fn serialization(capacity_bps: Option<f64>, bytes: u64) -> SimTime {
    let Some(c) = capacity_bps else {
        return SimTime::ZERO;
    };
    if c == f64::INFINITY || bytes == 0 {
        SimTime::ZERO
    } else if c.is_nan() || c <= 0.0 {
        SimTime::NEVER
    } else if c.fract() == 0.0 && c < 2f64.powi(100) {
        let c = c as u128;
        let bits_ps = u128::from(bytes) * 8 * 1_000_000_000_000;
        SimTime(u64::try_from(bits_ps.div_ceil(c)).unwrap_or(u64::MAX))
    } else {
        let ps = (bytes as f64 * 8e12 / c).ceil();
        SimTime(if ps >= u64::MAX as f64 {
            u64::MAX
        } else {
            ps as u64
        })
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

impl LinkStats {
    /// Fraction of `span` the link spent serializing (`busy_ps / span`).
    pub fn utilization(&self, span: SimTime) -> f64 {
        self.busy_ps as f64 / span.0 as f64
    }
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
///
/// Every message carries `payload_bytes + header_bytes` bytes; that count is
/// what the counters, the serialization time and the buffer see.
///
/// * **FIFO service.** A message offered at `now` starts at
///   `max(now, busy_until)`, where `busy_until` is the previous message's
///   finish; it is serialized for [`Link::serialization`] and arrives
///   `latency` after its finish.
/// * **Outages.** If `[start, start + ser)` overlaps an outage window
///   `[a, b)`, the start moves to `b` (repeatedly, for later windows); a
///   transmission never straddles an outage. A zero-length transmission at `t`
///   is blocked when `a <= t < b`. Windows may be given unsorted or
///   overlapping: they are sorted and merged at construction (empty ones are
///   ignored).
/// * **Drop-tail buffer.** The backlog at `now` is the bytes of the accepted
///   messages whose serialization finishes after `now` (queued or in service).
///   If `backlog + bytes > buffer_bytes` the message is
///   [`Transmission::Dropped`] and nothing is queued.
/// * **Loss.** An accepted message is serialized (it consumes capacity) and
///   then lost with probability `loss`. A uniform is drawn from the link's
///   stream only when `0 < loss < 1`, so a loss-free link never draws and
///   `loss >= 1` always loses.
///
/// `now` must not decrease from one call to the next (the kernel's clock):
/// finished messages are purged from the backlog for good.
#[derive(Debug)]
pub struct Link {
    cfg: LinkConfig,
    rng: ChaCha8Rng,
    stats: LinkStats,
    /// Outage windows, sorted, disjoint and non-adjacent.
    outages: Vec<(SimTime, SimTime)>,
    /// Finish of the last accepted message.
    busy_until: SimTime,
    /// `(finish, bytes)` of accepted messages not yet known to be finished.
    queue: VecDeque<(SimTime, u64)>,
    /// Sum of the bytes in `queue`.
    queued_bytes: u64,
}

impl Link {
    /// A link with configuration `cfg` and loss stream `rng`.
    pub fn new(cfg: LinkConfig, rng: ChaCha8Rng) -> Self {
        let mut windows: Vec<(SimTime, SimTime)> =
            cfg.outages.iter().copied().filter(|(a, b)| a < b).collect();
        windows.sort();
        let mut outages: Vec<(SimTime, SimTime)> = Vec::with_capacity(windows.len());
        for (a, b) in windows {
            match outages.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => outages.push((a, b)),
            }
        }
        Link {
            cfg,
            rng,
            stats: LinkStats::default(),
            outages,
            busy_until: SimTime::ZERO,
            queue: VecDeque::new(),
            queued_bytes: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &LinkConfig {
        &self.cfg
    }

    /// The counters so far.
    pub fn stats(&self) -> &LinkStats {
        &self.stats
    }

    /// When the last accepted message finishes serializing.
    pub fn busy_until(&self) -> SimTime {
        self.busy_until
    }

    /// Serialization time of `bytes` on this link ([`serialization`]).
    pub fn serialization(&self, bytes: u64) -> SimTime {
        serialization(self.cfg.capacity_bps, bytes)
    }

    /// Bytes queued or in service at `now`.
    pub fn backlog(&mut self, now: SimTime) -> u64 {
        while let Some(&(finish, bytes)) = self.queue.front() {
            if finish > now {
                break;
            }
            self.queued_bytes -= bytes;
            self.queue.pop_front();
        }
        self.queued_bytes
    }

    /// When a message of `payload_bytes` offered at `now` would arrive if not
    /// lost or dropped (header added here), without sending it, outages
    /// included: the link's own view, not the sender's ([`Link::eta_known`]).
    pub fn earliest_arrival(&mut self, now: SimTime, payload_bytes: u64) -> SimTime {
        let bytes = payload_bytes.saturating_add(self.cfg.header_bytes);
        let (_, finish) = self.slot(now, self.serialization(bytes));
        finish + self.cfg.latency
    }

    /// When `bytes` on the wire offered at `now` would arrive, as the sender
    /// can know it: its backlog and this message drained at the link's rate,
    /// plus the latency. Outages ahead are not known; an ongoing one delays
    /// the backlog only as far as it is already reflected in it.
    pub fn eta_known(&mut self, now: SimTime, bytes: u64) -> SimTime {
        let backlog = self.backlog(now);
        now + self.serialization(backlog.saturating_add(bytes)) + self.cfg.latency
    }

    /// A uniform delay in `[0, max]` from the link's stream (per-packet
    /// jitter); no draw when `max` is zero.
    pub fn jitter(&mut self, max: SimTime) -> SimTime {
        if max == SimTime::ZERO {
            SimTime::ZERO
        } else {
            SimTime((self.rng.random::<f64>() * max.0 as f64) as u64)
        }
    }

    /// Drops everything queued or in service at `now` (a crashed sender):
    /// returns how many transmission units were cut. The link is idle after.
    pub fn flush(&mut self, now: SimTime) -> u64 {
        self.backlog(now);
        let cut = self.queue.len() as u64;
        self.queue.clear();
        self.queued_bytes = 0;
        self.busy_until = self.busy_until.min(now);
        cut
    }

    /// Offers a message of `payload_bytes` (header added here) at `now`.
    pub fn send(&mut self, now: SimTime, payload_bytes: u64) -> Transmission {
        self.send_raw(now, payload_bytes.saturating_add(self.cfg.header_bytes))
    }

    /// Offers a transmission unit of exactly `bytes` on the wire (a packet,
    /// headers already counted) at `now`.
    pub fn send_raw(&mut self, now: SimTime, bytes: u64) -> Transmission {
        self.stats.offered += 1;
        self.stats.offered_bytes += bytes;
        let backlog = self.backlog(now);
        let occupancy = backlog.saturating_add(bytes);
        if self.cfg.buffer_bytes.is_some_and(|limit| occupancy > limit) {
            self.stats.dropped += 1;
            return Transmission::Dropped { backlog };
        }
        self.stats.peak_queue_bytes = self.stats.peak_queue_bytes.max(occupancy);
        let ser = self.serialization(bytes);
        let (start, finish) = self.slot(now, ser);
        self.busy_until = finish;
        if finish > now {
            self.queue.push_back((finish, bytes));
            self.queued_bytes += bytes;
        }
        self.stats.busy_ps = self.stats.busy_ps.saturating_add(ser.0);
        let loss = self.cfg.loss;
        let lost = loss >= 1.0 || (loss > 0.0 && self.rng.random::<f64>() < loss);
        if lost {
            self.stats.lost += 1;
            Transmission::Lost { start, finish }
        } else {
            self.stats.delivered += 1;
            self.stats.delivered_bytes += bytes;
            let arrive = finish + self.cfg.latency;
            Transmission::Delivered {
                start,
                finish,
                arrive,
            }
        }
    }

    /// The `[start, finish)` a transmission of length `ser` offered at `now`
    /// would occupy: after the queue, and clear of every outage window.
    fn slot(&self, now: SimTime, ser: SimTime) -> (SimTime, SimTime) {
        let mut start = now.max(self.busy_until);
        // A zero-length transmission at t is blocked by a <= t, i.e. a < t + 1.
        let span = ser.max(SimTime(1));
        let mut i = self.outages.partition_point(|&(_, b)| b <= start);
        while let Some(&(a, b)) = self.outages.get(i) {
            if a >= start + span {
                break;
            }
            start = b;
            i += 1;
        }
        (start, start + ser)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{STREAM_TEST, stream};

    fn link(cfg: LinkConfig) -> Link {
        Link::new(cfg, stream(1, &[STREAM_TEST]))
    }

    /// Serialization time of `bytes` at `capacity`.
    fn ser(capacity_bps: Option<f64>, bytes: u64) -> SimTime {
        link(LinkConfig {
            capacity_bps,
            ..Default::default()
        })
        .serialization(bytes)
    }

    #[test]
    fn serialization_is_exact_for_integer_capacities() {
        assert_eq!(ser(Some(1e6), 1000), SimTime(8_000_000_000));
        assert_eq!(ser(Some(1e6), 0), SimTime::ZERO);
        // 8e12 / 3 = 2666666666666.67 -> rounded up.
        assert_eq!(ser(Some(3.0), 1), SimTime(2_666_666_666_667));
        let c = 2.5e9 + 0.5;
        assert_eq!(ser(Some(c), 1), SimTime((8e12 / c).ceil() as u64));
        assert_eq!(ser(None, 1 << 40), SimTime::ZERO);
        assert_eq!(ser(Some(f64::INFINITY), 1), SimTime::ZERO);
        assert_eq!(ser(Some(0.0), 1), SimTime::NEVER);
    }

    #[test]
    fn every_bad_setting_is_named() {
        assert_eq!(LinkConfig::default().validate(), []);
        let bad = LinkConfig {
            capacity_bps: Some(0.0),
            loss: 1.5,
            outages: vec![
                (SimTime::from_secs(2.0), SimTime::from_secs(1.0)),
                (SimTime(1), SimTime(1)),
            ],
            ..Default::default()
        };
        let got: Vec<_> = (bad.validate().into_iter())
            .map(|p| (p.key.name(), p.value))
            .collect();
        assert_eq!(
            got,
            [
                ("capacity_bps", "0".to_string()),
                ("loss", "1.5".to_string()),
                ("outages_s", "[2, 1]".to_string())
            ]
        );
        let nan = LinkConfig {
            capacity_bps: Some(f64::INFINITY),
            loss: f64::NAN,
            ..Default::default()
        };
        assert_eq!(nan.validate().len(), 2);
    }

    #[test]
    fn outages_are_sorted_and_merged() {
        let cfg = LinkConfig {
            outages: vec![
                (SimTime(50), SimTime(60)),
                (SimTime(10), SimTime(20)),
                (SimTime(15), SimTime(30)),
                (SimTime(30), SimTime(40)),
                (SimTime(70), SimTime(70)),
            ],
            ..Default::default()
        };
        let l = link(cfg);
        assert_eq!(
            l.outages,
            [(SimTime(10), SimTime(40)), (SimTime(50), SimTime(60))]
        );
        // Zero-length transmissions: blocked at a, free at b.
        assert_eq!(l.slot(SimTime(10), SimTime::ZERO).0, SimTime(40));
        assert_eq!(l.slot(SimTime(9), SimTime::ZERO).0, SimTime(9));
        assert_eq!(l.slot(SimTime(40), SimTime::ZERO).0, SimTime(40));
        // 11 ps starting at 40 would hit [50, 60): waits for 60.
        assert_eq!(l.slot(SimTime(40), SimTime(11)), (SimTime(60), SimTime(71)));
        assert_eq!(l.slot(SimTime(40), SimTime(10)), (SimTime(40), SimTime(50)));
    }
}
