//! The backhaul as it is built, in the file's form: packets and transport
//! (`[backhaul]`), shared aggregation segments (`[[backhaul.aggregation]]`)
//! and node faults (`[[backhaul.node]]`'s `crash_s` and `restart_s`).

use super::link::{self, LinkAt};
use super::raw::{RawAggregation, RawBackhaul, RawNode};
use super::resolve::Checker;
use crate::network::transport::{Aggregation, Fault, TransportParams};
use crate::sim::{LinkConfig, LinkKey, Scheduling, SegmentConfig, SimTime};
use toml::Value;

/// The link keys an aggregation segment has.
pub(super) const SEGMENT_KEYS: [LinkKey; 3] = [
    LinkKey::CapacityBps,
    LinkKey::LatencyS,
    LinkKey::BufferBytes,
];

/// A time key: a finite number of seconds >= 0 (what a [`SimTime`] holds).
fn time(s: f64, key: &str, c: &mut Checker) -> Option<SimTime> {
    let t = SimTime::from_secs_checked(s);
    c.need(t.is_some(), key, s, "must be a finite number >= 0 (s)");
    t
}

/// Packets and transport from `[backhaul]`; keys not given are
/// [`TransportParams::default`]'s. Only the file's form is checked here; the
/// ranges that involve two keys are `NetParams::validate`'s.
pub(super) fn transport(b: &RawBackhaul, c: &mut Checker) -> TransportParams {
    let d = TransportParams::default();
    let mtu_bytes = match &b.mtu_bytes {
        Some(x) => link::bytes_or_unlimited(x).unwrap_or_else(|| {
            let expected = "must be an integer > 0 (bytes, header included) or \"unlimited\"";
            c.need(false, "backhaul.mtu_bytes", super::raw::show(x), expected);
            d.mtu_bytes
        }),
        None => d.mtu_bytes,
    };
    let rto = (b.rto_s).map_or(Some(d.rto), |s| time(s, "backhaul.rto_s", c));
    let jitter = (b.jitter_s).map_or(Some(d.jitter), |s| time(s, "backhaul.jitter_s", c));
    TransportParams {
        mtu_bytes,
        packet_header_bytes: b.packet_header_bytes.unwrap_or(d.packet_header_bytes),
        transport: b.transport.unwrap_or(d.transport),
        rto: rto.unwrap_or(d.rto),
        jitter: jitter.unwrap_or(d.jitter),
        stale: b.stale.unwrap_or(d.stale),
        max_attempts: d.max_attempts,
    }
}

/// What `nodes` of an aggregation entry may be, in the file's words.
const NODES: &str = "\"all\", \"raps\" or a list of node ids";

/// The nodes of aggregation entry `i` in a system of `n` nodes (0 = BS):
/// `"all"`, `"raps"` or a list of distinct ids in `0..n`.
fn nodes(a: &RawAggregation, i: usize, n: usize, c: &mut Checker) -> Vec<usize> {
    let key = format!("backhaul.aggregation[{i}].nodes");
    let range = format!("0..={} (0 = BS, 1..=R the RAPs)", n - 1);
    match &a.nodes {
        None => {
            let expected = format!("is required: {NODES} in {range}");
            c.need(false, &key, "(missing)", &expected);
            Vec::new()
        }
        Some(Value::String(s)) if s == "all" => (0..n).collect(),
        Some(Value::String(s)) if s == "raps" => (1..n).collect(),
        Some(Value::Array(list)) => {
            let mut out = Vec::new();
            let shown = super::raw::show(&Value::Array(list.clone()));
            let mut refuse = |expected: String| c.need(false, &key, shown.clone(), &expected);
            for x in list {
                let id = x.as_integer().filter(|&id| id >= 0 && (id as usize) < n);
                let Some(id) = id.map(|id| id as usize) else {
                    refuse(format!("must list node ids in {range}: {x} is not one"));
                    continue;
                };
                if out.contains(&id) {
                    refuse(format!(
                        "must list each node once: node {id} is listed twice"
                    ));
                    continue;
                }
                out.push(id);
            }
            out
        }
        Some(x) => {
            c.need(
                false,
                &key,
                super::raw::show(x),
                &format!("must be {NODES}"),
            );
            Vec::new()
        }
    }
}

/// The `[[backhaul.aggregation]]` segments of a system of `raps` RAPs. A
/// segment's link keys not given take `up`'s values (the uplink of
/// `[backhaul]`), as the downlink's do.
pub(super) fn aggregation(
    entries: &[RawAggregation],
    raps: usize,
    up: &LinkConfig,
    c: &mut Checker,
) -> Vec<Aggregation> {
    // (Too many RAPs is reported by `Params::validate`; allocate nothing then.)
    if raps > 1024 {
        return Vec::new();
    }
    (entries.iter().enumerate())
        .map(|(i, a)| {
            let l = link::parse(&a.link(), LinkAt::Aggregation(i), up, c);
            Aggregation {
                nodes: nodes(a, i, raps + 1, c),
                segment: SegmentConfig {
                    capacity_bps: l.capacity_bps,
                    latency: l.latency,
                    buffer_bytes: l.buffer_bytes,
                    scheduling: a.scheduling.unwrap_or(Scheduling::Fifo),
                },
            }
        })
        .collect()
}

/// The fault of the node of `[[backhaul.node]]` entry `i`, if it has one:
/// `crash_s` and `restart_s` are times since the start of each drop.
pub(super) fn fault(node: &RawNode, i: usize, c: &mut Checker) -> Option<Fault> {
    let at = |k: &str| format!("backhaul.node[{i}].{k}");
    let crash = node.crash_s.map(|s| time(s, &at("crash_s"), c));
    let restart = node.restart_s.map(|s| time(s, &at("restart_s"), c));
    match (crash, restart) {
        (Some(Some(crash)), restart) => Some(Fault {
            crash,
            restart: restart.flatten(),
        }),
        (None, Some(_)) => {
            let expected = format!(
                "needs {} too: a node restarts after it crashes",
                at("crash_s")
            );
            c.need(
                false,
                &at("restart_s"),
                node.restart_s.unwrap_or(0.0),
                &expected,
            );
            None
        }
        _ => None,
    }
}
