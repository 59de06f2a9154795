//! The engine's typed trace events, and their one flat rendering.

use crate::node::{DropId, MessageKind, NodeId, Sender};
use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A backhaul link: node r's uplink to the CC, or the CC's downlink to RAP r.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LinkId {
    /// Node -> CC.
    Up(NodeId),
    /// CC -> RAP.
    Down(NodeId),
    /// Shared aggregation segment `n` (in file order).
    Agg(u16),
}

impl fmt::Display for LinkId {
    /// `upN` or `downN`, N the node index.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkId::Up(n) => write!(f, "up{}", n.0),
            LinkId::Down(n) => write!(f, "down{}", n.0),
            LinkId::Agg(a) => write!(f, "agg{a}"),
        }
    }
}

/// Why a message never arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DropReason {
    /// Serialized, then lost in transit.
    Loss,
    /// Refused by a full drop-tail buffer holding `backlog` bytes.
    Buffer {
        /// Bytes queued or in service at the time.
        backlog: u64,
    },
    /// Discarded at a hop after its frame was decided or its deadline
    /// passed (`stale = "skip"`).
    Stale,
    /// Its sender crashed with it queued.
    Crash,
}

/// One thing that happened in a drop, in simulated time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum TraceEvent {
    /// The BS transmits the frame (target present or not).
    Transmit {
        /// When.
        at: SimTime,
        /// Frame index.
        frame: u64,
        /// Whether a target is present.
        target: bool,
    },
    /// A node's observation of the frame is complete.
    Receive {
        /// When.
        at: SimTime,
        /// Frame index.
        frame: u64,
        /// The node.
        node: NodeId,
    },
    /// A message is offered to a link.
    Enqueue {
        /// When.
        at: SimTime,
        /// Frame index.
        frame: u64,
        /// Sender.
        from: Sender,
        /// The link.
        link: LinkId,
        /// What it carries.
        kind: MessageKind,
        /// Bytes on the wire (encoding plus header).
        bytes: u64,
    },
    /// The link serializes the message during `[at, finish)`.
    Send {
        /// Serialization start.
        at: SimTime,
        /// Serialization end.
        finish: SimTime,
        /// Frame index.
        frame: u64,
        /// Sender.
        from: Sender,
        /// The link.
        link: LinkId,
        /// What it carries.
        kind: MessageKind,
        /// Bytes on the wire.
        bytes: u64,
    },
    /// The message reaches the far end.
    Deliver {
        /// Arrival time.
        at: SimTime,
        /// Frame index.
        frame: u64,
        /// Recipient (the CC, or a RAP for the downlink).
        to: Sender,
        /// The link.
        link: LinkId,
        /// What it carries.
        kind: MessageKind,
        /// Encoded bytes (header excluded).
        bytes: u64,
    },
    /// The message is lost or refused.
    Drop {
        /// When (end of serialization for a loss, the offer for a refusal).
        at: SimTime,
        /// Frame index.
        frame: u64,
        /// Sender.
        from: Sender,
        /// The link.
        link: LinkId,
        /// What it carried.
        kind: MessageKind,
        /// Bytes on the wire.
        bytes: u64,
        /// Why.
        reason: DropReason,
    },
    /// A lost packet will be sent again at `at` (reliable transport).
    Retransmit {
        /// When the retransmission is due.
        at: SimTime,
        /// Frame index.
        frame: u64,
        /// Sender.
        from: Sender,
        /// The link.
        link: LinkId,
        /// What it carries.
        kind: MessageKind,
        /// Bytes of the packet.
        bytes: u64,
    },
    /// A report reaches the CC after its frame was decided.
    Late {
        /// Arrival time.
        at: SimTime,
        /// Frame index.
        frame: u64,
        /// The reporting node.
        from: NodeId,
        /// Its uplink.
        link: LinkId,
        /// What it carried.
        kind: MessageKind,
    },
    /// The CC decides the frame.
    Decide {
        /// When.
        at: SimTime,
        /// Frame index.
        frame: u64,
        /// Whether it declared a target.
        declared: bool,
        /// Whether a target was present.
        target: bool,
        /// Soft reports fused.
        soft: u32,
        /// One-bit reports fused.
        bits: u32,
        /// Expected reports that had not arrived.
        missing: u32,
    },
}

impl TraceEvent {
    /// The event's name: transmit, receive, enqueue, send, deliver, drop,
    /// late or decide.
    pub fn name(&self) -> &'static str {
        match self {
            TraceEvent::Transmit { .. } => "transmit",
            TraceEvent::Receive { .. } => "receive",
            TraceEvent::Enqueue { .. } => "enqueue",
            TraceEvent::Send { .. } => "send",
            TraceEvent::Deliver { .. } => "deliver",
            TraceEvent::Drop { .. } => "drop",
            TraceEvent::Retransmit { .. } => "retransmit",
            TraceEvent::Late { .. } => "late",
            TraceEvent::Decide { .. } => "decide",
        }
    }

    /// When it happened.
    pub fn at(&self) -> SimTime {
        match *self {
            TraceEvent::Transmit { at, .. }
            | TraceEvent::Receive { at, .. }
            | TraceEvent::Enqueue { at, .. }
            | TraceEvent::Send { at, .. }
            | TraceEvent::Deliver { at, .. }
            | TraceEvent::Drop { at, .. }
            | TraceEvent::Retransmit { at, .. }
            | TraceEvent::Late { at, .. }
            | TraceEvent::Decide { at, .. } => at,
        }
    }

    /// The frame it concerns.
    pub fn frame(&self) -> u64 {
        match *self {
            TraceEvent::Transmit { frame, .. }
            | TraceEvent::Receive { frame, .. }
            | TraceEvent::Enqueue { frame, .. }
            | TraceEvent::Send { frame, .. }
            | TraceEvent::Deliver { frame, .. }
            | TraceEvent::Drop { frame, .. }
            | TraceEvent::Retransmit { frame, .. }
            | TraceEvent::Late { frame, .. }
            | TraceEvent::Decide { frame, .. } => frame,
        }
    }

    /// The link it happened on, if any.
    pub fn link(&self) -> Option<LinkId> {
        match *self {
            TraceEvent::Enqueue { link, .. }
            | TraceEvent::Send { link, .. }
            | TraceEvent::Deliver { link, .. }
            | TraceEvent::Drop { link, .. }
            | TraceEvent::Retransmit { link, .. }
            | TraceEvent::Late { link, .. } => Some(link),
            _ => None,
        }
    }

    /// The flat rendering of this event in drop `id`: the one place where an
    /// event becomes named fields, for JSON lines, Chrome traces and `tracing`.
    pub fn line(&self, id: DropId) -> TraceLine {
        let mut l = TraceLine {
            point: id.point,
            variant: id.variant,
            drop: id.drop,
            sim_time_ns: self.at().as_nanos_f64(),
            frame: self.frame(),
            event: self.name().to_string(),
            node: String::new(),
            link: self.link().map(|l| l.to_string()).unwrap_or_default(),
            kind: String::new(),
            bytes: 0,
            dur_ns: None,
            extra: BTreeMap::new(),
        };
        let mut put = |k: &str, v: serde_json::Value| {
            l.extra.insert(k.to_string(), v);
        };
        let (node, kind, bytes) = match *self {
            TraceEvent::Transmit { target, .. } => {
                put("target", target.into());
                (Sender::Node(NodeId::BS), "frame".into(), 0)
            }
            TraceEvent::Receive { node, .. } => (Sender::Node(node), "samples".into(), 0),
            TraceEvent::Enqueue {
                from, kind, bytes, ..
            } => (from, kind.to_string(), bytes),
            TraceEvent::Send {
                at,
                finish,
                from,
                kind,
                bytes,
                ..
            } => {
                l.dur_ns = Some(finish.as_nanos_f64() - at.as_nanos_f64());
                (from, kind.to_string(), bytes)
            }
            TraceEvent::Deliver {
                to, kind, bytes, ..
            } => (to, kind.to_string(), bytes),
            TraceEvent::Drop {
                from,
                kind,
                bytes,
                reason,
                ..
            } => {
                match reason {
                    DropReason::Loss => put("reason", "loss".into()),
                    DropReason::Buffer { backlog } => {
                        put("reason", "buffer".into());
                        put("backlog", backlog.into());
                    }
                    DropReason::Stale => put("reason", "stale".into()),
                    DropReason::Crash => put("reason", "crash".into()),
                }
                (from, kind.to_string(), bytes)
            }
            TraceEvent::Retransmit {
                from, kind, bytes, ..
            } => (from, kind.to_string(), bytes),
            TraceEvent::Late { from, kind, .. } => (Sender::Node(from), kind.to_string(), 0),
            TraceEvent::Decide {
                declared,
                target,
                soft,
                bits,
                missing,
                ..
            } => {
                put("declared", declared.into());
                put("target", target.into());
                put("soft", soft.into());
                put("bits", bits.into());
                put("missing", missing.into());
                (Sender::Cc, "decision".into(), 0)
            }
        };
        l.node = node.to_string();
        l.kind = kind;
        l.bytes = bytes;
        l
    }
}

/// One event as named fields: a line of a JSON-lines trace (fields in this
/// order; `dur_ns` omitted when absent and `extra` when empty).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TraceLine {
    /// Sweep point.
    pub point: u32,
    /// Variant.
    pub variant: u32,
    /// Drop within the point.
    pub drop: u64,
    /// Simulated time, in nanoseconds.
    pub sim_time_ns: f64,
    /// Frame index.
    pub frame: u64,
    /// Event name: transmit, receive, enqueue, send, deliver, drop, late, decide.
    pub event: String,
    /// Node the event concerns ("bs", "rap3", "cc"): the sender on a link,
    /// the recipient on "deliver".
    pub node: String,
    /// Link the event concerns ("up3", "down3"), empty when none.
    pub link: String,
    /// Payload kind: frame, samples, statistic, decision, symbols.
    pub kind: String,
    /// Bytes carried (0 when not a message).
    pub bytes: u64,
    /// Transmission duration in nanoseconds (on "send").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dur_ns: Option<f64>,
    /// Event-specific fields, by name (sorted): target on "transmit";
    /// reason and backlog on "drop"; declared, target, soft, bits, missing on
    /// "decide".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl TraceLine {
    /// The drop this line belongs to.
    pub fn id(&self) -> DropId {
        DropId {
            point: self.point,
            variant: self.variant,
            drop: self.drop,
        }
    }
}
