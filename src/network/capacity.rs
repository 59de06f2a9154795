//! The backhaul capacity each report type needs: for stable delivery (a
//! frame's bytes every frame interval) and for on-time delivery (a frame's
//! bytes within the time between the observation and the deadline), with
//! packet overhead, per node and summed over each shared segment.

use super::NetParams;
use crate::node::{
    Batch, Message, NodeId, Report, ReportPolicy, SampleFormat, Sender, SymbolBlock, SymbolFormat,
};
use crate::params::Params;
use crate::radio::SPEED_OF_LIGHT;

/// The link a [`Need`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedLink {
    /// A node's uplink (its access link).
    Uplink,
    /// Shared aggregation segment `i` (`NetParams::aggregation[i]`): every
    /// member's report together.
    Segment(usize),
    /// Each RAP's downlink (the frame's symbols).
    Downlink,
}

/// What one report type costs one node.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// The report: `samples (f32)`, `statistic`, `decision`, `symbols (f32)`.
    pub report: String,
    /// The node, or `None` for a shared segment's aggregate.
    pub node: Option<NodeId>,
    /// The link.
    pub link: NeedLink,
    /// Bytes on the wire per frame: encoding, link header, packet headers.
    pub bytes: u64,
    /// Rate for stable delivery: `8 bytes / frame_interval`.
    pub stable_bps: f64,
    /// Rate for a report to make its deadline when the link is idle:
    /// `8 bytes / (deadline - propagation - latency)`; infinite when the
    /// latency alone misses it. For a segment the latency is its own plus
    /// the members' uplink latency (the largest), and the members' reports
    /// are taken to reach it at once (their uplinks' serialization is not
    /// counted: see [`binding_need`]).
    pub deadline_bps: f64,
}

impl Need {
    /// The rate that satisfies both bounds.
    pub fn needed_bps(&self) -> f64 {
        self.stable_bps.max(self.deadline_bps)
    }
}

/// The reports a node can send, with their bytes on the wire (frame index
/// `frame` sets the width of its varint).
fn report_bytes(p: &Params, net: &NetParams, node: NodeId, frame: u64) -> Vec<(String, u64)> {
    let r = node.index();
    let rows = p.rx_antennas(r) as u32;
    let cols = p.system.frame_symbols as u32;
    let header = super::config::per_node(&net.uplinks, r).header_bytes;
    let msg = |payload: Report| {
        Message {
            frame,
            from: Sender::Node(node),
            payload,
        }
        .wire_len()
            + header
    };
    let mut out: Vec<(String, u64)> = [
        SampleFormat::F64,
        SampleFormat::F32,
        SampleFormat::I16,
        SampleFormat::I8,
    ]
    .iter()
    .map(|&format| {
        let batch = Batch::Projected {
            y_b: Default::default(),
            rows,
            cols,
            format,
        };
        (samples_name(format), msg(Report::Samples(batch)))
    })
    .collect();
    out.push(("statistic".into(), msg(Report::Statistic(0.0))));
    out.push((
        "decision".into(),
        msg(Report::Decision {
            bit: true,
            statistic: 0.0,
        }),
    ));
    out
}

/// The name of sample reports in `format`: `samples (f32)`.
fn samples_name(format: SampleFormat) -> String {
    format!("samples ({})", format!("{format:?}").to_lowercase())
}

/// The report node `n` sends every frame, named as [`Need::report`] names
/// it; `None` for `adaptive`, which sends whatever fits.
pub fn report_name(net: &NetParams, n: NodeId) -> Option<String> {
    match super::config::per_node(&net.report, n.index()) {
        ReportPolicy::Samples => Some(samples_name(net.sample_format)),
        ReportPolicy::Statistic => Some("statistic".into()),
        ReportPolicy::Decision => Some("decision".into()),
        ReportPolicy::Adaptive => None,
    }
}

/// What the links of capacity `capacity_bps` need for the reports they
/// carry: of the uplinks, shared segments and downlinks with that capacity,
/// the need with the largest [`Need::needed_bps`] (a segment's when its
/// members all send the same report; the downlink's when RAPs send local
/// reports and learn the symbols over it). `None` when no link has that
/// capacity, or only adaptive nodes use them.
///
/// A segment whose members' uplinks have that capacity too cannot start
/// before the first report has crossed its uplink: its on-time rate counts
/// the smallest member report once more (with 11 equal reports, 12
/// serializations must fit before the deadline, not 11).
pub fn binding_need(p: &Params, net: &NetParams, frames: u64, capacity_bps: f64) -> Option<Need> {
    use super::config::per_node;
    let cap = Some(capacity_bps);
    let active = net.nodes.nodes(p.system.raps);
    let sends = |i: usize| report_name(net, NodeId::from_index(i));
    let carries = |n: &Need| match n.link {
        NeedLink::Uplink => n.node.is_some_and(|id| {
            active.contains(&id.index())
                && per_node(&net.uplinks, id.index()).capacity_bps == cap
                && sends(id.index()).as_deref() == Some(n.report.as_str())
        }),
        NeedLink::Segment(s) => {
            let a = &net.aggregation[s];
            let members: Vec<usize> = (a.nodes.iter().copied())
                .filter(|i| active.contains(i))
                .collect();
            a.segment.capacity_bps == cap
                && !members.is_empty()
                && (members.iter()).all(|&i| sends(i).as_deref() == Some(n.report.as_str()))
        }
        NeedLink::Downlink => {
            per_node(&net.downlinks, 1).capacity_bps == cap
                && (active.iter())
                    .any(|&i| i > 0 && !matches!(per_node(&net.report, i), ReportPolicy::Samples))
        }
    };
    let all = needs(p, net, frames);
    let behind_same_uplinks = |n: &Need| {
        let NeedLink::Segment(s) = n.link else {
            return None;
        };
        let members = (net.aggregation[s].nodes.iter()).filter(|i| active.contains(i));
        let mut smallest = None::<u64>;
        for &i in members {
            if per_node(&net.uplinks, i).capacity_bps != cap {
                return None;
            }
            let mine = all.iter().find(|x| {
                x.link == NeedLink::Uplink
                    && x.report == n.report
                    && x.node.map(NodeId::index) == Some(i)
            })?;
            smallest = Some(smallest.map_or(mine.bytes, |b| b.min(mine.bytes)));
        }
        smallest
    };
    let mut carried: Vec<Need> = all.iter().filter(|n| carries(n)).cloned().collect();
    for n in &mut carried {
        if let Some(first) = behind_same_uplinks(n) {
            n.deadline_bps *= (n.bytes + first) as f64 / n.bytes as f64;
        }
    }
    carried
        .into_iter()
        .max_by(|a, b| a.needed_bps().total_cmp(&b.needed_bps()))
}

/// The needs of every node of `p` and `net` for every report type, then one
/// aggregate row per report type and shared segment, then the downlink's
/// symbols (when RAPs learn them that way).
pub fn needs(p: &Params, net: &NetParams, frames: u64) -> Vec<Need> {
    let frame = frames.saturating_sub(1);
    let t = &net.transport;
    let nodes: Vec<NodeId> = net
        .nodes
        .nodes(p.system.raps)
        .into_iter()
        .map(NodeId::from_index)
        .collect();
    // Propagation is unknown before a drop is drawn: bound it by the region's
    // diagonal twice (BS -> target -> node).
    let g = &p.geometry;
    let prop = if net.propagation {
        2.0 * g.region_m * std::f64::consts::SQRT_2 / SPEED_OF_LIGHT
    } else {
        0.0
    };
    let need = |report: &str, node: Option<NodeId>, link, bytes: u64, latency: f64| {
        let window = net.deadline_s - prop - latency;
        Need {
            report: report.into(),
            node,
            link,
            bytes,
            stable_bps: 8.0 * bytes as f64 / net.frame_interval_s,
            deadline_bps: if window > 0.0 {
                8.0 * bytes as f64 / window
            } else {
                f64::INFINITY
            },
        }
    };
    let mut out = Vec::new();
    for &n in &nodes {
        let latency = super::config::per_node(&net.uplinks, n.index())
            .latency
            .as_secs();
        for (name, bytes) in report_bytes(p, net, n, frame) {
            let bytes = t.wire_bytes(bytes);
            out.push(need(&name, Some(n), NeedLink::Uplink, bytes, latency));
        }
    }
    for (s, a) in net.aggregation.iter().enumerate() {
        let members: Vec<NodeId> = nodes
            .iter()
            .copied()
            .filter(|n| a.nodes.contains(&n.index()))
            .collect();
        let Some(&first) = members.first() else {
            continue;
        };
        // A report crosses its own uplink first: the latest of the members'
        // uplink latencies, then the segment's.
        let access = (members.iter())
            .map(|n| super::config::per_node(&net.uplinks, n.index()).latency)
            .max()
            .unwrap_or(crate::sim::SimTime::ZERO);
        let latency = (a.segment.latency.plus(access)).as_secs();
        for (i, (name, _)) in report_bytes(p, net, first, frame).iter().enumerate() {
            let total: u64 = members
                .iter()
                .map(|&n| t.wire_bytes(report_bytes(p, net, n, frame)[i].1))
                .sum();
            out.push(need(name, None, NeedLink::Segment(s), total, latency));
        }
    }
    if net.symbols == super::SymbolDelivery::Downlink && p.system.raps > 0 {
        let s = crate::linalg::CMat::zeros(p.system.users + 1, p.system.frame_symbols);
        let header = super::config::per_node(&net.downlinks, 1).header_bytes;
        let bytes = Message {
            frame,
            from: Sender::Cc,
            payload: crate::node::Downlink::Symbols(SymbolBlock::encode(&s, net.symbol_format)),
        }
        .wire_len()
            + header;
        let name = match net.symbol_format {
            SymbolFormat::F64 => "symbols (f64, downlink)",
            SymbolFormat::F32 => "symbols (f32, downlink)",
        };
        let latency = super::config::per_node(&net.downlinks, 1).latency.as_secs();
        out.push(need(
            name,
            Some(NodeId::rap(1)),
            NeedLink::Downlink,
            t.wire_bytes(bytes),
            latency,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_needs_about_192_kbit_s_at_a_frame_every_half_millisecond() {
        // 12 bytes on the wire (4 B decision message + 8 B header) every 0.5 ms.
        let p = Params::paper();
        let net = NetParams {
            frame_interval_s: 0.5e-3,
            ..NetParams::default()
        };
        let n = needs(&p, &net, 100);
        let d = n
            .iter()
            .find(|n| n.report == "decision" && n.node == Some(NodeId::rap(3)))
            .unwrap();
        assert_eq!(d.bytes, 12);
        assert!((d.stable_bps - 192e3).abs() < 1.0, "{}", d.stable_bps);
        assert!(d.deadline_bps < d.stable_bps);
        // f32 samples: 20 x 30 complex = 4800 B plus framing.
        let s = n
            .iter()
            .find(|n| n.report == "samples (f32)" && n.node == Some(NodeId::rap(3)))
            .unwrap();
        assert!(s.bytes > 4800 && s.bytes < 4830, "{}", s.bytes);
    }

    #[test]
    fn the_binding_need_is_that_of_the_links_at_the_capacity() {
        use crate::network::transport::Aggregation;
        use crate::sim::{LinkConfig, Scheduling, SegmentConfig};
        let p = Params::paper();
        let link = |c: Option<f64>| LinkConfig {
            capacity_bps: c,
            ..NetParams::default_link()
        };
        let mut net = NetParams {
            uplinks: vec![link(Some(1e6))],
            report: vec![ReportPolicy::Statistic],
            ..NetParams::default()
        };
        let b = binding_need(&p, &net, 100, 1e6).unwrap();
        assert_eq!((b.report.as_str(), b.link), ("statistic", NeedLink::Uplink));
        assert_eq!(b.bytes, 19);
        assert!(binding_need(&p, &net, 100, 2e6).is_none());
        // One segment for all eleven nodes at the same capacity: it binds.
        net.aggregation = vec![Aggregation {
            nodes: (0..=10).collect(),
            segment: SegmentConfig {
                capacity_bps: Some(1e6),
                latency: crate::sim::SimTime::ZERO,
                buffer_bytes: None,
                scheduling: Scheduling::Fifo,
            },
        }];
        let b = binding_need(&p, &net, 100, 1e6).unwrap();
        assert_eq!((b.link, b.bytes), (NeedLink::Segment(0), 11 * 19));
        // Its uplinks at the same capacity: the first report crosses its
        // uplink before the segment starts, 12 serializations in all.
        let row = needs(&p, &net, 100)
            .into_iter()
            .find(|n| n.report == "statistic" && n.link == NeedLink::Segment(0))
            .unwrap();
        assert!((b.deadline_bps / row.deadline_bps - 12.0 / 11.0).abs() < 1e-12);
        assert_eq!(b.stable_bps, row.stable_bps);
        net.uplinks = vec![link(None)];
        let b = binding_need(&p, &net, 100, 1e6).unwrap();
        assert_eq!(b.deadline_bps, row.deadline_bps);
        net.uplinks = vec![link(Some(1e6))];
        // Samples from the BS, statistics from the RAPs: the segment carries
        // no single report; the BS's samples bind on the uplinks.
        net.report = vec![ReportPolicy::Samples, ReportPolicy::Statistic];
        let b = binding_need(&p, &net, 100, 1e6).unwrap();
        assert_eq!(
            (b.report.as_str(), b.node),
            ("samples (f32)", Some(NodeId::BS))
        );
        net.report = vec![ReportPolicy::Adaptive];
        assert!(binding_need(&p, &net, 100, 1e6).is_none());
    }

    #[test]
    fn a_segment_needs_its_members_sum_and_packets_add_headers() {
        use crate::network::transport::{Aggregation, TransportParams};
        use crate::sim::{Scheduling, SegmentConfig, SimTime};
        let p = Params::paper();
        let plain = needs(&p, &NetParams::default(), 100);
        let net = NetParams {
            aggregation: vec![Aggregation {
                nodes: vec![0, 1, 2],
                segment: SegmentConfig {
                    capacity_bps: Some(1e6),
                    latency: SimTime::from_micros(10),
                    buffer_bytes: None,
                    scheduling: Scheduling::Fifo,
                },
            }],
            transport: TransportParams {
                mtu_bytes: Some(1500),
                packet_header_bytes: 40,
                ..TransportParams::default()
            },
            symbols: crate::network::SymbolDelivery::Downlink,
            ..NetParams::default()
        };
        let n = needs(&p, &net, 100);
        let find = |v: &[Need], report: &str, link: NeedLink, node: Option<NodeId>| {
            v.iter()
                .find(|x| x.report == report && x.link == link && x.node == node)
                .cloned()
                .unwrap()
        };
        for report in ["statistic", "samples (f32)", "decision"] {
            let members: u64 = [NodeId::BS, NodeId::rap(1), NodeId::rap(2)]
                .map(|m| find(&n, report, NeedLink::Uplink, Some(m)).bytes)
                .iter()
                .sum();
            let seg = find(&n, report, NeedLink::Segment(0), None);
            assert_eq!(seg.bytes, members, "{report}");
            assert!((seg.stable_bps - 8.0 * members as f64 / 1e-3).abs() < 1e-6);
            // The segment's window ends 10 us earlier than an uplink's (its
            // latency after the uplink's 50 us).
            let bs = find(&n, report, NeedLink::Uplink, Some(NodeId::BS));
            let uplink_window = 8.0 * bs.bytes as f64 / bs.deadline_bps;
            let want = 8.0 * members as f64 / (uplink_window - 10e-6);
            assert!((seg.deadline_bps / want - 1.0).abs() < 1e-9, "{report}");
        }
        // f32 samples of a RAP: 4 packets of at most 1460 payload bytes,
        // 40 header bytes each.
        let with = find(&n, "samples (f32)", NeedLink::Uplink, Some(NodeId::rap(3)));
        let without = find(
            &plain,
            "samples (f32)",
            NeedLink::Uplink,
            Some(NodeId::rap(3)),
        );
        assert_eq!(with.bytes, without.bytes + 4 * 40);
        let down: Vec<&Need> = n.iter().filter(|x| x.link == NeedLink::Downlink).collect();
        assert_eq!(down.len(), 1);
        assert!(plain.iter().all(|x| x.link == NeedLink::Uplink));
    }
}
