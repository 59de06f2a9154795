//! Every sweep point and variant draws its own drops and frames (random
//! streams derive from seed, point, variant, drop and frame): a sweep whose
//! axis does not touch the noise still counts different false alarms at
//! different points. `run.common_random_numbers = true` shares them instead,
//! so the same counts come out at every point.

use iaps::scenario::Scenario;
use iaps::sweep::{RunOptions, run_scenario};

fn false_alarm_counts(common: bool) -> Vec<u64> {
    let text = format!(
        r#"
        name = "fresh"
        [sensing]
        pfa = 0.01
        [backhaul]
        latency_s = 50e-6
        [run]
        drops = 4
        frames = 500
        fidelity = "statistic"
        common_random_numbers = {common}
        roc_pfa = []
        [sweep]
        "backhaul.latency_s" = [1e-5, 2e-5, 4e-5, 8e-5]
        "#
    );
    let sc = Scenario::parse(&text, "fresh.toml").unwrap();
    let opts = RunOptions {
        threads: 2,
        ..RunOptions::default()
    };
    let results = run_scenario(&sc, opts, |_| {}, |_, _, _| {}).unwrap();
    results
        .rows
        .iter()
        .map(|r| (r.pfa * r.null_frames as f64).round() as u64)
        .collect()
}

#[test]
fn independent_points_count_different_false_alarms() {
    let counts = false_alarm_counts(false);
    eprintln!("independent points: {counts:?}");
    let distinct: std::collections::BTreeSet<u64> = counts.iter().copied().collect();
    assert!(distinct.len() >= 3, "{counts:?}");
    let shared = false_alarm_counts(true);
    eprintln!("common random numbers: {shared:?}");
    assert!(shared.windows(2).all(|w| w[0] == w[1]), "{shared:?}");
}
