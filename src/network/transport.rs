//! How messages cross the backhaul: packets (an MTU and a header per
//! packet), datagram or reliable transport, per-packet jitter, what a node
//! does with a report that cannot make its deadline, shared aggregation
//! segments, and node faults. The defaults add nothing to today's links: one
//! packet per message, no loss recovery, no jitter, every report sent, no
//! segment, no fault.

use crate::sim::{SegmentConfig, SimTime};
use serde::{Deserialize, Serialize};

/// What a lost packet costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// A message is lost when any of its packets is.
    Datagram,
    /// A lost packet is sent again `rto` after its transmission ended (or
    /// after it was refused by a full buffer), so loss becomes delay.
    Reliable,
}

/// What a node does with a report that cannot arrive by the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stale {
    /// Send it anyway (it may arrive late and is counted late).
    Send,
    /// Do not enqueue a report whose arrival, judged from what the node can
    /// know (its own access link's backlog and rate, not outages ahead nor a
    /// shared segment's queue), would miss the deadline; discard a message
    /// at its next hop once its frame is decided or its deadline has passed.
    Skip,
}

/// Packets and transport of every backhaul message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransportParams {
    /// Largest packet on the wire, header included; `None` is unlimited (one
    /// packet per message).
    pub mtu_bytes: Option<u64>,
    /// Header bytes of every packet (besides the link's per-message header).
    pub packet_header_bytes: u64,
    /// Datagram or reliable.
    pub transport: Transport,
    /// Retransmission timeout of reliable transport.
    pub rto: SimTime,
    /// Each packet's arrival is delayed by a uniform random time in
    /// `[0, jitter]` drawn from its link's stream (so packets of a message
    /// may arrive out of order; the message arrives with its last packet).
    pub jitter: SimTime,
    /// Stale reports.
    pub stale: Stale,
    /// Retransmissions of one packet before reliable transport gives up
    /// (the message is then lost).
    pub max_attempts: u32,
}

impl Default for TransportParams {
    /// One packet per message, no per-packet header, datagram, a 1 ms
    /// retransmission timeout (unused by datagram), no jitter, stale reports
    /// sent, at most 64 attempts per packet.
    fn default() -> Self {
        TransportParams {
            mtu_bytes: None,
            packet_header_bytes: 0,
            transport: Transport::Datagram,
            rto: SimTime::from_millis(1),
            jitter: SimTime::ZERO,
            stale: Stale::Send,
            max_attempts: 64,
        }
    }
}

impl TransportParams {
    /// The packets (bytes on the wire each) of a message of `bytes` (its
    /// encoding plus the link's header): with an MTU, full packets of
    /// `mtu` bytes and a last shorter one, each carrying
    /// `packet_header_bytes` of its own.
    pub fn packets(&self, bytes: u64) -> Vec<u64> {
        self.packet_sizes(bytes).collect()
    }

    /// [`TransportParams::packets`] as an iterator that owns its numbers
    /// (nothing allocated per message).
    pub fn packet_sizes(&self, bytes: u64) -> PacketSizes {
        let h = self.packet_header_bytes;
        let (room, n) = match self.mtu_bytes {
            None => (bytes, 1),
            Some(mtu) => {
                let room = mtu.saturating_sub(h).max(1);
                (room, bytes.div_ceil(room).max(1))
            }
        };
        PacketSizes {
            header: h,
            room,
            bytes,
            next: 0,
            count: n,
        }
    }

    /// Bytes on the wire of a message of `bytes`: payload plus one header
    /// per packet.
    pub fn wire_bytes(&self, bytes: u64) -> u64 {
        let h = self.packet_header_bytes;
        match self.mtu_bytes {
            None => bytes + h,
            Some(mtu) => {
                let room = mtu.saturating_sub(h).max(1);
                bytes + bytes.div_ceil(room).max(1) * h
            }
        }
    }
}

/// The packet sizes of one message ([`TransportParams::packet_sizes`]).
#[derive(Debug, Clone, Copy)]
pub struct PacketSizes {
    header: u64,
    room: u64,
    bytes: u64,
    next: u64,
    count: u64,
}

impl Iterator for PacketSizes {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        (self.next < self.count).then(|| {
            let i = self.next;
            self.next += 1;
            self.header + self.room.min(self.bytes.saturating_sub(i * self.room))
        })
    }
}

/// A shared aggregation segment and the nodes whose reports cross it after
/// their access links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregation {
    /// Node indices (0 = BS).
    pub nodes: Vec<usize>,
    /// The segment.
    pub segment: SegmentConfig,
}

/// A node that crashes at `crash`, losing everything it has queued, and
/// comes back empty at `restart` (if ever).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// When it stops.
    pub crash: SimTime,
    /// When it starts again (`None`: never).
    pub restart: Option<SimTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_split_the_message_and_add_their_headers() {
        let t = TransportParams {
            mtu_bytes: Some(1500),
            packet_header_bytes: 40,
            ..TransportParams::default()
        };
        // 4813 bytes: 3 full packets of 1460 payload + 433, each with 40 B.
        let p = t.packets(4813);
        assert_eq!(p, [1500, 1500, 1500, 473]);
        assert_eq!(p.iter().sum::<u64>(), t.wire_bytes(4813));
        assert_eq!(t.wire_bytes(4813), 4813 + 4 * 40);
        assert_eq!(t.packets(1460), [1500]);
        assert_eq!(t.packets(1461), [1500, 41]);
        let d = TransportParams::default();
        assert_eq!(d.packets(4813), [4813]);
        assert_eq!(d.wire_bytes(12), 12);
    }
}
