//! Fuzzing the scenario layer with proptest (cargo-fuzz needs a nightly
//! toolchain and libFuzzer, which CI does not have): arbitrary text and
//! TOML-like documents through `Scenario::parse`, arbitrary `--set`
//! overrides through `Scenario::set`, then `Scenario::points` and the
//! `resolved_toml` round trip. Nothing may panic; a scenario that parses must
//! give a resolved TOML that parses again to the same points.
//!
//! The suite runs a few hundred cases (seconds). For a long run:
//! `IAPS_FUZZ_CASES=200000 cargo test --release --test scenario_parser_fuzz -- --nocapture`
//! (docs/validation.md records one).

use iaps::scenario::Scenario;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases(default: u32) -> u32 {
    std::env::var("IAPS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Keys the scenario knows, and some it does not.
const KEYS: &[&str] = &[
    "name",
    "description",
    "system.tx_antennas",
    "system.bs_rx_antennas",
    "system.rap_antennas",
    "system.users",
    "system.raps",
    "system.frame_symbols",
    "system.spacing",
    "geometry.region_m",
    "geometry.min_distance_m",
    "geometry.target",
    "geometry.bs",
    "geometry.raps",
    "geometry.users",
    "geometry.array_axis_deg",
    "power.pmax_dbm",
    "power.sinr_db",
    "power.policy",
    "power.step_w",
    "power.rzf_lambda",
    "sensing.calibration",
    "sensing.rcs_db",
    "sensing.rcs_m2",
    "sensing.carrier_hz",
    "sensing.pfa",
    "sensing.target",
    "sensing.nodes",
    "sensing.local_filter",
    "noise.comm_dbm",
    "noise.sensing_dbm",
    "backhaul.capacity_bps",
    "backhaul.latency_s",
    "backhaul.loss",
    "backhaul.outages_s",
    "backhaul.buffer_bytes",
    "backhaul.report",
    "backhaul.fusion",
    "backhaul.frame_interval_s",
    "backhaul.symbol_time_s",
    "backhaul.deadline_s",
    "backhaul.downlink.loss",
    "run.drops",
    "run.frames",
    "run.seed",
    "run.fidelity",
    "run.roc_pfa",
    "run.target_probability",
    "sweep.power.pmax_dbm",
    "sweep.system.raps",
    "sweep.run.seed",
    "sweep.sensing.rcs_db",
    "bogus.key",
    "system",
];

/// TOML-ish values, valid and not.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        (0i64..40).prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| format!("{f:e}")),
        Just("nan".to_string()),
        Just("-inf".to_string()),
        Just("1e20".to_string()),
        Just("100000000000000000000".to_string()),
        "[a-z_]{0,12}".prop_map(|s| format!("\"{s}\"")),
        "[a-z_]{0,12}",
        (any::<f64>(), any::<f64>()).prop_map(|(a, b)| format!("[{a}, {b}]")),
        prop::collection::vec(-50i64..50, 0..5).prop_map(|v| format!("{v:?}")),
        (-100i64..100, -100i64..100, 1i64..1000)
            .prop_map(|(a, b, c)| format!("{{ from = {a}, to = {b}, points = {c} }}")),
        (-10i64..10, 0i64..10, -1i64..3)
            .prop_map(|(a, b, c)| format!("{{ from = {a}, to = {b}, step = {c} }}")),
        Just("{ from = 1, to = 1e9, points = 3, scale = \"log\" }".to_string()),
        Just("true".to_string()),
        Just("[[0.0, 1.0], [2.0, nan]]".to_string()),
    ]
}

/// Documents built from known sections and keys, with valid and invalid
/// values, variants and sweeps.
fn document() -> impl Strategy<Value = String> {
    let line = (prop::sample::select(KEYS), value()).prop_map(|(k, v)| {
        let k = k
            .strip_prefix("sweep.")
            .map_or(k.to_string(), |a| format!("sweep.\"{a}\""));
        format!("{k} = {v}\n")
    });
    (
        prop::collection::vec(line, 0..8),
        prop::collection::vec(("[a-z ]{0,6}", prop::sample::select(KEYS), value()), 0..3),
    )
        .prop_map(|(lines, variants)| {
            let mut s: String = lines.concat();
            for (label, k, v) in variants {
                s.push_str(&format!("[[variant]]\nlabel = \"{label}\"\n{k} = {v}\n"));
            }
            s
        })
}

/// Parses `text`, applies `sets`, builds the points and checks the
/// resolved TOML's round trip. Errors are fine; panics are not.
fn exercise(text: &str, sets: &[String]) {
    let Ok(mut sc) = Scenario::parse(text, "fuzz.toml") else {
        return;
    };
    for s in sets {
        let _ = sc.set(s);
    }
    let Ok(points) = sc.points() else { return };
    let resolved = sc.resolved_toml();
    let again = Scenario::parse(&resolved, "resolved.toml")
        .unwrap_or_else(|e| panic!("resolved TOML does not parse: {e}\n{resolved}"));
    let again_points = again
        .points()
        .unwrap_or_else(|e| panic!("resolved TOML's points fail: {e}\n{resolved}"));
    assert_eq!(points.len(), again_points.len(), "{resolved}");
    for (a, b) in points.iter().zip(&again_points) {
        assert_eq!(a.setup.run, b.setup.run);
        assert_eq!(a.variant, b.variant);
    }
}

#[test]
fn arbitrary_documents_and_overrides_never_panic() {
    let n = cases(300);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let sets = prop::collection::vec(
        (prop::sample::select(KEYS), value()).prop_map(|(k, v)| format!("{k}={v}")),
        0..4,
    );
    let started = std::time::Instant::now();
    runner
        .run(&(document(), sets), |(text, sets)| {
            exercise(&text, &sets);
            Ok(())
        })
        .unwrap();
    eprintln!(
        "documents: {n} cases without a panic in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn arbitrary_text_never_panics() {
    let n = cases(300);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    runner
        .run(
            &(
                prop_oneof![any::<String>(), "[\\[\\]a-z_.=\" 0-9\n{},#-]{0,200}"],
                prop::collection::vec(any::<String>(), 0..3),
            ),
            |(text, sets)| {
                exercise(&text, &sets);
                Ok(())
            },
        )
        .unwrap();
    eprintln!(
        "text: {n} cases without a panic in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
