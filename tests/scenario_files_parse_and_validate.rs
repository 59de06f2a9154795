//! Scenario files: defaults, every key, sweeps and variants, errors, round trip.

use iaps::design::NodePfa;
use iaps::detect::LocalFilter;
use iaps::fusion::VotingRule;
use iaps::network::{NetParams, SymbolDelivery};
use iaps::node::CcFusion;
use iaps::node::ReportPolicy;
use iaps::node::SampleFormat;
use iaps::params::NodeSet;
use iaps::params::{Params, SensingScale, db_to_lin, dbm_to_w};
use iaps::power::Policy;
use iaps::radio::TargetModel;
use iaps::scenario::{Fidelity, Scenario, ScenarioError};
use iaps::sim::{LinkConfig, SimTime};
use toml::Value;

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> ScenarioError {
    let e = Scenario::parse(text, "bad.toml").expect_err("should fail");
    assert_eq!(e.origin, "bad.toml");
    e
}

/// The single problem of `e`, checked for key, line and message fragment.
fn one(e: &ScenarioError, key: &str, line: Option<usize>, says: &str) {
    assert_eq!(e.problems.len(), 1, "{e}");
    let p = &e.problems[0];
    assert_eq!(p.key, key, "{e}");
    assert_eq!(p.line, line, "{e}");
    assert!(p.message.contains(says), "`{says}` not in: {e}");
}

#[test]
fn minimal_file_resolves_to_the_paper_system() {
    let s = parse("[run]\ndrops = 2\n");
    assert_eq!(s.name, "test");
    let b = s.base().unwrap();
    assert_eq!(b.params, Params::paper());
    assert_eq!(b.params.power.pmax_w, 1.0);
    assert_eq!(b.params.noise.sensing_w, 10.0);
    assert_eq!(b.run.drops, 2);
    assert_eq!(
        (b.run.frames, b.run.seed, b.run.fidelity),
        (100, 1, Fidelity::Sample)
    );
    let d = NetParams::default();
    assert_eq!(b.net.report, d.report);
    assert_eq!(b.net.fusion, CcFusion::Glrt);
    assert_eq!(b.net.target_probability, 0.5);
    let link = LinkConfig {
        latency: SimTime::from_secs(50e-6),
        ..LinkConfig::default()
    };
    assert_eq!(b.net.uplinks, vec![link.clone()]);
    assert_eq!(b.net.downlinks, vec![link]);
    // The file's defaults are the network's: nothing is restated.
    assert_eq!(b.net, d);

    let b = parse("[power]\npmax_dbm = 20\nsinr_db = 10\n[geometry]\narray_axis_deg = 90\n[noise]\ncomm_dbm = -90")
        .base()
        .unwrap();
    assert_eq!(b.params.power.pmax_w, dbm_to_w(20.0));
    assert!((b.params.power.pmax_w - 0.1).abs() < 1e-15);
    assert_eq!(b.params.power.sinr, db_to_lin(10.0));
    assert_eq!(
        b.params.geometry.array_axis_rad,
        std::f64::consts::FRAC_PI_2
    );
    assert_eq!(b.params.noise.comm_w, dbm_to_w(-90.0));
    assert_eq!(b.params.noise.sensing_w, dbm_to_w(40.0));
}

const EVERY_KEY: &str = r#"
name = "all"
description = "every key"
iaps_version = "0.0.0"
[system]
tx_antennas = 8
bs_rx_antennas = 12
rap_antennas = 10
users = 4
raps = 3
frame_symbols = 20
spacing = 0.25
[geometry]
region_m = 300
min_distance_m = 5
target = [150, 150]
bs = [0, 0]
raps = [[10, 0], [0, 10], [10, 10]]
users = [[1, 2], [3, 4], [5, 6], [7, 8]]
array_axis_deg = 30
[power]
pmax_dbm = 33
sinr_db = 12
policy = "algorithm1"
step_w = 0.05
rzf_lambda = 0.3
[sensing]
calibration = "physical"
rcs_m2 = 10
carrier_hz = 2.4e9
pfa = 1e-3
target = "swerling0"
nodes = "raps"
sensing_symbol = false
local_filter = "cancel"
[noise]
comm_dbm = -100
[backhaul]
capacity_bps = 1e7
latency_s = 1e-4
buffer_bytes = 4096
loss = 0.1
outages_s = [[0.01, 0.02]]
header_bytes = 16
report = "statistic"
sample_format = "i8"
symbols = "downlink"
fusion = 2
node_pfa = "target"
deadline_s = 2e-3
frame_interval_s = 5e-3
symbol_time_s = 1e-6
propagation = false
[backhaul.downlink]
capacity_bps = "unlimited"
loss = 0.2
[[backhaul.node]]
id = 0
report = "samples"
capacity_bps = 1e9
[[backhaul.node]]
id = 3
buffer_bytes = "unlimited"
[run]
drops = 7
frames = 0
seed = 42
fidelity = "analytic"
target_probability = 0.25
"#;

#[test]
fn every_key_can_be_set() {
    let s = parse(EVERY_KEY);
    assert_eq!(
        (s.name.as_str(), s.description.as_str()),
        ("all", "every key")
    );
    let b = s.base().unwrap();
    let p = &b.params;
    let sy = &p.system;
    assert_eq!(
        (
            sy.tx_antennas,
            sy.bs_rx_antennas,
            sy.rap_antennas,
            sy.users,
            sy.raps,
            sy.frame_symbols
        ),
        (8, 12, 10, 4, 3, 20)
    );
    assert_eq!(sy.spacing, 0.25);
    let g = &p.geometry;
    assert_eq!((g.region_m, g.min_distance_m), (300.0, 5.0));
    assert_eq!((g.target, g.bs), (Some([150.0, 150.0]), Some([0.0, 0.0])));
    assert_eq!(g.raps.as_ref().unwrap()[2], [10.0, 10.0]);
    assert_eq!(g.users.as_ref().unwrap().len(), 4);
    assert_eq!(g.array_axis_rad, 30f64.to_radians());
    assert_eq!(p.power.pmax_w, dbm_to_w(33.0));
    assert_eq!(p.power.sinr, db_to_lin(12.0));
    assert_eq!(p.power.policy, Policy::Algorithm1 { step_w: 0.05 });
    assert_eq!(p.power.rzf_lambda, Some(0.3));
    let se = &p.sensing;
    assert_eq!(
        se.scale,
        SensingScale::Bistatic {
            rcs_m2: 10.0,
            carrier_hz: 2.4e9
        }
    );
    assert_eq!(
        (se.pfa, se.target, se.sensing_symbol),
        (1e-3, TargetModel::Swerling0, false)
    );
    assert_eq!(se.local_filter, LocalFilter::Cancel);
    // Physical calibration: the sensing noise defaults to the comm noise.
    assert_eq!(p.noise.sensing_w, dbm_to_w(-100.0));
    let n = &b.net;
    assert_eq!(n.nodes, NodeSet::Raps);
    assert_eq!(
        (n.sample_format, n.symbols),
        (SampleFormat::I8, SymbolDelivery::Downlink)
    );
    assert_eq!(
        (n.fusion, n.node_pfa),
        (CcFusion::Vote(VotingRule::AtLeast(2)), NodePfa::Target)
    );
    assert_eq!(
        (n.deadline_s, n.frame_interval_s, n.symbol_time_s),
        (2e-3, 5e-3, 1e-6)
    );
    assert!(!n.propagation);
    assert_eq!(n.target_probability, 0.25);
    let up = LinkConfig {
        capacity_bps: Some(1e7),
        latency: SimTime::from_secs(1e-4),
        buffer_bytes: Some(4096),
        loss: 0.1,
        outages: vec![(SimTime::from_secs(0.01), SimTime::from_secs(0.02))],
        header_bytes: 16,
    };
    // Per-node overrides: full vectors of R + 1 = 4 entries.
    let bs = LinkConfig {
        capacity_bps: Some(1e9),
        ..up.clone()
    };
    let rap3 = LinkConfig {
        buffer_bytes: None,
        ..up.clone()
    };
    assert_eq!(n.uplinks, vec![bs, up.clone(), up.clone(), rap3]);
    use ReportPolicy::{Samples, Statistic};
    assert_eq!(n.report, vec![Samples, Statistic, Statistic, Statistic]);
    // The downlink takes the uplink's keys unless given.
    let down = LinkConfig {
        capacity_bps: None,
        loss: 0.2,
        ..up
    };
    assert_eq!(n.downlinks, vec![down]);
    assert_eq!(b.run.drops, 7);
    assert_eq!(
        (b.run.frames, b.run.seed, b.run.fidelity),
        (0, 42, Fidelity::Analytic)
    );
}

#[test]
fn fusion_rules_and_policies_by_name() {
    for (f, want) in [
        ("\"or\"", CcFusion::Vote(VotingRule::Or)),
        ("\"and\"", CcFusion::Vote(VotingRule::And)),
        ("\"majority\"", CcFusion::Vote(VotingRule::Majority)),
        ("\"paper_kappa\"", CcFusion::Vote(VotingRule::PaperKappa)),
        ("\"glrt\"", CcFusion::Glrt),
    ] {
        let b = parse(&format!("[backhaul]\nfusion = {f}")).base().unwrap();
        assert_eq!(b.net.fusion, want);
    }
    for (name, want) in [
        ("lp", Policy::Lp),
        ("max_p0", Policy::MaxP0),
        ("min_power", Policy::MinPower),
    ] {
        let b = parse(&format!("[power]\npolicy = \"{name}\""))
            .base()
            .unwrap();
        assert_eq!(b.params.power.policy, want);
    }
    let b = parse("[power]\npolicy = \"algorithm1\"").base().unwrap();
    assert_eq!(b.params.power.policy, Policy::Algorithm1 { step_w: 0.01 });
    let b = parse("[sensing]\nrcs_db = -20").base().unwrap();
    assert_eq!(
        b.params.sensing.scale,
        SensingScale::Paper {
            rcs_var: db_to_lin(-20.0)
        }
    );
}

const SWEEP: &str = r#"
[run]
drops = 3
[sweep]
sensing.rcs_db = { from = -30, to = -20, step = 5 }
"power.pmax_dbm" = [20, 30]
[[variant]]
label = "active"
sensing.nodes = "bs"
[[variant]]
label = "decision"
"backhaul.report" = "decision"
"#;

#[test]
fn sweep_and_variants_give_the_product_in_order() {
    let s = parse(SWEEP);
    let pts = s.points().unwrap();
    assert_eq!(pts.len(), 2 * 3 * 2);
    let f = Value::Float;
    for (i, p) in pts.iter().enumerate() {
        let (coord, var) = (i / 2, i % 2);
        assert_eq!(p.index, coord);
        // The first axis in the file (not in key order) varies slowest.
        let rcs = [-30.0, -25.0, -20.0][coord / 2];
        let pmax = [20, 30][coord % 2];
        assert_eq!(
            p.coords,
            vec![
                ("sensing.rcs_db".to_string(), f(rcs)),
                ("power.pmax_dbm".into(), Value::Integer(pmax))
            ]
        );
        assert_eq!(p.variant, ["active", "decision"][var]);
        let setup = &p.setup;
        assert_eq!(setup.params.power.pmax_w, dbm_to_w(pmax as f64));
        assert_eq!(
            setup.params.sensing.scale,
            SensingScale::Paper {
                rcs_var: db_to_lin(rcs)
            }
        );
        assert_eq!(setup.run.drops, 3);
        let (nodes, report) = match var {
            0 => (NodeSet::Bs, ReportPolicy::Samples),
            _ => (NodeSet::All, ReportPolicy::Decision),
        };
        assert_eq!((setup.net.nodes, setup.net.report[0]), (nodes, report));
    }
    // No variants: one variant per coordinate, labelled "default".
    let pts = parse("[sweep]\n\"system.raps\" = { from = 2, to = 4, step = 1 }")
        .points()
        .unwrap();
    assert_eq!(pts.len(), 3);
    assert!(pts.iter().all(|p| p.variant == "default"));
    assert_eq!(pts[2].setup.params.system.raps, 4);
    assert_eq!(pts[2].coords[0].1, Value::Integer(4));
}

#[test]
fn ranges_log_decades_and_inclusive_steps() {
    let s = parse(
        "[sweep]\n\"backhaul.capacity_bps\" = { from = 1e3, to = 1e10, points = 8, scale = \"log\" }",
    );
    let want: Vec<Value> = (3..=10).map(|e| Value::Float(10f64.powi(e))).collect();
    assert_eq!(s.sweep[0].values, want);
    let caps: Vec<_> = s
        .points()
        .unwrap()
        .iter()
        .map(|p| p.setup.net.uplinks[0].capacity_bps)
        .collect();
    assert_eq!(caps[7], Some(1e10));
    let s = parse("[sweep]\npower.sinr_db = { from = 0, to = 0.9, step = 0.3 }");
    let want: Vec<Value> = [0.0, 0.3, 0.6, 0.9].map(Value::Float).to_vec();
    assert_eq!(s.sweep[0].values, want);
    let s = parse("[sweep]\npower.sinr_db = { from = 1, to = 2, points = 3 }");
    assert_eq!(
        s.sweep[0].values,
        [1.0, 1.5, 2.0].map(Value::Float).to_vec()
    );
}

#[test]
fn bad_inputs_name_origin_key_line_and_valid_range() {
    let e = err("[run]\ndrops = 2\nfoo = 1\n");
    one(&e, "run.foo", Some(3), "valid keys in [run]: drops, frames");
    assert!(
        e.to_string()
            .starts_with("bad.toml:3: run.foo: unknown key"),
        "{e}"
    );
    one(
        &err("color = 1\n"),
        "color",
        Some(1),
        "valid top-level keys",
    );
    one(
        &err("[[variant]]\nlabel = \"x\"\nsensing.foo = 1\n"),
        "sensing.foo",
        Some(3),
        "unknown key",
    );
    one(
        &err("[sweep]\n\"system.bogus\" = [1, 2]\n"),
        "system.bogus",
        Some(2),
        "unknown key",
    );
    one(
        &err("[system]\nusers = \"eight\"\n"),
        "system.users",
        Some(2),
        "expected a non-negative integer",
    );
    one(
        &err("[sensing]\npfa = 2\n"),
        "sensing.pfa",
        Some(2),
        "must be in (0, 1)",
    );
    one(
        &err("\n[system]\nusers = 40\n"),
        "system.users",
        Some(3),
        "must be in 1..=16",
    );
    one(&err("[power]\npmax_dbm = 1e400\n"), "", Some(2), "syntax");
    one(
        &err("[power]\npmax_dbm = inf\n"),
        "power.pmax_dbm",
        Some(2),
        "finite power in dBm",
    );
    one(
        &err("[power]\npolicy = \"greedy\"\n"),
        "power.policy",
        Some(2),
        "max_p0",
    );
    one(
        &err("[backhaul]\nloss = 1.5\n"),
        "backhaul.loss",
        Some(2),
        "[0, 1]",
    );
    one(
        &err("[backhaul]\nfusion = \"best\"\n"),
        "backhaul.fusion",
        Some(2),
        "paper_kappa",
    );
    one(
        &err("[sensing]\nrcs_m2 = 3\n"),
        "sensing.rcs_m2",
        Some(2),
        "calibration = \"physical\"",
    );
    one(
        &err("[run]\nframes = 0\n"),
        "run.frames",
        Some(2),
        "analytic",
    );
    one(
        &err("[[backhaul.node]]\nid = 11\n"),
        "backhaul.node[0].id",
        Some(2),
        "0..=10",
    );
    let e = err("[[backhaul.node]]\nid = 1\n[[backhaul.node]]\nid = 1\n");
    one(&e, "backhaul.node[1].id", Some(4), "unique");
    one(
        &err("[[variant]]\nlabel = \"a\"\n[[variant]]\nlabel = \"a\"\n"),
        "variant[1].label",
        Some(4),
        "unique",
    );
    // Invalid ranges.
    let e = err("[sweep]\n\"sensing.pfa\" = { from = 1, to = 2, step = 0 }\n");
    one(&e, "sensing.pfa", Some(2), "step = 0 must be > 0");
    one(
        &err("[sweep]\n\"sensing.pfa\" = { from = 1, to = 2, points = 0 }\n"),
        "sensing.pfa",
        Some(2),
        "1..=",
    );
    let e = err("[sweep]\n\"sensing.pfa\" = { from = 0, to = 1, points = 3, scale = \"log\" }\n");
    one(&e, "sensing.pfa", Some(2), "from > 0");
    // Three problems, all reported, in file order.
    let e = err("[system]\nusers = 40\n[sensing]\npfa = 2\n[run]\ndrops = 0\n");
    let keys: Vec<_> = e
        .problems
        .iter()
        .map(|p| (p.key.as_str(), p.line))
        .collect();
    assert_eq!(
        keys,
        [
            ("system.users", Some(2)),
            ("sensing.pfa", Some(4)),
            ("run.drops", Some(6))
        ]
    );
    assert!(e.to_string().lines().count() == 3, "{e}");
    // A point that fails names its point.
    let s = parse("[sweep]\n\"system.users\" = [4, 40]\n");
    let e = s.points().expect_err("users = 40 fails");
    one(&e, "system.users", Some(2), "at system.users = 40");
    // Missing file.
    let e = Scenario::load(std::path::Path::new("/nonexistent/x.toml")).expect_err("no file");
    one(&e, "", None, "cannot read");
}

#[test]
fn link_problems_name_the_key_that_sets_the_value() {
    let e = err(
        "[[backhaul.node]]\nid = 0\n[[backhaul.node]]\nid = 3\nlatency_s = -1\ncapacity_bps = 0\noutages_s = [[5, 4]]\n",
    );
    let got: Vec<_> = (e.problems.iter())
        .map(|p| (p.key.as_str(), p.line, p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "backhaul.node[1].latency_s",
                Some(5),
                "value -1 must be a finite number >= 0 (s)"
            ),
            (
                "backhaul.node[1].capacity_bps",
                Some(6),
                "value 0 must be a number > 0 (bit/s) or \"unlimited\""
            ),
            (
                "backhaul.node[1].outages_s",
                Some(7),
                "value [5, 4] must be [start, end] with 0 <= start <= end (s)"
            ),
        ]
    );
    one(
        &err("[backhaul.downlink]\nloss = 2\n"),
        "backhaul.downlink.loss",
        Some(2),
        "value 2 must be in [0, 1]",
    );
    // A value the downlink and the nodes inherit is reported once, at its key.
    one(
        &err("[backhaul]\nloss = 2\n[[backhaul.node]]\nid = 1\n"),
        "backhaul.loss",
        Some(2),
        "value 2 must be in [0, 1]",
    );
    // ... even when no link uses it.
    one(
        &err(
            "[system]\nraps = 0\n[backhaul]\nloss = 2\n[backhaul.downlink]\nloss = 0\n[[backhaul.node]]\nid = 0\nloss = 0\n",
        ),
        "backhaul.loss",
        Some(4),
        "[0, 1]",
    );
    let e = Scenario::parse("[sweep]\n\"backhaul.loss\" = [0.5, 3]\n", "s.toml")
        .unwrap()
        .points()
        .unwrap_err();
    one(&e, "backhaul.loss", Some(2), "at backhaul.loss = 3");
}

#[test]
fn bad_set_is_an_error_not_a_panic() {
    let mut s = parse(SWEEP);
    let before = s.clone();
    for (a, key, says) in [
        ("sensing.bogus=1", "sensing.bogus", "unknown key"),
        ("nothing.at.all=1", "nothing.at.all", "unknown key"),
        ("sensing.pfa=2", "sensing.pfa", "(0, 1)"),
        ("sensing.pfa=high", "sensing.pfa", "expected a number"),
        ("system.users", "", "KEY=VALUE"),
        ("=3", "", "KEY=VALUE"),
        (
            "sweep.sensing.pfa={ from = 1, to = 0, step = 1 }",
            "sensing.pfa",
            "from <= to",
        ),
        ("sweep.sensing.pfa=3", "sensing.pfa", "not an axis"),
    ] {
        let e = s.set(a).expect_err(a);
        assert_eq!(e.origin, "--set");
        assert_eq!(e.problems[0].key, key, "{a}: {e}");
        assert!(e.problems[0].message.contains(says), "{a}: {e}");
        assert_eq!(s, before);
    }
    s.set("backhaul.report=decision").unwrap();
    s.set("sweep.run.seed=[1, 2]").unwrap();
    assert_eq!(s.points().unwrap().len(), 2 * 3 * 2 * 2);
}

#[test]
fn set_on_a_swept_key_fixes_it() {
    let mut s = parse(SWEEP);
    s.set("sensing.rcs_db = -10").unwrap();
    assert_eq!(s.sweep.len(), 1);
    assert_eq!(s.sweep[0].key, "power.pmax_dbm");
    s.set("sensing.nodes=all").unwrap();
    let pts = s.points().unwrap();
    assert_eq!(pts.len(), 2 * 2);
    for p in &pts {
        assert_eq!(
            p.setup.params.sensing.scale,
            SensingScale::Paper {
                rcs_var: db_to_lin(-10.0)
            }
        );
        assert_eq!(p.setup.net.nodes, NodeSet::All);
        assert_eq!(p.coords.len(), 1);
    }
}

#[test]
fn resolved_toml_round_trips() {
    for text in [
        SWEEP,
        EVERY_KEY,
        "[run]\nseed = 9",
        "[sensing]\ncalibration = \"physical\"",
    ] {
        let s = parse(text);
        let out = s.resolved_toml();
        assert!(
            out.contains(&format!("iaps_version = \"{}\"", env!("CARGO_PKG_VERSION"))),
            "{out}"
        );
        assert!(out.contains("seed = "), "{out}");
        let again = Scenario::parse(&out, "resolved").unwrap_or_else(|e| panic!("{e}\n{out}"));
        assert_eq!(again.points().unwrap(), s.points().unwrap(), "{out}");
        assert_eq!(again.resolved_toml(), out);
    }
    // A variant switching the calibration keeps its conditional defaults.
    let s = parse(
        "[[variant]]\nlabel = \"p\"\n[[variant]]\nlabel = \"b\"\nsensing.calibration = \"physical\"",
    );
    let again = Scenario::parse(&s.resolved_toml(), "resolved").unwrap();
    assert_eq!(again.points().unwrap(), s.points().unwrap());
}

#[test]
fn named_falls_back_to_paths() {
    let e = Scenario::named("/nonexistent/none.toml").expect_err("missing");
    assert_eq!(e.origin, "/nonexistent/none.toml");
}

#[test]
fn documented_examples_parse() {
    let md = include_str!("../docs/scenarios.md");
    let blocks: Vec<&str> = md
        .split("```toml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert_eq!(blocks.len(), 5);
    for b in blocks {
        let s = parse(b);
        let pts = s.points().unwrap_or_else(|e| panic!("{e}\n{b}"));
        assert!(!pts.is_empty());
    }
}
