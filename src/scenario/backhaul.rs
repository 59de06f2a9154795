//! The `[backhaul]` section: links, reports, fusion, per-node overrides, and
//! (through [`super::transport`]) packets, segments and faults.

use super::link::{self, LinkAt};
use super::raw::RawDoc;
use super::resolve::Checker;
use super::transport;
use crate::fusion::VotingRule;
use crate::network::NetParams;
use crate::node::CcFusion;
use toml::Value;

/// The network of a checked document with `raps` RAPs: the `[backhaul]`
/// link and report, per-node overrides as full vectors of R + 1 entries;
/// and where each uplink is in the file (by its index in `uplinks`). Keys
/// not given are `NetParams::default()`'s.
pub(super) fn net(r: &RawDoc, raps: usize, c: &mut Checker) -> (NetParams, Vec<LinkAt>) {
    let b = &r.backhaul;
    let d = NetParams::default();
    let up = link::parse(&b.link(), LinkAt::Backhaul, &d.uplinks[0], c);
    // `[backhaul]`'s link is checked even when every node overrides it.
    for p in up.validate() {
        let k = p.key;
        c.need(false, &LinkAt::Backhaul.key(k), p.value, link::expected(k));
    }
    let down = link::parse(&r.downlink, LinkAt::Downlink, &d.downlinks[0], c);
    let mut uplink_at = vec![LinkAt::Backhaul];
    let report = b.report.unwrap_or(d.report[0]);
    let mut net = NetParams {
        symbol_time_s: b.symbol_time_s.unwrap_or(d.symbol_time_s),
        frame_interval_s: b.frame_interval_s.unwrap_or(d.frame_interval_s),
        deadline_s: b.deadline_s.unwrap_or(d.deadline_s),
        propagation: b.propagation.unwrap_or(d.propagation),
        uplinks: vec![up.clone()],
        downlinks: vec![down],
        report: vec![report],
        sample_format: b.sample_format.unwrap_or(d.sample_format),
        symbols: b.symbols.unwrap_or(d.symbols),
        symbol_format: b.symbol_format.unwrap_or(d.symbol_format),
        node_pfa: b.node_pfa.unwrap_or(d.node_pfa),
        nodes: r.sensing.nodes.unwrap_or(d.nodes),
        target_probability: r.run.target_probability.unwrap_or(d.target_probability),
        transport: transport::transport(b, c),
        aggregation: transport::aggregation(&r.aggregation, raps, &up, c),
        ..d
    };
    net.fusion = match &b.fusion {
        Some(Value::Integer(k)) if *k >= 1 => CcFusion::Vote(VotingRule::AtLeast(*k as usize)),
        Some(Value::String(s)) if s == "glrt" => CcFusion::Glrt,
        Some(x @ Value::String(_)) => match x.clone().try_into::<VotingRule>() {
            Ok(rule) if !matches!(rule, VotingRule::AtLeast(_)) => CcFusion::Vote(rule),
            _ => {
                c.need(false, "backhaul.fusion", x, FUSIONS);
                net.fusion
            }
        },
        Some(x) => {
            c.need(false, "backhaul.fusion", x, FUSIONS);
            net.fusion
        }
        None => net.fusion,
    };
    // (Too many RAPs is reported by `Params::validate`; allocate nothing then.)
    if !r.nodes.is_empty() && raps <= 1024 {
        let n = raps + 1;
        uplink_at = vec![LinkAt::Backhaul; n];
        net.uplinks = vec![up.clone(); n];
        net.report = vec![report; n];
        let mut seen = vec![false; n];
        for (i, node) in r.nodes.iter().enumerate() {
            let at = format!("backhaul.node[{i}]");
            let Some(id) = node.id else {
                c.need(
                    false,
                    &format!("{at}.id"),
                    "(missing)",
                    &format!("is required: the node, in 0..={} (0 = BS)", n - 1),
                );
                continue;
            };
            let ok = id >= 0 && (id as usize) < n;
            c.need(
                ok,
                &format!("{at}.id"),
                id,
                &format!("must be in 0..={} (0 = BS, 1..=R the RAPs)", n - 1),
            );
            if !ok {
                continue;
            }
            let id = id as usize;
            c.need(
                !seen[id],
                &format!("{at}.id"),
                id,
                "must be unique: each node may be listed once",
            );
            seen[id] = true;
            let mut l = node.link();
            let base = b.link();
            l.capacity_bps = l.capacity_bps.or(base.capacity_bps);
            l.latency_s = l.latency_s.or(base.latency_s);
            l.buffer_bytes = l.buffer_bytes.or(base.buffer_bytes);
            l.loss = l.loss.or(base.loss);
            l.outages_s = l.outages_s.or(base.outages_s);
            l.header_bytes = l.header_bytes.or(base.header_bytes);
            net.uplinks[id] = link::parse(&l, LinkAt::Node(i), &up, c);
            uplink_at[id] = LinkAt::Node(i);
            net.report[id] = node.report.unwrap_or(report);
            if let Some(f) = transport::fault(node, i, c) {
                net.faults.resize(n, None);
                net.faults[id] = Some(f);
            }
        }
    }
    (net, uplink_at)
}

/// `f` in the file's form: `"glrt"`, a rule's name, or k for "at least k".
pub(super) fn fusion_value(f: CcFusion) -> Value {
    match f {
        CcFusion::Glrt => Value::String("glrt".into()),
        CcFusion::Vote(VotingRule::AtLeast(k)) => Value::Integer(k as i64),
        CcFusion::Vote(rule) => Value::try_from(rule).expect("a rule's name"),
    }
}

const FUSIONS: &str = "must be \"glrt\", \"or\", \"and\", \"majority\", \"paper_kappa\" or an integer k >= 1 (at least k votes)";
