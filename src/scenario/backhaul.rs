//! The `[backhaul]` section: links, reports, fusion and per-node overrides.

use super::Problem;
use super::defaults::LATENCY_S;
use super::raw::{LINK_KEYS, RawDoc, RawLink};
use super::resolve::{Checker, num};
use crate::fusion::VotingRule;
use crate::network::NetParams;
use crate::node::CcFusion;
use crate::sim::{LinkConfig, SimTime};
use toml::{Table, Value};

fn link(l: &RawLink, at: &str, c: &mut Checker) -> LinkConfig {
    let key = |k: &str| format!("{at}.{k}");
    let capacity_bps = match &l.capacity_bps {
        Some(Value::String(s)) if s == "unlimited" => None,
        Some(x) => {
            let cap = num(x);
            c.need(
                cap.is_some_and(|x| x > 0.0 && x.is_finite()),
                &key("capacity_bps"),
                x,
                "must be a number > 0 (bit/s) or \"unlimited\"",
            );
            cap
        }
        None => None,
    };
    let buffer_bytes = match &l.buffer_bytes {
        Some(Value::String(s)) if s == "unlimited" => None,
        Some(x) => {
            let b = num(x).filter(|b| *b >= 0.0 && b.fract() == 0.0 && *b < 2f64.powi(63));
            c.need(
                b.is_some(),
                &key("buffer_bytes"),
                x,
                "must be an integer >= 0 (bytes) or \"unlimited\"",
            );
            b.map(|b| b as u64)
        }
        None => None,
    };
    let latency = l.latency_s.unwrap_or(LATENCY_S);
    c.need(
        latency >= 0.0 && latency.is_finite(),
        &key("latency_s"),
        latency,
        "must be >= 0 s",
    );
    let loss = l.loss.unwrap_or(0.0);
    c.need(
        (0.0..=1.0).contains(&loss),
        &key("loss"),
        loss,
        "must be in [0, 1]",
    );
    let outages = l.outages_s.clone().unwrap_or_default();
    for [a, b] in &outages {
        c.need(
            *a >= 0.0 && a <= b && b.is_finite(),
            &key("outages_s"),
            format!("[{a}, {b}]"),
            "must be [start, end] with 0 <= start <= end (s)",
        );
    }
    LinkConfig {
        capacity_bps,
        latency: SimTime::from_secs(latency),
        buffer_bytes,
        loss,
        outages: (outages.iter())
            .map(|[a, b]| (SimTime::from_secs(*a), SimTime::from_secs(*b)))
            .collect(),
        header_bytes: l.header_bytes.unwrap_or(LinkConfig::default().header_bytes),
    }
}

/// The network of a checked document with `raps` RAPs: the `[backhaul]`
/// link and report, per-node overrides as full vectors of R + 1 entries.
pub(super) fn net(r: &RawDoc, raps: usize, c: &mut Checker) -> NetParams {
    let b = &r.backhaul;
    let d = NetParams::default();
    let up = link(&b.link(), "backhaul", c);
    let down = link(&r.downlink, "backhaul.downlink", c);
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
        node_pfa: b.node_pfa.unwrap_or(d.node_pfa),
        nodes: r.sensing.nodes.unwrap_or(d.nodes),
        target_probability: r.run.target_probability.unwrap_or(d.target_probability),
        ..d
    };
    net.fusion = match &b.fusion {
        Some(Value::Integer(k)) if *k >= 1 => CcFusion::Vote(VotingRule::AtLeast(*k as usize)),
        Some(Value::String(s)) if s == "glrt" => CcFusion::Glrt,
        Some(x @ Value::String(_)) => match x.clone().try_into::<VotingRule>() {
            Ok(rule) if !matches!(rule, VotingRule::AtLeast(_)) => CcFusion::Vote(rule),
            _ => {
                c.need(false, "backhaul.fusion", x, FUSIONS);
                CcFusion::Glrt
            }
        },
        Some(x) => {
            c.need(false, "backhaul.fusion", x, FUSIONS);
            CcFusion::Glrt
        }
        None => CcFusion::Glrt,
    };
    // (Too many RAPs is reported by `Params::validate`; allocate nothing then.)
    if !r.nodes.is_empty() && raps <= 1024 {
        let n = raps + 1;
        net.uplinks = vec![up; n];
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
            net.uplinks[id] = link(&l, &at, c);
            net.report[id] = node.report.unwrap_or(report);
        }
    }
    net
}

/// Drops the problems of link keys that the downlink or a node only inherits
/// from a bad `[backhaul]` key: that key's own problem says it all.
pub(super) fn drop_inherited(doc: &Table, problems: Vec<Problem>) -> Vec<Problem> {
    let bh = doc.get("backhaul").and_then(Value::as_table);
    let given = |sub: &str, i: Option<usize>, k: &str| {
        let t = bh.and_then(|b| b.get(sub));
        let t = match i {
            Some(i) => t.and_then(Value::as_array).and_then(|a| a.get(i)),
            None => t,
        };
        t.and_then(Value::as_table)
            .is_some_and(|t| t.contains_key(k))
    };
    let bad: Vec<String> = problems.iter().map(|p| p.key.clone()).collect();
    let inherited = |key: &str| {
        let Some(rest) = key.strip_prefix("backhaul.") else {
            return false;
        };
        let Some((sub, k)) = rest.rsplit_once('.') else {
            return false;
        };
        if !LINK_KEYS.contains(&k) || !bad.contains(&format!("backhaul.{k}")) {
            return false;
        }
        match sub {
            "downlink" => !given("downlink", None, k),
            _ => match sub.strip_prefix("node[").and_then(|s| s.strip_suffix(']')) {
                Some(i) => i.parse().is_ok_and(|i| !given("node", Some(i), k)),
                None => false,
            },
        }
    };
    problems
        .into_iter()
        .filter(|p| !inherited(&p.key))
        .collect()
}

const FUSIONS: &str = "must be \"glrt\", \"or\", \"and\", \"majority\", \"paper_kappa\" or an integer k >= 1 (at least k votes)";
