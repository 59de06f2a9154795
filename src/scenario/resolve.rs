//! Document to [`Setup`]: defaults filled in (in the file's units), then
//! converted to SI and linear and validated; validation keys are mapped back
//! to the keys of the file.

use super::defaults::fill;
use super::link::{self, LinkAt};
use super::raw::{self, Calibration, RawPolicy};
use super::{Fidelity, Problem, RunSettings, Setup, backhaul};
use crate::network::NetParams;
use crate::params::{
    PAPER_COMM_DBM, PAPER_PMAX_DBM, PAPER_RCS_DB, PAPER_SENSING_DBM, PAPER_SINR_DB, PAPER_STEP_W,
    PHYSICAL_CARRIER_HZ, PHYSICAL_RCS_M2, ParamError, ParamKey, Params, SensingScale, db_to_lin,
    dbm_to_w,
};
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
        if ok {
            return;
        }
        let message = format!("value {value} {expected}");
        // The same value may reach several links (inherited): report it once.
        if !self.0.iter().any(|p| p.key == key && p.message == message) {
            self.0.push(Problem {
                line: None,
                key: key.to_string(),
                message,
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
    let (pmax_dbm, sinr_db) = (
        w.pmax_dbm.unwrap_or(PAPER_PMAX_DBM),
        w.sinr_db.unwrap_or(PAPER_SINR_DB),
    );
    let step_w = w.step_w.unwrap_or(PAPER_STEP_W);
    p.power.pmax_w = dbm_to_w(pmax_dbm);
    p.power.sinr = db_to_lin(sinr_db);
    p.power.policy = match w.policy {
        Some(RawPolicy::Lp) => Policy::Lp,
        Some(RawPolicy::MaxP0) => Policy::MaxP0,
        Some(RawPolicy::Algorithm1) => Policy::Algorithm1 { step_w },
        Some(RawPolicy::MinPower) => Policy::MinPower,
        None => p.power.policy,
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
    let cal = se.calibration.unwrap_or(match p.sensing.scale {
        SensingScale::Paper { .. } => Calibration::Paper,
        SensingScale::Bistatic { .. } => Calibration::Physical,
    });
    p.sensing.scale = match cal {
        Calibration::Paper => SensingScale::Paper {
            rcs_var: db_to_lin(se.rcs_db.unwrap_or(PAPER_RCS_DB)),
        },
        Calibration::Physical => SensingScale::Bistatic {
            rcs_m2: se.rcs_m2.unwrap_or(PHYSICAL_RCS_M2),
            carrier_hz: se.carrier_hz.unwrap_or(PHYSICAL_CARRIER_HZ),
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
    let comm_dbm = r.noise.comm_dbm.unwrap_or(PAPER_COMM_DBM);
    let sensing_dbm = r.noise.sensing_dbm.unwrap_or(PAPER_SENSING_DBM);
    p.noise.comm_w = dbm_to_w(comm_dbm);
    p.noise.sensing_w = dbm_to_w(sensing_dbm);

    let (net, uplink_at) = backhaul::net(&r, p.system.raps, &mut c);
    let ru = &r.run;
    let d = RunSettings::default();
    let run = RunSettings {
        drops: ru.drops.unwrap_or(d.drops),
        frames: ru.frames.unwrap_or(d.frames),
        seed: ru.seed.unwrap_or(d.seed),
        fidelity: ru.fidelity.unwrap_or(d.fidelity),
        pfa_estimator: ru.pfa_estimator.unwrap_or(d.pfa_estimator),
        common_random_numbers: ru.common_random_numbers.unwrap_or(d.common_random_numbers),
        roc_pfa: ru.roc_pfa.clone().unwrap_or(d.roc_pfa),
    };
    c.need(
        run.roc_pfa.len() <= 64,
        "run.roc_pfa",
        format!("{} levels", run.roc_pfa.len()),
        "must list at most 64 fused false-alarm levels",
    );
    for &a in &run.roc_pfa {
        c.need(
            a > 0.0 && a < 1.0,
            "run.roc_pfa",
            a,
            "must list fused false-alarm levels in (0, 1)",
        );
    }
    statistic_fidelity_is_exact(&run, &net, &mut c);
    c.need(run.drops >= 1, "run.drops", run.drops, "must be >= 1");
    c.need(
        run.frames >= 1 || run.fidelity == Fidelity::Analytic,
        "run.frames",
        run.frames,
        "must be >= 1 (0 is allowed only with fidelity = \"analytic\")",
    );
    super::limits::check(&p, &net, &run, &mut c);
    let file = FileValues {
        pmax_dbm,
        sinr_db,
        rcs_db: se.rcs_db.unwrap_or(PAPER_RCS_DB),
        comm_dbm,
        sensing_dbm,
        pmax_w: p.power.pmax_w,
        uplink_at,
        net: &net,
    };
    for e in p
        .validate()
        .err()
        .into_iter()
        .chain(net.validate().err())
        .flatten()
    {
        let (key, value, expected) = file_problem(e, &file);
        c.need(false, &key, value, &expected);
    }
    root_causes(&mut c.0);
    if c.0.is_empty() {
        Ok(Setup {
            params: p,
            net,
            run,
        })
    } else {
        Err(link::drop_inherited(doc, c.0))
    }
}

/// Keeps only root causes: a problem that follows from another one's bad
/// value (`system.users` must be <= a bad `system.tx_antennas`, positions
/// must match a bad count, ...) is dropped.
fn root_causes(problems: &mut Vec<Problem>) {
    let bad = |k: &str, ps: &[Problem]| ps.iter().any(|p| p.key == k);
    let snapshot = problems.clone();
    problems.retain(|p| {
        let follows = |causes: &[&str]| causes.iter().any(|c| bad(c, &snapshot));
        // An entry left without nodes by its own bad `nodes` value.
        if p.message.ends_with("must list at least one node")
            && snapshot
                .iter()
                .any(|q| q.key == p.key && q.message != p.message)
        {
            return false;
        }
        match p.key.as_str() {
            "system.users" => !follows(&["system.tx_antennas"]),
            "sensing.local_filter" => {
                !follows(&["system.tx_antennas", "system.rap_antennas", "system.raps"])
            }
            "geometry.raps" => !follows(&["system.raps"]),
            "geometry.users" => !follows(&["system.users", "system.tx_antennas"]),
            "backhaul.frame_interval_s" => {
                p.message.contains("must be > 0")
                    || !follows(&["system.frame_symbols", "backhaul.symbol_time_s"])
            }
            "run.frames" => {
                !p.message.contains("simulated clock")
                    || !follows(&[
                        "backhaul.frame_interval_s",
                        "backhaul.symbol_time_s",
                        "system.frame_symbols",
                    ])
            }
            _ => true,
        }
    });
}

/// Refuses statistic fidelity where it cannot represent a setting exactly:
/// integer sample formats (their quantization step depends on a batch's
/// largest sample, which the statistics do not carry) on any node that may
/// send samples.
fn statistic_fidelity_is_exact(run: &RunSettings, net: &NetParams, c: &mut Checker) {
    use crate::node::ReportPolicy;
    if run.fidelity != Fidelity::Statistic || !net.sample_format.is_integer() {
        return;
    }
    let sends_samples = net
        .report
        .iter()
        .any(|r| matches!(r, ReportPolicy::Samples | ReportPolicy::Adaptive));
    c.need(
        !sends_samples,
        "run.fidelity",
        "\"statistic\"",
        &format!(
            "cannot represent backhaul.sample_format = \"{}\" exactly (the quantization of an integer batch depends on its largest sample); use run.fidelity = \"sample\", or backhaul.sample_format = \"f32\" or \"f64\", or reports that are not samples",
            format!("{:?}", net.sample_format).to_lowercase()
        ),
    );
}

/// The values a file gives in its own units, and where each uplink is in it:
/// what a validation problem is reported with.
struct FileValues<'a> {
    pmax_dbm: f64,
    sinr_db: f64,
    rcs_db: f64,
    comm_dbm: f64,
    sensing_dbm: f64,
    pmax_w: f64,
    uplink_at: Vec<LinkAt>,
    net: &'a NetParams,
}

/// A validation problem as the file says it: key, value and valid range.
fn file_problem(e: ParamError, f: &FileValues) -> (String, String, String) {
    let finite = |what: &str| format!("must be a finite {what}");
    let same = |e: ParamError| (e.key.path(), e.value, e.expected);
    match e.key {
        ParamKey::Pmax => (
            "power.pmax_dbm".into(),
            f.pmax_dbm.to_string(),
            finite("power in dBm"),
        ),
        ParamKey::Sinr => (
            "power.sinr_db".into(),
            f.sinr_db.to_string(),
            finite("ratio in dB"),
        ),
        ParamKey::Step => {
            let range = format!("must be in (0, Pmax) = (0, {}) W", f.pmax_w);
            ("power.step_w".into(), e.value, range)
        }
        ParamKey::Rcs => (
            "sensing.rcs_db".into(),
            f.rcs_db.to_string(),
            finite("number of dB"),
        ),
        ParamKey::CommNoise => (
            "noise.comm_dbm".into(),
            f.comm_dbm.to_string(),
            finite("power in dBm"),
        ),
        ParamKey::SensingNoise => {
            let v = f.sensing_dbm.to_string();
            ("noise.sensing_dbm".into(), v, finite("power in dBm"))
        }
        ParamKey::Uplink { node, key } => {
            let at = f.uplink_at.get(node).copied().unwrap_or(LinkAt::Backhaul);
            (at.key(key), e.value, link::expected(key).into())
        }
        ParamKey::LocalFilter => (
            "sensing.local_filter".into(),
            "\"projection\"".into(),
            "needs system.rap_antennas > system.tx_antennas (N1 > M) to leave a null space".into(),
        ),
        ParamKey::Downlink { key, .. } => (
            LinkAt::Downlink.key(key),
            e.value,
            link::expected(key).into(),
        ),
        ParamKey::Segment { entry, key } => (
            LinkAt::Aggregation(entry).key(key),
            e.value,
            link::expected(key).into(),
        ),
        ParamKey::MtuBytes => (
            e.key.path(),
            e.value,
            format!(
                "must be larger than backhaul.packet_header_bytes = {} (a packet needs room for data after its header)",
                f.net.transport.packet_header_bytes
            ),
        ),
        ParamKey::RtoS => (
            e.key.path(),
            super::limits::num(f.net.transport.rto.as_secs_nearest()),
            "must be > 0 s with backhaul.transport = \"reliable\"".into(),
        ),
        ParamKey::AggregationNodes { entry } => aggregation_problem(entry, f.net),
        ParamKey::Fault { node } => {
            let i = match f.uplink_at.get(node) {
                Some(LinkAt::Node(i)) => *i,
                _ => node,
            };
            let fault = f.net.faults.get(node).copied().flatten();
            let (crash, restart) = fault.map_or((0.0, 0.0), |x| {
                let restart = x.restart.map_or(f64::NAN, |r| r.as_secs_nearest());
                (x.crash.as_secs_nearest(), restart)
            });
            (
                format!("backhaul.node[{i}].restart_s"),
                super::limits::num(restart),
                format!(
                    "must be > backhaul.node[{i}].crash_s = {} s: a node restarts after it crashes",
                    super::limits::num(crash)
                ),
            )
        }
        // The file's key is the library's (`backhaul.uplinks`,
        // `backhaul.downlinks` and `backhaul.report` cannot be wrong in a
        // file: it always gives one link and one policy).
        ParamKey::TxAntennas
        | ParamKey::BsRxAntennas
        | ParamKey::RapAntennas
        | ParamKey::Users
        | ParamKey::Raps
        | ParamKey::FrameSymbols
        | ParamKey::Spacing
        | ParamKey::RegionM
        | ParamKey::MinDistanceM
        | ParamKey::RapPositions
        | ParamKey::UserPositions
        | ParamKey::RzfLambda
        | ParamKey::Pfa
        | ParamKey::RcsM2
        | ParamKey::CarrierHz
        | ParamKey::SymbolTime
        | ParamKey::FrameInterval
        | ParamKey::Deadline
        | ParamKey::TargetProbability
        | ParamKey::Uplinks
        | ParamKey::Downlinks
        | ParamKey::Report => same(e),
    }
}

/// A problem of aggregation entry `entry`'s nodes: none, or a node an
/// earlier entry lists too (naming the node and that entry).
fn aggregation_problem(entry: usize, net: &NetParams) -> (String, String, String) {
    let key = ParamKey::AggregationNodes { entry }.path();
    let nodes = &net.aggregation[entry].nodes;
    let value = format!("{nodes:?}");
    let earlier = (nodes.iter()).find_map(|n| {
        (net.aggregation[..entry].iter())
            .position(|a| a.nodes.contains(n))
            .map(|j| (n, j))
    });
    let expected = match earlier {
        Some((n, j)) => format!(
            "must not list node {n}, which backhaul.aggregation[{j}].nodes lists too: a report crosses at most one segment"
        ),
        None => "must list at least one node".into(),
    };
    (key, value, expected)
}
