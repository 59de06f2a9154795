//! Raw serde mirrors of the file's sections: every field optional, unknown
//! keys denied. [`check`] deserializes key by key, so that every unknown key
//! and type error of a document is found, not just the first.

use super::{Fidelity, Problem};
use crate::design::NodePfa;
use crate::detect::LocalFilter;
use crate::network::transport::{Stale, Transport};
use crate::network::{PfaEstimator, SymbolDelivery};
use crate::node::ReportPolicy;
use crate::node::{SampleFormat, SymbolFormat};
use crate::params::NodeSet;
use crate::radio::TargetModel;
use crate::sim::Scheduling;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::{Table, Value};

/// Top level; sections stay tables and are checked on their own. `name` and
/// `description` are read from the table; here they are only type-checked.
#[allow(dead_code)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTop {
    pub name: Option<String>,
    pub description: Option<String>,
    pub iaps_version: Option<String>,
    pub system: Option<Table>,
    pub geometry: Option<Table>,
    pub power: Option<Table>,
    pub sensing: Option<Table>,
    pub noise: Option<Table>,
    pub backhaul: Option<Table>,
    pub run: Option<Table>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSystem {
    pub tx_antennas: Option<usize>,
    pub bs_rx_antennas: Option<usize>,
    pub rap_antennas: Option<usize>,
    pub users: Option<usize>,
    pub raps: Option<usize>,
    pub frame_symbols: Option<usize>,
    pub spacing: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGeometry {
    pub region_m: Option<f64>,
    pub min_distance_m: Option<f64>,
    pub target: Option<[f64; 2]>,
    pub bs: Option<[f64; 2]>,
    pub raps: Option<Vec<[f64; 2]>>,
    pub users: Option<Vec<[f64; 2]>>,
    pub array_axis_deg: Option<f64>,
}

/// `power.policy` (Algorithm 1's step is the separate key `step_w`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawPolicy {
    Lp,
    MaxP0,
    Algorithm1,
    MinPower,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPower {
    pub pmax_dbm: Option<f64>,
    pub sinr_db: Option<f64>,
    pub policy: Option<RawPolicy>,
    pub step_w: Option<f64>,
    pub rzf_lambda: Option<Value>,
}

/// `sensing.calibration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Calibration {
    Paper,
    Physical,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSensing {
    pub calibration: Option<Calibration>,
    pub rcs_db: Option<f64>,
    pub rcs_m2: Option<f64>,
    pub carrier_hz: Option<f64>,
    pub pfa: Option<f64>,
    pub target: Option<TargetModel>,
    pub nodes: Option<NodeSet>,
    pub sensing_symbol: Option<bool>,
    pub local_filter: Option<LocalFilter>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNoise {
    pub comm_dbm: Option<f64>,
    pub sensing_dbm: Option<f64>,
}

/// A struct with the keys of one backhaul link (`LinkKey::ALL`, shared by
/// `[backhaul]`, `[backhaul.downlink]` and `[[backhaul.node]]`) and more.
macro_rules! with_link_keys {
    ($name:ident { $($f:ident : $t:ty),* $(,)? }) => {
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(super) struct $name {
            pub capacity_bps: Option<Value>,
            pub latency_s: Option<f64>,
            pub buffer_bytes: Option<Value>,
            pub loss: Option<f64>,
            pub outages_s: Option<Vec<[f64; 2]>>,
            pub header_bytes: Option<u64>,
            $(pub $f: $t),*
        }

        impl $name {
            /// The link keys alone.
            #[allow(dead_code)]
            pub fn link(&self) -> RawLink {
                RawLink {
                    capacity_bps: self.capacity_bps.clone(),
                    latency_s: self.latency_s,
                    buffer_bytes: self.buffer_bytes.clone(),
                    loss: self.loss,
                    outages_s: self.outages_s.clone(),
                    header_bytes: self.header_bytes,
                }
            }
        }
    };
}

with_link_keys!(RawLink {});
with_link_keys!(RawNode {
    id: Option<i64>,
    report: Option<ReportPolicy>,
    crash_s: Option<f64>,
    restart_s: Option<f64>,
});

/// One `[[backhaul.aggregation]]` entry: its nodes, the segment's link keys
/// (those a segment has) and its scheduling.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAggregation {
    pub nodes: Option<Value>,
    pub capacity_bps: Option<Value>,
    pub latency_s: Option<f64>,
    pub buffer_bytes: Option<Value>,
    pub scheduling: Option<Scheduling>,
}

impl RawAggregation {
    /// The segment's link keys as a link's (the others not given).
    pub fn link(&self) -> RawLink {
        RawLink {
            capacity_bps: self.capacity_bps.clone(),
            latency_s: self.latency_s,
            buffer_bytes: self.buffer_bytes.clone(),
            ..RawLink::default()
        }
    }
}
with_link_keys!(RawBackhaul {
    report: Option<ReportPolicy>,
    sample_format: Option<SampleFormat>,
    symbols: Option<SymbolDelivery>,
    symbol_format: Option<SymbolFormat>,
    fusion: Option<Value>,
    node_pfa: Option<NodePfa>,
    deadline_s: Option<f64>,
    frame_interval_s: Option<f64>,
    symbol_time_s: Option<f64>,
    propagation: Option<bool>,
    downlink: Option<Table>,
    node: Option<Vec<Table>>,
    aggregation: Option<Vec<Table>>,
    mtu_bytes: Option<Value>,
    packet_header_bytes: Option<u64>,
    transport: Option<Transport>,
    rto_s: Option<f64>,
    jitter_s: Option<f64>,
    stale: Option<Stale>,
});

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRun {
    pub drops: Option<u64>,
    pub frames: Option<u64>,
    pub seed: Option<u64>,
    pub fidelity: Option<Fidelity>,
    pub target_probability: Option<f64>,
    pub pfa_estimator: Option<PfaEstimator>,
    pub common_random_numbers: Option<bool>,
    pub roc_pfa: Option<Vec<f64>>,
}

/// A whole document, checked.
#[derive(Debug, Clone, Default)]
pub(super) struct RawDoc {
    pub system: RawSystem,
    pub geometry: RawGeometry,
    pub power: RawPower,
    pub sensing: RawSensing,
    pub noise: RawNoise,
    pub backhaul: RawBackhaul,
    pub downlink: RawLink,
    pub nodes: Vec<RawNode>,
    pub aggregation: Vec<RawAggregation>,
    pub run: RawRun,
}

/// Deserializes a document section by section and key by key; a key that
/// fails is reported and left out.
pub(super) fn check(doc: &Table, problems: &mut Vec<Problem>) -> RawDoc {
    let top: RawTop = keys(doc, "", problems);
    let system = sec(&top.system, "system", problems);
    let geometry = sec(&top.geometry, "geometry", problems);
    let power = sec(&top.power, "power", problems);
    let sensing = sec(&top.sensing, "sensing", problems);
    let noise = sec(&top.noise, "noise", problems);
    let backhaul: RawBackhaul = sec(&top.backhaul, "backhaul", problems);
    let downlink = sec(&backhaul.downlink, "backhaul.downlink", problems);
    let nodes = (backhaul.node.iter().flatten().enumerate())
        .map(|(i, t)| keys(t, &format!("backhaul.node[{i}]"), problems))
        .collect();
    let aggregation = (backhaul.aggregation.iter().flatten().enumerate())
        .map(|(i, t)| keys(t, &format!("backhaul.aggregation[{i}]"), problems))
        .collect();
    let run = sec(&top.run, "run", problems);
    RawDoc {
        system,
        geometry,
        power,
        sensing,
        noise,
        backhaul,
        downlink,
        nodes,
        aggregation,
        run,
    }
}

/// An optional section, checked.
fn sec<T: DeserializeOwned + Default>(
    t: &Option<Table>,
    name: &str,
    problems: &mut Vec<Problem>,
) -> T {
    t.as_ref()
        .map(|t| keys(t, name, problems))
        .unwrap_or_default()
}

/// Deserializes `t` into `T` one key at a time.
fn keys<T: DeserializeOwned + Default>(t: &Table, section: &str, problems: &mut Vec<Problem>) -> T {
    let mut good = Table::new();
    for (k, v) in t {
        let mut one = Table::new();
        one.insert(k.clone(), v.clone());
        match one.try_into::<T>() {
            Ok(_) => {
                good.insert(k.clone(), v.clone());
            }
            Err(e) => {
                let key = if section.is_empty() {
                    k.clone()
                } else {
                    format!("{section}.{k}")
                };
                let message = match choices::<T>(k) {
                    Some(valid) if is_type_error(e.message()) => {
                        format!("value {} must be one of {valid}", show(v))
                    }
                    _ => describe_value(e.message(), section, &key, v),
                };
                problems.push(Problem {
                    line: None,
                    key,
                    message,
                })
            }
        }
    }
    good.try_into().unwrap_or_else(|e| {
        problems.push(Problem {
            line: None,
            key: section.to_string(),
            message: describe(e.message(), section),
        });
        T::default()
    })
}

/// Whether a serde message is a wrong type or shape (not an unknown key).
fn is_type_error(msg: &str) -> bool {
    msg.starts_with("invalid type") || msg.contains("unit variant") || msg.contains("string only")
}

/// The valid values of key `k` of `T` when it is an enumeration of names:
/// asks serde by deserializing a name no enumeration has.
fn choices<T: DeserializeOwned>(k: &str) -> Option<String> {
    let mut one = Table::new();
    one.insert(k.to_string(), Value::String("\u{1}".into()));
    let e = one.try_into::<T>().err()?;
    let msg = e.message();
    let list = msg
        .strip_prefix("unknown variant")?
        .split_once("expected ")?
        .1;
    let names: Vec<String> = (list.split('`').skip(1).step_by(2))
        .map(|n| format!("\"{n}\""))
        .collect();
    match names.len() {
        0 => None,
        1 => Some(names[0].clone()),
        n => Some(format!("{} or {}", names[..n - 1].join(", "), names[n - 1])),
    }
}

/// A value as the file would write it (floats in their shortest form,
/// `1e20` rather than `100000000000000000000.0`), cut to 80 characters.
pub(super) fn show(v: &Value) -> String {
    fn go(v: &Value) -> String {
        match v {
            Value::Float(f) => super::limits::num(*f),
            Value::Array(a) => format!("[{}]", a.iter().map(go).collect::<Vec<_>>().join(", ")),
            other => other.to_string(),
        }
    }
    let s = go(v);
    if s.chars().count() > 80 {
        let mut t: String = s.chars().take(77).collect();
        t.push_str("...");
        t
    } else {
        s
    }
}

/// A serde message about `key = v` in the file's words, with the value.
fn describe_value(msg: &str, section: &str, key: &str, v: &Value) -> String {
    if msg.starts_with("invalid length") || msg.contains("expected fewer elements") {
        let shape = match key {
            "geometry.target" | "geometry.bs" => "a position [x, y]: 2 numbers (m)",
            "geometry.raps" | "geometry.users" => {
                "a list of positions [[x, y], ...], each 2 numbers (m)"
            }
            k if k.ends_with("outages_s") => "a list of windows [[start, end], ...] (s)",
            _ => "an array of the documented length",
        };
        return format!("value {} must be {shape}", show(v));
    }
    if let (Value::Float(f), true) = (
        v,
        msg.contains("integer") || msg.contains("expected u") || msg.contains("expected i"),
    ) {
        return format!(
            "value {} must be a whole number written without a decimal point or exponent (e.g. {}), {}",
            show(v),
            if f.is_finite() && f.abs() < 1e18 {
                format!("{:.0}", f.abs())
            } else {
                "1000".into()
            },
            "in the range the key allows"
        );
    }
    describe(msg, section)
}

/// A serde message in the file's words.
fn describe(msg: &str, section: &str) -> String {
    if msg.starts_with("unknown field") {
        let valid: Vec<&str> = msg.split('`').skip(3).step_by(2).collect();
        let place = match section {
            "" => "valid top-level keys".to_string(),
            s => format!("valid keys in [{}]", s.split('[').next().unwrap_or(s)),
        };
        return format!("unknown key; {place}: {}", valid.join(", "));
    }
    let mut m = msg.replace("unknown variant", "unknown value");
    for (from, to) in [
        ("expected usize", "expected a non-negative integer"),
        ("expected u64", "expected a non-negative integer"),
        ("expected i64", "expected an integer"),
        ("expected f64", "expected a number"),
        ("expected a map", "expected a table"),
        ("expected a sequence", "expected an array"),
    ] {
        m = m.replace(from, to);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_key_is_reported_once() {
        let doc: Table = toml::from_str(
            "foo = 1\n[system]\nusers = \"x\"\nbar = 2\n[backhaul]\nreport = \"nope\"\n[[backhaul.node]]\nid = 1\nbaz = 3\n",
        )
        .unwrap();
        let mut p = Vec::new();
        let raw = check(&doc, &mut p);
        let keys: Vec<_> = p.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "foo",
                "system.bar",
                "system.users",
                "backhaul.report",
                "backhaul.node[0].baz"
            ]
        );
        assert!(
            p[1].message.contains("valid keys in [system]: tx_antennas"),
            "{}",
            p[1].message
        );
        assert!(
            p[2].message.contains("expected a non-negative integer"),
            "{}",
            p[2].message
        );
        assert!(p[3].message.contains("decision"), "{}", p[3].message);
        assert!(
            p[4].message.contains("valid keys in [backhaul.node]"),
            "{}",
            p[4].message
        );
        assert_eq!(raw.nodes[0].id, Some(1));
    }
}
