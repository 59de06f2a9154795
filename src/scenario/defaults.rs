//! Defaults, in the file's units: `Params::paper()` and `NetParams::default()`
//! except the link latency (50 us), plus the dB and dBm forms only the file
//! has. [`fill`] makes them explicit in a document.

use super::Fidelity;
use super::raw::LINK_KEYS;
use crate::network::NetParams;
use crate::params::Params;
use crate::sim::LinkConfig;
use toml::{Table, Value};

/// Pmax of the paper (dBm).
pub(super) const PMAX_DBM: f64 = 30.0;
/// Gamma of the paper (dB).
pub(super) const SINR_DB: f64 = 15.0;
/// sigma_rcs^2 of the paper (dB).
pub(super) const RCS_DB: f64 = -16.0;
/// sigma_c^2 (dBm): 10 MHz thermal noise.
pub(super) const COMM_DBM: f64 = -104.0;
/// sigma_s^2 of the paper calibration (dBm).
pub(super) const SENSING_DBM: f64 = 40.0;
/// Radar cross section of the physical calibration (m^2).
pub(super) const RCS_M2: f64 = 1.0;
/// Carrier of the physical calibration (Hz).
pub(super) const CARRIER_HZ: f64 = 3.5e9;
/// Backhaul link latency (s).
pub(super) const LATENCY_S: f64 = 50e-6;
/// Algorithm 1's step (W), as in the paper.
pub(super) const STEP_W: f64 = 0.01;

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

/// `doc` with every missing key set to its default. Defaults that depend on
/// another key (`sensing.rcs_*`, `noise.sensing_dbm`, `backhaul.downlink.*`)
/// are filled only when that key is not `varying` (swept or overridden).
pub(super) fn fill(doc: &Table, varying: &dyn Fn(&str) -> bool) -> Table {
    let p = Params::paper();
    let n = NetParams::default();
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
    put(&mut s, "pmax_dbm", v(PMAX_DBM));
    put(&mut s, "sinr_db", v(SINR_DB));
    put(&mut s, "policy", v(p.power.policy));
    put(&mut s, "step_w", v(STEP_W));
    put(
        &mut s,
        "rzf_lambda",
        p.power.rzf_lambda.map_or(v("auto"), v),
    );
    let mut s = section(&mut t, "sensing");
    put(&mut s, "calibration", v("paper"));
    put(&mut s, "pfa", v(p.sensing.pfa));
    put(&mut s, "target", v(p.sensing.target));
    put(&mut s, "nodes", v(n.nodes));
    put(&mut s, "sensing_symbol", v(p.sensing.sensing_symbol));
    put(&mut s, "local_filter", v(p.sensing.local_filter));
    let physical = s.as_ref().and_then(|s| s.get("calibration")) == Some(&v("physical"));
    if !varying("sensing.calibration") {
        if physical {
            put(&mut s, "rcs_m2", v(RCS_M2));
            put(&mut s, "carrier_hz", v(CARRIER_HZ));
        } else {
            put(&mut s, "rcs_db", v(RCS_DB));
        }
    }
    let mut s = section(&mut t, "noise");
    put(&mut s, "comm_dbm", v(COMM_DBM));
    if !varying("sensing.calibration") && !varying("noise.comm_dbm") {
        let comm = s.as_ref().and_then(|s| s.get("comm_dbm")).cloned();
        put(
            &mut s,
            "sensing_dbm",
            if physical {
                comm.unwrap_or(v(COMM_DBM))
            } else {
                v(SENSING_DBM)
            },
        );
    }
    let mut s = section(&mut t, "backhaul");
    put(&mut s, "capacity_bps", v("unlimited"));
    put(&mut s, "latency_s", v(LATENCY_S));
    put(&mut s, "buffer_bytes", v("unlimited"));
    put(&mut s, "loss", v(0.0));
    put(&mut s, "outages_s", Value::Array(Vec::new()));
    put(
        &mut s,
        "header_bytes",
        v(LinkConfig::default().header_bytes as i64),
    );
    put(&mut s, "report", v(n.report[0]));
    put(&mut s, "sample_format", v(n.sample_format));
    put(&mut s, "symbols", v(n.symbols));
    put(&mut s, "fusion", v("glrt"));
    put(&mut s, "node_pfa", v(n.node_pfa));
    put(&mut s, "deadline_s", v(n.deadline_s));
    put(&mut s, "frame_interval_s", v(n.frame_interval_s));
    put(&mut s, "symbol_time_s", v(n.symbol_time_s));
    put(&mut s, "propagation", v(n.propagation));
    if let Some(bh) = s {
        let up: Vec<(&str, Value)> = LINK_KEYS
            .iter()
            .filter(|k| !varying(&format!("backhaul.{k}")))
            .filter_map(|k| Some((*k, bh.get(*k)?.clone())))
            .collect();
        let mut d = section(bh, "downlink");
        for (k, x) in up {
            put(&mut d, k, x);
        }
    }
    let mut s = section(&mut t, "run");
    put(&mut s, "drops", v(100i64));
    put(&mut s, "frames", v(100i64));
    put(&mut s, "seed", v(1i64));
    put(&mut s, "fidelity", v(Fidelity::Sample));
    put(&mut s, "target_probability", v(n.target_probability));
    t
}
