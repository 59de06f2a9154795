//! Network parameters: timing, links, reporting policies, CC fusion.

use super::transport::{Aggregation, Fault, Transport, TransportParams};
use crate::design::NodePfa;
use crate::node::{CcFusion, ReportPolicy, SampleFormat, SymbolFormat};
use crate::params::{Errors, NodeSet, ParamError, ParamKey};
use crate::sim::{LinkConfig, LinkKey, SimTime};
use serde::{Deserialize, Serialize};

/// How the RAPs learn the frame's symbols, which their local statistics need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolDelivery {
    /// They know them without a message (for example from a shared seed).
    Known,
    /// The CC sends each frame's symbols over the downlink (Sec. IV), in
    /// `symbol_format`; their bytes count on the link.
    Downlink,
}

/// Everything about the network beyond the radio system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetParams {
    /// Symbol duration (s): L symbols make a frame's air time.
    pub symbol_time_s: f64,
    /// Time between frame starts (s), at least L symbol times.
    pub frame_interval_s: f64,
    /// Decision budget after the frame's end (s): the CC's deadline.
    pub deadline_s: f64,
    /// Add geometric propagation delays (BS -> target -> node) to observations.
    pub propagation: bool,
    /// Uplink (node -> CC) of node r at index r (0 = BS); shorter lists repeat
    /// their last entry.
    pub uplinks: Vec<LinkConfig>,
    /// Downlink (CC -> RAP r) at index r (index 0 unused); shorter lists repeat
    /// their last entry.
    pub downlinks: Vec<LinkConfig>,
    /// Reporting policy of node r at index r; shorter lists repeat their last entry.
    pub report: Vec<ReportPolicy>,
    /// Number format of sample batches.
    pub sample_format: SampleFormat,
    /// How RAPs learn the symbols.
    pub symbols: SymbolDelivery,
    /// Number format of the symbols the CC sends the RAPs over the downlink.
    pub symbol_format: SymbolFormat,
    /// The per-node false-alarm rate design.
    pub node_pfa: NodePfa,
    /// Fusion at the CC.
    pub fusion: CcFusion,
    /// Which nodes take part.
    pub nodes: NodeSet,
    /// Probability that a frame has a target.
    pub target_probability: f64,
    /// Packets, transport and stale reports on every link.
    pub transport: TransportParams,
    /// Shared aggregation segments after the nodes' uplinks.
    pub aggregation: Vec<Aggregation>,
    /// A fault of node r at index r (`None`: none); shorter lists mean no
    /// fault for the nodes beyond.
    pub faults: Vec<Option<Fault>>,
}

impl Default for NetParams {
    /// 10 MHz symbols (0.1 us), one sensing frame per millisecond, a 1 ms
    /// decision budget, every uplink and downlink [`NetParams::default_link`]
    /// (unlimited, lossless, 50 us latency), every node sending samples as
    /// f32, symbols known, fused-Pfa design, GLRT fusion, all nodes, half the
    /// frames with a target. Every network default is written here and
    /// nowhere else.
    fn default() -> Self {
        NetParams {
            symbol_time_s: 1e-7,
            frame_interval_s: 1e-3,
            deadline_s: 1e-3,
            propagation: true,
            uplinks: vec![NetParams::default_link()],
            downlinks: vec![NetParams::default_link()],
            report: vec![ReportPolicy::Samples],
            sample_format: SampleFormat::F32,
            symbols: SymbolDelivery::Known,
            symbol_format: SymbolFormat::F32,
            node_pfa: NodePfa::Fused,
            fusion: CcFusion::Glrt,
            nodes: NodeSet::All,
            target_probability: 0.5,
            transport: TransportParams::default(),
            aggregation: Vec::new(),
            faults: Vec::new(),
        }
    }
}

/// The entry for `r` of a per-node list, repeating the last entry.
pub(crate) fn per_node<T: Clone>(list: &[T], r: usize) -> T {
    list.get(r)
        .or(list.last())
        .expect("non-empty per-node list")
        .clone()
}

impl NetParams {
    /// The default backhaul link: the ideal [`LinkConfig::default`]
    /// (unlimited capacity and buffer, no loss, no outages, 8 header bytes)
    /// with 50 us of latency.
    pub fn default_link() -> LinkConfig {
        LinkConfig {
            latency: SimTime::from_micros(50),
            ..LinkConfig::default()
        }
    }

    /// Checks every range, links included (each problem of a link names the
    /// list and index: [`ParamKey::Uplink`], [`ParamKey::Downlink`]); returns
    /// all violations, not just the first.
    pub fn validate(&self) -> Result<(), Vec<ParamError>> {
        let mut e = Errors::default();
        let pos = |x: f64| x > 0.0 && x.is_finite();
        let t = self.symbol_time_s;
        e.need(pos(t), ParamKey::SymbolTime, t, "must be > 0 s");
        let f = self.frame_interval_s;
        e.need(pos(f), ParamKey::FrameInterval, f, "must be > 0 s");
        let d = self.deadline_s;
        e.need(
            d >= 0.0 && d.is_finite(),
            ParamKey::Deadline,
            d,
            "must be >= 0 s",
        );
        type At = fn(usize, LinkKey) -> ParamKey;
        let up: At = |node, key| ParamKey::Uplink { node, key };
        let down: At = |node, key| ParamKey::Downlink { node, key };
        for (list, key, at) in [
            (&self.uplinks, ParamKey::Uplinks, up),
            (&self.downlinks, ParamKey::Downlinks, down),
        ] {
            e.need(!list.is_empty(), key, "[]", "must list at least one link");
            for (r, l) in list.iter().enumerate() {
                for p in l.validate() {
                    e.need(false, at(r, p.key), p.value, p.expected);
                }
            }
        }
        e.need(
            !self.report.is_empty(),
            ParamKey::Report,
            "[]",
            "must list at least one policy",
        );
        let tp = self.target_probability;
        e.need(
            (0.0..=1.0).contains(&tp),
            ParamKey::TargetProbability,
            tp,
            "must be in [0, 1]",
        );
        let t = &self.transport;
        if let Some(mtu) = t.mtu_bytes {
            e.need(
                mtu > t.packet_header_bytes,
                ParamKey::MtuBytes,
                mtu,
                "must be larger than backhaul.packet_header_bytes (a packet needs room for data)",
            );
        }
        e.need(
            t.transport == Transport::Datagram || t.rto > SimTime::ZERO,
            ParamKey::RtoS,
            t.rto.as_secs(),
            "must be > 0 s with reliable transport",
        );
        let mut seen: Vec<usize> = Vec::new();
        for (entry, a) in self.aggregation.iter().enumerate() {
            let twice: Vec<usize> = a
                .nodes
                .iter()
                .copied()
                .filter(|n| seen.contains(n))
                .collect();
            e.need(
                twice.is_empty(),
                ParamKey::AggregationNodes { entry },
                format!("{twice:?}"),
                "must not list a node another aggregation entry lists (a report crosses one segment)",
            );
            e.need(
                !a.nodes.is_empty(),
                ParamKey::AggregationNodes { entry },
                "[]",
                "must list at least one node",
            );
            seen.extend(&a.nodes);
            let s = &a.segment;
            let link = LinkConfig {
                capacity_bps: s.capacity_bps,
                latency: s.latency,
                buffer_bytes: s.buffer_bytes,
                ..LinkConfig::default()
            };
            for p in link.validate() {
                e.need(
                    false,
                    ParamKey::Segment { entry, key: p.key },
                    p.value,
                    p.expected,
                );
            }
        }
        for (node, f) in self.faults.iter().enumerate() {
            if let Some(f) = f {
                e.need(
                    f.restart.is_none_or(|r| r > f.crash),
                    ParamKey::Fault { node },
                    format!(
                        "crash {} s, restart {:?} s",
                        f.crash.as_secs(),
                        f.restart.map(SimTime::as_secs)
                    ),
                    "must restart after it crashes",
                );
            }
        }
        e.result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scheduling, SegmentConfig};

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        let d = NetParams::default();
        d.validate().unwrap();
        assert_eq!(d.uplinks, [NetParams::default_link()]);
        assert_eq!(
            d.downlinks, d.uplinks,
            "the file's downlink inherits the uplink"
        );
        assert_eq!(d.uplinks[0].latency, SimTime::from_secs(50e-6));
        let mut n = NetParams {
            uplinks: vec![NetParams::default_link(); 3],
            ..NetParams::default()
        };
        n.uplinks[2].capacity_bps = Some(0.0);
        n.downlinks[0].loss = 2.0;
        n.target_probability = 2.0;
        let errs = n.validate().unwrap_err();
        let keys: Vec<_> = errs.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                ParamKey::Uplink {
                    node: 2,
                    key: LinkKey::CapacityBps
                },
                ParamKey::Downlink {
                    node: 0,
                    key: LinkKey::Loss
                },
                ParamKey::TargetProbability
            ]
        );
        assert_eq!(
            errs[0].to_string(),
            "backhaul.uplinks[2].capacity_bps = 0: must be > 0 bit/s (None is unlimited)"
        );
        n.uplinks.clear();
        assert_eq!(n.validate().unwrap_err()[0].key, ParamKey::Uplinks);
        let segment = SegmentConfig {
            capacity_bps: Some(-1.0),
            latency: SimTime::ZERO,
            buffer_bytes: None,
            scheduling: Scheduling::Fifo,
        };
        let n = NetParams {
            aggregation: vec![Aggregation {
                nodes: vec![1, 2],
                segment,
            }],
            ..NetParams::default()
        };
        let errs = n.validate().unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "backhaul.aggregation[0].capacity_bps = -1: must be > 0 bit/s (None is unlimited)"
        );
    }
}
