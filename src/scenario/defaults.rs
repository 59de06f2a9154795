//! Every default in the file's units, written from the library's (none restated).

use super::RunSettings;
use super::backhaul::fusion_value;
use super::link;
use super::transport::SEGMENT_KEYS;
use crate::network::NetParams;
use crate::params::{
    PAPER_COMM_DBM, PAPER_PMAX_DBM, PAPER_RCS_DB, PAPER_SENSING_DBM, PAPER_SINR_DB, PAPER_STEP_W,
    PHYSICAL_CARRIER_HZ, PHYSICAL_RCS_M2, Params, SensingScale,
};
use crate::sim::{LinkKey, Scheduling};
use toml::{Table, Value};

fn v<T: serde::Serialize>(x: T) -> Value {
    Value::try_from(x).expect("plain value")
}

/// The section `name` of `t`, created if missing; `None` if it is not a table.
fn section<'a>(t: &'a mut Table, name: &str) -> Option<&'a mut Table> {
    match t
        .entry(name.to_string())
        .or_insert_with(|| Value::Table(Table::new()))
    {
        Value::Table(s) => Some(s),
        _ => None,
    }
}

fn put(t: &mut Option<&mut Table>, key: &str, val: Value) {
    if let Some(t) = t {
        t.entry(key.to_string()).or_insert(val);
    }
}

/// `doc` with every missing key set to its default, from `Params::paper()`
/// and the `params` constants, `NetParams::default()` and
/// `RunSettings::default()`. Defaults that depend on
/// another key (`sensing.rcs_*`, `noise.sensing_dbm`, `backhaul.downlink.*`)
/// are filled only when that key is not `varying` (swept or overridden).
pub(super) fn fill(doc: &Table, varying: &dyn Fn(&str) -> bool) -> Table {
    let p = Params::paper();
    let n = NetParams::default();
    let run = RunSettings::default();
    let mut t = doc.clone();
    let mut s = section(&mut t, "system");
    let sy = &p.system;
    for (k, x) in [
        ("tx_antennas", sy.tx_antennas),
        ("bs_rx_antennas", sy.bs_rx_antennas),
        ("rap_antennas", sy.rap_antennas),
        ("users", sy.users),
        ("raps", sy.raps),
        ("frame_symbols", sy.frame_symbols),
    ] {
        put(&mut s, k, v(x as i64));
    }
    put(&mut s, "spacing", v(sy.spacing));
    let mut s = section(&mut t, "geometry");
    put(&mut s, "region_m", v(p.geometry.region_m));
    put(&mut s, "min_distance_m", v(p.geometry.min_distance_m));
    put(
        &mut s,
        "array_axis_deg",
        v(p.geometry.array_axis_rad.to_degrees()),
    );
    let mut s = section(&mut t, "power");
    put(&mut s, "pmax_dbm", v(PAPER_PMAX_DBM));
    put(&mut s, "sinr_db", v(PAPER_SINR_DB));
    put(&mut s, "policy", v(p.power.policy));
    put(&mut s, "step_w", v(PAPER_STEP_W));
    put(
        &mut s,
        "rzf_lambda",
        p.power.rzf_lambda.map_or(v("auto"), v),
    );
    let mut s = section(&mut t, "sensing");
    let calibration = match p.sensing.scale {
        SensingScale::Paper { .. } => "paper",
        SensingScale::Bistatic { .. } => "physical",
    };
    put(&mut s, "calibration", v(calibration));
    put(&mut s, "pfa", v(p.sensing.pfa));
    put(&mut s, "target", v(p.sensing.target));
    put(&mut s, "nodes", v(n.nodes));
    put(&mut s, "sensing_symbol", v(p.sensing.sensing_symbol));
    put(&mut s, "local_filter", v(p.sensing.local_filter));
    let physical = s.as_ref().and_then(|s| s.get("calibration")) == Some(&v("physical"));
    if !varying("sensing.calibration") {
        if physical {
            put(&mut s, "rcs_m2", v(PHYSICAL_RCS_M2));
            put(&mut s, "carrier_hz", v(PHYSICAL_CARRIER_HZ));
        } else {
            put(&mut s, "rcs_db", v(PAPER_RCS_DB));
        }
    }
    let mut s = section(&mut t, "noise");
    put(&mut s, "comm_dbm", v(PAPER_COMM_DBM));
    if !varying("sensing.calibration") && !varying("noise.comm_dbm") {
        let comm = s.as_ref().and_then(|s| s.get("comm_dbm")).cloned();
        put(
            &mut s,
            "sensing_dbm",
            if physical {
                comm.unwrap_or(v(PAPER_COMM_DBM))
            } else {
                v(PAPER_SENSING_DBM)
            },
        );
    }
    let mut s = section(&mut t, "backhaul");
    for (k, x) in link::values(&n.uplinks[0]) {
        put(&mut s, k.name(), x);
    }
    put(&mut s, "report", v(n.report[0]));
    put(&mut s, "sample_format", v(n.sample_format));
    put(&mut s, "symbols", v(n.symbols));
    put(&mut s, "symbol_format", v(n.symbol_format));
    put(&mut s, "fusion", fusion_value(n.fusion));
    put(&mut s, "node_pfa", v(n.node_pfa));
    put(&mut s, "deadline_s", v(n.deadline_s));
    put(&mut s, "frame_interval_s", v(n.frame_interval_s));
    put(&mut s, "symbol_time_s", v(n.symbol_time_s));
    put(&mut s, "propagation", v(n.propagation));
    let tp = &n.transport;
    put(&mut s, "mtu_bytes", link::bytes_value(tp.mtu_bytes));
    put(
        &mut s,
        "packet_header_bytes",
        v(tp.packet_header_bytes as i64),
    );
    put(&mut s, "transport", v(tp.transport));
    put(&mut s, "rto_s", v(tp.rto.as_secs_nearest()));
    put(&mut s, "jitter_s", v(tp.jitter.as_secs_nearest()));
    put(&mut s, "stale", v(tp.stale));
    if let Some(bh) = s {
        // The downlink's default is the uplink's value (`NetParams::default()`
        // has the same link both ways).
        let up: Vec<(&str, Value)> = (LinkKey::ALL.iter().map(|k| k.name()))
            .filter(|k| !varying(&format!("backhaul.{k}")))
            .filter_map(|k| Some((k, bh.get(k)?.clone())))
            .collect();
        let mut d = section(bh, "downlink");
        for (k, x) in &up {
            put(&mut d, k, x.clone());
        }
        // An aggregation segment's link keys default to the uplink's too
        // (those a segment has); its scheduling to FIFO.
        if let Some(Value::Array(entries)) = bh.get_mut("aggregation") {
            for e in entries.iter_mut() {
                let mut e = e.as_table_mut();
                for (k, x) in &up {
                    if SEGMENT_KEYS.iter().any(|s| s.name() == *k) {
                        put(&mut e, k, x.clone());
                    }
                }
                put(&mut e, "scheduling", v(Scheduling::Fifo));
            }
        }
    }
    let mut s = section(&mut t, "run");
    put(&mut s, "drops", v(run.drops as i64));
    put(&mut s, "frames", v(run.frames as i64));
    put(&mut s, "seed", v(run.seed as i64));
    put(&mut s, "fidelity", v(run.fidelity));
    put(&mut s, "pfa_estimator", v(run.pfa_estimator));
    put(
        &mut s,
        "common_random_numbers",
        v(run.common_random_numbers),
    );
    put(&mut s, "roc_pfa", v(&run.roc_pfa));
    put(&mut s, "target_probability", v(n.target_probability));
    t
}
