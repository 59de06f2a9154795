//! Document to [`Setup`]: defaults filled in (in the file's units), then
//! converted to SI and linear and validated; validation keys are mapped back
//! to the keys of the file.

use super::backhaul;
use super::defaults::*;
use super::raw::{self, Calibration, RawPolicy};
use super::{Fidelity, Problem, RunSettings, Setup};
use crate::params::{Params, SensingScale, db_to_lin, dbm_to_w};
use crate::power::Policy;
use toml::{Table, Value};

pub(super) fn num(x: &Value) -> Option<f64> {
    match x {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Collects problems with one message style: `value X must be ...`.
pub(super) struct Checker(pub Vec<Problem>);

impl Checker {
    pub(super) fn need(
        &mut self,
        ok: bool,
        key: &str,
        value: impl std::fmt::Display,
        expected: &str,
    ) {
        if !ok {
            self.0.push(Problem {
                line: None,
                key: key.to_string(),
                message: format!("value {value} {expected}"),
            });
        }
    }
}

/// Resolves and validates one document (sweep and variants already applied).
pub(super) fn resolve(doc: &Table) -> Result<Setup, Vec<Problem>> {
    let filled = fill(doc, &|_| false);
    let mut problems = Vec::new();
    let r = raw::check(&filled, &mut problems);
    let mut c = Checker(problems);
    let mut p = Params::paper();
    let s = &r.system;
    let sy = &mut p.system;
    sy.tx_antennas = s.tx_antennas.unwrap_or(sy.tx_antennas);
    sy.bs_rx_antennas = s.bs_rx_antennas.unwrap_or(sy.bs_rx_antennas);
    sy.rap_antennas = s.rap_antennas.unwrap_or(sy.rap_antennas);
    sy.users = s.users.unwrap_or(sy.users);
    sy.raps = s.raps.unwrap_or(sy.raps);
    sy.frame_symbols = s.frame_symbols.unwrap_or(sy.frame_symbols);
    sy.spacing = s.spacing.unwrap_or(sy.spacing);
    let g = &r.geometry;
    let ge = &mut p.geometry;
    ge.region_m = g.region_m.unwrap_or(ge.region_m);
    ge.min_distance_m = g.min_distance_m.unwrap_or(ge.min_distance_m);
    ge.target = g.target;
    ge.bs = g.bs;
    ge.raps = g.raps.clone();
    ge.users = g.users.clone();
    ge.array_axis_rad = g.array_axis_deg.map_or(ge.array_axis_rad, f64::to_radians);
    let w = &r.power;
    let (pmax_dbm, sinr_db) = (w.pmax_dbm.unwrap_or(PMAX_DBM), w.sinr_db.unwrap_or(SINR_DB));
    let step_w = w.step_w.unwrap_or(STEP_W);
    p.power.pmax_w = dbm_to_w(pmax_dbm);
    p.power.sinr = db_to_lin(sinr_db);
    p.power.policy = match w.policy.unwrap_or(RawPolicy::Lp) {
        RawPolicy::Lp => Policy::Lp,
        RawPolicy::MaxP0 => Policy::MaxP0,
        RawPolicy::Algorithm1 => Policy::Algorithm1 { step_w },
        RawPolicy::MinPower => Policy::MinPower,
    };
    p.power.rzf_lambda = match &w.rzf_lambda {
        Some(Value::String(s)) if s == "auto" => None,
        Some(x) => {
            let l = num(x);
            c.need(
                l.is_some(),
                "power.rzf_lambda",
                x,
                "must be \"auto\" or a number >= 0",
            );
            l
        }
        None => None,
    };
    let se = &r.sensing;
    let cal = se.calibration.unwrap_or(Calibration::Paper);
    p.sensing.scale = match cal {
        Calibration::Paper => SensingScale::Paper {
            rcs_var: db_to_lin(se.rcs_db.unwrap_or(RCS_DB)),
        },
        Calibration::Physical => SensingScale::Bistatic {
            rcs_m2: se.rcs_m2.unwrap_or(RCS_M2),
            carrier_hz: se.carrier_hz.unwrap_or(CARRIER_HZ),
        },
    };
    let (paper, physical) = (
        "only used with calibration = \"paper\"",
        "only used with calibration = \"physical\"",
    );
    c.need(
        cal == Calibration::Paper || se.rcs_db.is_none(),
        "sensing.rcs_db",
        se.rcs_db.unwrap_or(0.0),
        paper,
    );
    c.need(
        cal == Calibration::Physical || se.rcs_m2.is_none(),
        "sensing.rcs_m2",
        se.rcs_m2.unwrap_or(0.0),
        physical,
    );
    let carrier = se.carrier_hz.unwrap_or(0.0);
    c.need(
        cal == Calibration::Physical || se.carrier_hz.is_none(),
        "sensing.carrier_hz",
        carrier,
        physical,
    );
    p.sensing.pfa = se.pfa.unwrap_or(p.sensing.pfa);
    p.sensing.target = se.target.unwrap_or(p.sensing.target);
    p.sensing.sensing_symbol = se.sensing_symbol.unwrap_or(p.sensing.sensing_symbol);
    p.sensing.local_filter = se.local_filter.unwrap_or(p.sensing.local_filter);
    let comm_dbm = r.noise.comm_dbm.unwrap_or(COMM_DBM);
    let sensing_dbm = r.noise.sensing_dbm.unwrap_or(SENSING_DBM);
    p.noise.comm_w = dbm_to_w(comm_dbm);
    p.noise.sensing_w = dbm_to_w(sensing_dbm);

    let net = backhaul::net(&r, p.system.raps, &mut c);
    let ru = &r.run;
    let run = RunSettings {
        drops: ru.drops.unwrap_or(100),
        frames: ru.frames.unwrap_or(100),
        seed: ru.seed.unwrap_or(1),
        fidelity: ru.fidelity.unwrap_or(Fidelity::Sample),
    };
    c.need(run.drops >= 1, "run.drops", run.drops, "must be >= 1");
    c.need(
        run.frames >= 1 || run.fidelity == Fidelity::Analytic,
        "run.frames",
        run.frames,
        "must be >= 1 (0 is allowed only with fidelity = \"analytic\")",
    );
    for e in p
        .validate()
        .err()
        .into_iter()
        .chain(net.validate().err())
        .flatten()
    {
        let (key, expected) = match e.key {
            "power.pmax" => (
                "power.pmax_dbm".into(),
                Some("must be a finite power in dBm".into()),
            ),
            "power.sinr" => (
                "power.sinr_db".into(),
                Some("must be a finite ratio in dB".into()),
            ),
            "power.step" => (
                "power.step_w".into(),
                Some(format!("must be in (0, Pmax) = (0, {}) W", p.power.pmax_w)),
            ),
            "sensing.rcs" => (
                "sensing.rcs_db".into(),
                Some("must be a finite number of dB".into()),
            ),
            "noise.comm" => (
                "noise.comm_dbm".into(),
                Some("must be a finite power in dBm".into()),
            ),
            "noise.sensing" => (
                "noise.sensing_dbm".into(),
                Some("must be a finite power in dBm".into()),
            ),
            // Links are checked above, key by key.
            "backhaul.uplinks" | "backhaul.downlinks" => continue,
            k => (k.to_string(), None),
        };
        let value = match key.as_str() {
            "power.pmax_dbm" => pmax_dbm.to_string(),
            "power.sinr_db" => sinr_db.to_string(),
            "sensing.rcs_db" => se.rcs_db.unwrap_or(RCS_DB).to_string(),
            "noise.comm_dbm" => comm_dbm.to_string(),
            "noise.sensing_dbm" => sensing_dbm.to_string(),
            _ => e.value.clone(),
        };
        c.need(false, &key, value, &expected.unwrap_or(e.expected.clone()));
    }
    if c.0.is_empty() {
        Ok(Setup {
            params: p,
            net,
            run,
        })
    } else {
        Err(backhaul::drop_inherited(doc, c.0))
    }
}
