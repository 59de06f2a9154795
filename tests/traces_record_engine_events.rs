//! Message-flow traces are the engine's own typed events: every message
//! offered to a link shows up, every drop of a sweep keeps its identity, the
//! three renderings (JSON lines, Chrome, live `tracing`) agree, and nothing
//! depends on the thread count.

use iaps::network::{NetParams, PointSpec, RunOutput, SymbolDelivery, run_drops};
use iaps::node::{DropId, ReportPolicy};
use iaps::presets::{default_params, link};
use iaps::scenario::Scenario;
use iaps::sweep::{RunOptions, run_scenario};
use iaps::trace::{ChromeWriter, TraceEvent, read_json_lines, write_json_lines};
use std::collections::{BTreeMap, BTreeSet};

/// Lossy 10 Mbit/s uplinks, mixed reports, symbols over the downlinks: every
/// kind of event occurs.
fn busy_net() -> NetParams {
    let mut up = link(Some(10e6));
    up.loss = 0.2;
    NetParams {
        uplinks: vec![up],
        downlinks: vec![link(Some(10e6))],
        report: vec![
            ReportPolicy::Samples,
            ReportPolicy::Adaptive,
            ReportPolicy::Decision,
        ],
        symbols: SymbolDelivery::Downlink,
        ..NetParams::default()
    }
}

fn run(threads: usize) -> RunOutput {
    let mut spec = PointSpec::new(&default_params(-16.0), &busy_net(), 8, 3);
    spec.record_trace = true;
    run_drops(&spec, 2, threads, |_| {}).unwrap()
}

fn count(out: &RunOutput, name: &str) -> u64 {
    out.traces
        .iter()
        .flat_map(|(_, ev)| ev)
        .filter(|e| e.name() == name)
        .count() as u64
}

#[test]
fn every_message_and_decision_is_an_event() {
    let out = run(2);
    let m = &out.metrics;
    assert_eq!(out.traces.len(), 2, "one trace per drop");
    let offered = m.offered_messages();
    assert!(offered > 60, "{offered} messages");
    assert_eq!(count(&out, "enqueue"), offered, "one enqueue per message");
    assert_eq!(count(&out, "decide"), m.frames);
    assert_eq!(count(&out, "transmit"), 6);
    assert_eq!(count(&out, "receive"), 6 * 11);
    assert_eq!(count(&out, "drop"), m.lost + m.dropped);
    assert_eq!(count(&out, "late"), m.late);
    let served: u64 = m.links().map(|l| l.stats.delivered + l.stats.lost).sum();
    assert_eq!(count(&out, "send"), served);
    let delivered: u64 = m.links().map(|l| l.stats.delivered).sum();
    assert_eq!(count(&out, "deliver"), delivered);
    for (id, events) in &out.traces {
        // Events come out in the order the kernel processed them.
        let mut sends = BTreeMap::new();
        for e in events {
            match *e {
                TraceEvent::Send {
                    at,
                    finish,
                    link,
                    frame,
                    ..
                } => {
                    assert!(finish >= at);
                    *sends.entry((link, frame)).or_insert(0) += 1;
                }
                TraceEvent::Deliver { link, frame, .. } => {
                    let n = sends
                        .get_mut(&(link, frame))
                        .expect("sent before delivered");
                    *n -= 1;
                }
                _ => {}
            }
        }
        let decides: Vec<u64> = events
            .iter()
            .filter_map(|e| match e {
                TraceEvent::Decide { frame, .. } => Some(*frame),
                _ => None,
            })
            .collect();
        assert_eq!(decides, [0, 1, 2], "{id}");
    }
}

#[test]
fn a_sweep_trace_keeps_every_drop_apart() {
    // The default scenario's 4 variants at a swept drop count of 1 and 2: 12
    // drops, each with its own identity.
    let mut sc = Scenario::named("default").unwrap();
    sc.set("sweep.run.drops=[1,2]").unwrap();
    sc.set("run.frames=1").unwrap();
    let opts = RunOptions {
        threads: 2,
        record_trace: true,
        ..RunOptions::default()
    };
    let mut ids = Vec::new();
    let mut per_drop: BTreeMap<DropId, u64> = BTreeMap::new();
    run_scenario(
        &sc,
        opts,
        |_| {},
        |_, p, out| {
            for (id, events) in &out.traces {
                assert_eq!(id.point as usize, p.index);
                assert_eq!(id.variant as usize, p.variant_index);
                ids.push(*id);
                for e in events {
                    if let TraceEvent::Transmit { .. } = e {
                        *per_drop.entry(*id).or_default() += 1;
                    }
                }
            }
        },
    )
    .unwrap();
    let distinct: BTreeSet<DropId> = ids.iter().copied().collect();
    assert_eq!(ids.len(), 12);
    assert_eq!(distinct.len(), 12, "{ids:?}");
    assert!(per_drop.values().all(|&n| n == 1), "one frame per drop");
}

#[test]
fn traces_do_not_depend_on_the_thread_count() {
    let render = |out: &RunOutput| {
        let mut json = Vec::new();
        let mut chrome = ChromeWriter::new(Vec::new()).unwrap();
        for (id, events) in &out.traces {
            write_json_lines(&mut json, *id, events).unwrap();
            chrome.write_drop(*id, "busy", events).unwrap();
        }
        (json, chrome.finish().unwrap())
    };
    assert_eq!(render(&run(1)), render(&run(2)));
}

#[test]
fn json_lines_round_trip_and_name_the_drop() {
    let out = run(1);
    let mut buf = Vec::new();
    for (id, events) in &out.traces {
        write_json_lines(&mut buf, *id, events).unwrap();
    }
    let lines = read_json_lines(buf.as_slice()).unwrap();
    let want: Vec<_> = out
        .traces
        .iter()
        .flat_map(|(id, ev)| ev.iter().map(|e| e.line(*id)))
        .collect();
    assert_eq!(lines, want);
    let first = String::from_utf8(buf).unwrap();
    let first = first.lines().next().unwrap();
    assert!(
        first.starts_with(r#"{"point":0,"variant":0,"drop":0,"sim_time_ns":0.0,"frame":0,"event":"transmit","node":"bs""#),
        "{first}"
    );
    let send = lines.iter().find(|l| l.event == "send").unwrap();
    assert!(send.dur_ns.is_some_and(|d| d > 0.0));
    let drop = lines.iter().find(|l| l.event == "drop").unwrap();
    assert!(["loss", "buffer"].contains(&drop.extra["reason"].as_str().unwrap()));
    let decide = lines.iter().find(|l| l.event == "decide").unwrap();
    let keys: Vec<&str> = decide.extra.keys().map(String::as_str).collect();
    assert_eq!(keys, ["bits", "declared", "missing", "soft", "target"]);
}

#[test]
fn chrome_trace_has_tracks_slices_flows_and_every_message() {
    let out = run(2);
    let mut w = ChromeWriter::new(Vec::new()).unwrap();
    for (id, events) in &out.traces {
        w.write_drop(*id, "busy", events).unwrap();
    }
    let v: serde_json::Value = serde_json::from_slice(&w.finish().unwrap()).unwrap();
    let events = v["traceEvents"].as_array().unwrap();
    let m = &out.metrics;
    let on_links = events
        .iter()
        .filter(|e| e["name"] == "enqueue" && e["ph"] == "i")
        .count() as u64;
    assert_eq!(on_links, m.offered_messages(), "an event for every message");
    let slices = events.iter().filter(|e| e["ph"] == "X").count() as u64;
    let served: u64 = m.links().map(|l| l.stats.delivered + l.stats.lost).sum();
    assert_eq!(slices, served);
    let flows = events.iter().filter(|e| e["ph"] == "s").count() as u64;
    let delivered: u64 = m.links().map(|l| l.stats.delivered).sum();
    assert_eq!(flows, delivered, "an arrow per delivered message");
    for name in ["bs", "rap1", "rap10", "cc", "up0", "down1"] {
        assert!(
            events
                .iter()
                .any(|e| e["ph"] == "M" && e["name"] == "thread_name" && e["args"]["name"] == name),
            "track {name}"
        );
    }
    let processes: Vec<&str> = events
        .iter()
        .filter(|e| e["name"] == "process_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        processes,
        [
            "point 0 variant 0 drop 0 (busy)",
            "point 0 variant 0 drop 1 (busy)"
        ]
    );
    let empty = ChromeWriter::new(Vec::new()).unwrap().finish().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&empty).unwrap();
    assert!(v["traceEvents"].as_array().unwrap().is_empty());
}
