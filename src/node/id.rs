//! Who is who: sensing nodes (the BS and the RAPs) and message senders.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A sensing node: index 0 is the BS (active sensing), 1..=R the RAPs
/// (passive sensing). The index is the node's position in every per-node
/// vector (`Scene::b`, `Scene::alpha_var`, link lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The base station.
    pub const BS: NodeId = NodeId(0);

    /// RAP `r` (1-based).
    pub fn rap(r: usize) -> NodeId {
        debug_assert!(r >= 1, "RAPs are numbered from 1");
        NodeId::from_index(r)
    }

    /// The node at per-node index `i` (0 = BS).
    pub fn from_index(i: usize) -> NodeId {
        NodeId(u32::try_from(i).expect("node index fits in u32"))
    }

    /// The per-node index (0 = BS).
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Whether this is a RAP (not the BS).
    pub fn is_rap(self) -> bool {
        self.0 > 0
    }
}

impl fmt::Display for NodeId {
    /// `bs`, or `rapN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_rap() {
            write!(f, "rap{}", self.0)
        } else {
            f.write_str("bs")
        }
    }
}

/// The sender of a message: a sensing node or the CC.
///
/// On the wire it is one `u32` (bincode varint): the node index, or
/// [`Sender::CC_ADDRESS`] for the CC, so a report's header costs the same few
/// bytes as a real address field would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u32", from = "u32")]
pub enum Sender {
    /// A BS or RAP report.
    Node(NodeId),
    /// The central controller (downlink messages).
    Cc,
}

impl Sender {
    /// The wire address reserved for the CC.
    pub const CC_ADDRESS: u32 = u32::MAX;

    /// The node, if the sender is one.
    pub fn node(self) -> Option<NodeId> {
        match self {
            Sender::Node(n) => Some(n),
            Sender::Cc => None,
        }
    }
}

impl From<Sender> for u32 {
    fn from(s: Sender) -> u32 {
        match s {
            Sender::Node(n) => n.0,
            Sender::Cc => Sender::CC_ADDRESS,
        }
    }
}

impl From<u32> for Sender {
    fn from(a: u32) -> Sender {
        if a == Sender::CC_ADDRESS {
            Sender::Cc
        } else {
            Sender::Node(NodeId(a))
        }
    }
}

impl fmt::Display for Sender {
    /// `bs`, `rapN` or `cc`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sender::Node(n) => n.fmt(f),
            Sender::Cc => f.write_str("cc"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_wire_addresses() {
        assert_eq!(NodeId::BS.to_string(), "bs");
        assert_eq!(NodeId::rap(10).to_string(), "rap10");
        assert!(NodeId::rap(1).is_rap() && !NodeId::BS.is_rap());
        assert_eq!(Sender::Cc.to_string(), "cc");
        for s in [Sender::Cc, Sender::Node(NodeId(0)), Sender::Node(NodeId(7))] {
            assert_eq!(Sender::from(u32::from(s)), s);
        }
        assert_eq!(u32::from(Sender::Cc), u32::MAX);
    }
}
