//! One backhaul link in the file's form: parsed, written back, its keys and words.

use super::Problem;
use super::raw::RawLink;
use super::resolve::{Checker, num};
use crate::sim::{LinkConfig, LinkKey, SimTime};
use toml::{Table, Value};

/// Where a link's keys are in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LinkAt {
    /// `[backhaul]`: the uplink of every node not listed in `[[backhaul.node]]`.
    Backhaul,
    /// `[backhaul.downlink]`.
    Downlink,
    /// The `i`-th `[[backhaul.node]]` (its position in the file, not its id).
    Node(usize),
    /// The `i`-th `[[backhaul.aggregation]]` entry's segment.
    Aggregation(usize),
}

impl LinkAt {
    /// The file key of `k` here, e.g. `backhaul.node[2].latency_s`.
    pub(super) fn key(self, k: LinkKey) -> String {
        match self {
            LinkAt::Backhaul => format!("backhaul.{k}"),
            LinkAt::Downlink => format!("backhaul.downlink.{k}"),
            LinkAt::Node(i) => format!("backhaul.node[{i}].{k}"),
            LinkAt::Aggregation(i) => format!("backhaul.aggregation[{i}].{k}"),
        }
    }
}

/// What a valid value of `k` is, in the file's words: the message of a
/// parsing problem and of a range problem alike.
pub(super) fn expected(k: LinkKey) -> &'static str {
    match k {
        LinkKey::CapacityBps => "must be a number > 0 (bit/s) or \"unlimited\"",
        LinkKey::LatencyS => "must be a finite number >= 0 (s)",
        LinkKey::BufferBytes => "must be an integer >= 0 (bytes) or \"unlimited\"",
        LinkKey::Loss => "must be in [0, 1]",
        LinkKey::OutagesS => "must be [start, end] with 0 <= start <= end (s)",
        LinkKey::HeaderBytes => "must be an integer >= 0 (bytes)",
    }
}

/// Parses the link at `at`; a key not given takes its value from `default`.
/// Only what the file's form needs is checked here (types, `"unlimited"`,
/// whole bytes, times a [`SimTime`] can hold); ranges are
/// [`LinkConfig::validate`]'s.
pub(super) fn parse(l: &RawLink, at: LinkAt, default: &LinkConfig, c: &mut Checker) -> LinkConfig {
    let mut bad = |k: LinkKey, value: &dyn std::fmt::Display| {
        c.need(false, &at.key(k), value, expected(k));
    };
    let capacity_bps = match &l.capacity_bps {
        Some(Value::String(s)) if s == "unlimited" => None,
        Some(x) => {
            let cap = num(x);
            if cap.is_none() {
                bad(LinkKey::CapacityBps, x);
            }
            cap
        }
        None => default.capacity_bps,
    };
    let buffer_bytes = match &l.buffer_bytes {
        Some(x) => bytes_or_unlimited(x).unwrap_or_else(|| {
            bad(LinkKey::BufferBytes, x);
            None
        }),
        None => default.buffer_bytes,
    };
    let latency = match l.latency_s {
        Some(s) => SimTime::from_secs_checked(s).unwrap_or_else(|| {
            bad(LinkKey::LatencyS, &s);
            default.latency
        }),
        None => default.latency,
    };
    let outages = match &l.outages_s {
        Some(windows) => (windows.iter())
            .filter_map(|&[a, b]| {
                let w = SimTime::from_secs_checked(a).zip(SimTime::from_secs_checked(b));
                if w.is_none() {
                    bad(LinkKey::OutagesS, &format!("[{a}, {b}]"));
                }
                w
            })
            .collect(),
        None => default.outages.clone(),
    };
    LinkConfig {
        capacity_bps,
        latency,
        buffer_bytes,
        loss: l.loss.unwrap_or(default.loss),
        outages,
        header_bytes: l.header_bytes.unwrap_or(default.header_bytes),
    }
}

/// A number of bytes in the file's form: `"unlimited"` (`Some(None)`) or a
/// whole number in `0..2^63` (`Some(Some(n))`); `None` for anything else.
pub(super) fn bytes_or_unlimited(x: &Value) -> Option<Option<u64>> {
    match x {
        Value::String(s) if s == "unlimited" => Some(None),
        x => num(x)
            .filter(|b| *b >= 0.0 && b.fract() == 0.0 && *b < 2f64.powi(63))
            .map(|b| Some(b as u64)),
    }
}

/// `n` bytes in the file's form: the inverse of [`bytes_or_unlimited`].
pub(super) fn bytes_value(n: Option<u64>) -> Value {
    n.map_or_else(
        || Value::String("unlimited".into()),
        |n| Value::Integer(n as i64),
    )
}

/// `l` in the file's form, key by key: the inverse of [`parse`].
pub(super) fn values(l: &LinkConfig) -> [(LinkKey, Value); 6] {
    let v = |x: f64| Value::Float(x);
    let int = |x: u64| Value::Integer(x as i64);
    let unlimited = || Value::String("unlimited".into());
    LinkKey::ALL.map(|k| {
        let x = match k {
            LinkKey::CapacityBps => l.capacity_bps.map_or_else(unlimited, v),
            LinkKey::LatencyS => v(l.latency.as_secs_nearest()),
            LinkKey::BufferBytes => bytes_value(l.buffer_bytes),
            LinkKey::Loss => v(l.loss),
            LinkKey::OutagesS => Value::Array(
                (l.outages.iter())
                    .map(|(a, b)| {
                        Value::Array(vec![v(a.as_secs_nearest()), v(b.as_secs_nearest())])
                    })
                    .collect(),
            ),
            LinkKey::HeaderBytes => int(l.header_bytes),
        };
        (k, x)
    })
}

/// Drops the problems of link keys that the downlink, a node or an
/// aggregation segment only inherits from a bad `[backhaul]` key: that key's
/// own problem says it all.
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
        if !LinkKey::ALL.iter().any(|l| l.name() == k) || !bad.contains(&format!("backhaul.{k}")) {
            return false;
        }
        match super::doc::indexed(sub) {
            ("downlink", None) => !given("downlink", None, k),
            (list @ ("node" | "aggregation"), Some(i)) => !given(list, Some(i), k),
            _ => false,
        }
    };
    problems
        .into_iter()
        .filter(|p| !inherited(&p.key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_key_is_a_file_key_and_writes_back() {
        let l = LinkConfig {
            capacity_bps: Some(1e7),
            latency: SimTime::from_secs(1e-4),
            buffer_bytes: Some(4096),
            loss: 0.1,
            outages: vec![(SimTime::from_secs(0.01), SimTime::from_secs(0.02))],
            header_bytes: 16,
        };
        let table: Table = values(&l)
            .into_iter()
            .map(|(k, x)| (k.name().to_string(), x))
            .collect();
        let raw: RawLink = table.try_into().expect("every key is a field of RawLink");
        let mut c = Checker(Vec::new());
        assert_eq!(
            parse(&raw, LinkAt::Backhaul, &LinkConfig::default(), &mut c),
            l
        );
        assert!(c.0.is_empty());
    }
}
