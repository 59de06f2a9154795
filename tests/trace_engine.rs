//! End to end: the engine's message flow as a Chrome trace. A 3-frame run
//! gives valid JSON with an event for every message offered to a link.

use iaps::network::{NetParams, SymbolDelivery, run_drops};
use iaps::node::ReportPolicy;
use iaps::presets::{default_params, link};

#[test]
fn chrome_trace_of_a_three_frame_run_has_every_message() {
    iaps::trace::init(None, true);
    let p = default_params(-16.0);
    let mut up = link(Some(10e6));
    up.loss = 0.2;
    let net = NetParams {
        uplinks: vec![up],
        downlinks: vec![link(Some(10e6))],
        report: vec![
            ReportPolicy::Samples,
            ReportPolicy::Adaptive,
            ReportPolicy::Decision,
        ],
        symbols: SymbolDelivery::Downlink,
        ..NetParams::default()
    };
    let out = run_drops(&p, &net, 8, 2, 3, 2, |_| {}).unwrap();
    let m = &out.metrics;
    let offered = m.offered_messages();
    let enqueued = out.trace.iter().filter(|r| r.event == "enqueue").count() as u64;
    assert!(offered > 60, "{offered} messages");
    assert_eq!(enqueued, offered, "one enqueue record per message");
    assert_eq!(out.trace.iter().filter(|r| r.event == "decide").count(), 6);
    let lost = out.trace.iter().filter(|r| r.event == "drop").count() as u64;
    assert_eq!(lost, m.lost + m.dropped);

    let mut buf = Vec::new();
    iaps::trace::write_chrome(&mut buf, &out.trace).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&buf).expect("valid JSON");
    let events = v["traceEvents"].as_array().unwrap();
    let on_links = events
        .iter()
        .filter(|e| e["name"] == "enqueue" && e["ph"] == "i")
        .count() as u64;
    assert_eq!(on_links, offered, "an event for every message");
    let slices = events.iter().filter(|e| e["ph"] == "X").count() as u64;
    assert_eq!(
        slices,
        m.uplinks
            .iter()
            .chain(&m.downlinks)
            .map(|l| l.stats.delivered + l.stats.lost)
            .sum::<u64>()
    );
    for name in ["bs", "rap1", "rap10", "cc", "up0", "down1"] {
        assert!(
            events
                .iter()
                .any(|e| e["ph"] == "M" && e["name"] == "thread_name" && e["args"]["name"] == name),
            "track {name}"
        );
    }
}
