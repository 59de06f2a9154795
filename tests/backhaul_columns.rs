//! The results columns of the backhaul as built, from real runs of scenario
//! files: stale fraction, retransmissions per frame, mean report delay, and
//! the fused-nodes histogram and its mean.

use iaps::results::Row;
use iaps::scenario::Scenario;
use iaps::sweep::{RunOptions, run_scenario};

/// The rows of `text` (a scenario) run at the statistic level.
fn rows(text: &str) -> Vec<Row> {
    let full = format!(
        "{text}\n[sensing]\nrcs_db = -19\n[run]\ndrops = 4\nframes = 200\nfidelity = \"statistic\"\n"
    );
    let sc = Scenario::parse(&full, "test.toml").unwrap_or_else(|e| panic!("{e}"));
    run_scenario(&sc, RunOptions::default(), |_| {}, |_, _, _| {})
        .unwrap()
        .rows
}

#[test]
fn ideal_links_fuse_every_node_after_exactly_the_latency() {
    let r = &rows("[backhaul]\nreport = \"statistic\"\nlatency_s = 5e-5\n")[0];
    assert_eq!(r.frames, 800);
    assert_eq!((r.stale_fraction, r.retransmissions_per_frame), (0.0, 0.0));
    // Unlimited capacity: a report's delay is the link latency (50 us).
    assert!(
        (r.report_delay_mean_s - 5e-5).abs() < 1e-15,
        "{}",
        r.report_delay_mean_s
    );
    // All 11 nodes in every frame.
    let mut h = vec![0; 12];
    h[11] = 800;
    assert_eq!(r.fused_nodes, h);
    assert_eq!(r.fused_nodes_mean, 11.0);
}

#[test]
fn stale_skipped_and_retransmitted_reports_are_counted() {
    // A 12-byte decision every 0.5 ms needs 192 kbit/s: each node's
    // 120 kbit/s link keeps up 62% of the time, and nodes skip stale ones.
    let skip = &rows(
        "[backhaul]\nreport = \"decision\"\ncapacity_bps = 1.2e5\nframe_interval_s = 5e-4\nstale = \"skip\"\n",
    )[0];
    assert!(
        skip.stale_fraction > 0.2 && skip.stale_fraction < 0.8,
        "{}",
        skip.stale_fraction
    );
    assert!(skip.fused_nodes_mean < 11.0 * (1.0 - skip.stale_fraction) + 0.5);
    assert_eq!(skip.fused_nodes.iter().sum::<u64>(), skip.frames);
    let mean = (skip.fused_nodes.iter().enumerate())
        .map(|(i, &c)| i as f64 * c as f64)
        .sum::<f64>()
        / skip.frames as f64;
    assert!((mean - skip.fused_nodes_mean).abs() < 1e-12);
    // Reliable transport at 20% loss: each packet is sent again a geometric
    // number of times, mean 0.2 / 0.8 = 0.25, so 11 x 0.25 = 2.75 per frame
    // (4 drops x 200 frames x 11 packets: standard error about 0.06).
    let rel = &rows(
        "[backhaul]\nreport = \"statistic\"\nloss = 0.2\ntransport = \"reliable\"\nrto_s = 1e-4\n",
    )[0];
    assert!(
        (rel.retransmissions_per_frame - 2.75).abs() < 0.25,
        "{}",
        rel.retransmissions_per_frame
    );
    // Each retransmission costs at least the 100 us timeout: 0.25 per
    // report on average.
    assert!(
        rel.report_delay_mean_s > 5e-5 + 0.2 * 1e-4,
        "{}",
        rel.report_delay_mean_s
    );
    assert_eq!(rel.lost_fraction, 0.0);
}

#[test]
fn late_and_lost_fractions_count_reports_not_packets() {
    // f32 samples of 4818 bytes in 1500-byte packets: 4 packets per report.
    // Datagram at 10% loss per packet loses a report with probability
    // 1 - 0.9^4 = 0.344 (8800 reports: standard error 0.005).
    let split = &rows("[backhaul]\nreport = \"samples\"\nmtu_bytes = 1500\nloss = 0.1\n")[0];
    assert!(
        (split.lost_fraction - 0.3439).abs() < 0.02,
        "{}",
        split.lost_fraction
    );
    // Reliable transport with a 1 ms timeout: every report that needed a
    // retransmission arrives after the 1 ms deadline, so 20% are late
    // (not 20% of the 1.25 packets sent per report).
    let late =
        &rows("[backhaul]\nreport = \"statistic\"\nloss = 0.2\ntransport = \"reliable\"\n")[0];
    assert!(
        (late.late_fraction - 0.2).abs() < 0.015,
        "{}",
        late.late_fraction
    );
    assert!((late.retransmissions_per_frame - 2.75).abs() < 0.25);
    assert_eq!(late.lost_fraction, 0.0);
}
