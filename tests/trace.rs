//! Message-flow tracing: capture, JSON lines and Chrome output on synthetic engine-shaped events.

#[path = "trace/support.rs"]
mod support;

use iaps::trace::{
    TraceRecord, capture, capture_subscriber, is_capturing, read_json_lines, write_chrome,
    write_json_lines,
};
use serde_json::Value;
use std::sync::{Arc, Barrier};
use support::{message, run, synthetic_drop, synthetic_len};
use tracing::{Dispatch, debug};

#[test]
fn records_have_the_engine_fields() {
    let (x, recs) = tracing::subscriber::with_default(capture_subscriber(), || {
        capture(7, || {
            message(1000.0, 4, 3, true, "statistic", Some(true));
            message(2000.0, 5, 2, true, "samples", None);
            debug!(target: "iaps::sim", sim_time_ns = 3000.5, frame = 5u64, node = "cc", link = "", kind = "decision", bytes = 0u64, declared = false, target = true, soft = 2u64, bits = 0u64, missing = 1u64, "decide");
            42
        })
    });
    assert_eq!(x, 42);
    let events: Vec<&str> = recs.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(
        events,
        ["enqueue", "send", "deliver", "enqueue", "drop", "decide"]
    );
    assert!(recs.iter().all(|r| r.drop == 7));
    let send = &recs[1];
    assert_eq!((send.sim_time_ns, send.frame, send.bytes), (1005.0, 4, 43));
    assert_eq!(
        (send.node.as_str(), send.link.as_str(), send.kind.as_str()),
        ("rap3", "up3", "statistic")
    );
    assert_eq!(send.dur_ns, Some(120.0));
    assert!(send.extra.is_empty());
    let deliver = &recs[2];
    assert_eq!(
        (deliver.node.as_str(), deliver.link.as_str(), deliver.bytes),
        ("cc", "up3", 35)
    );
    assert_eq!(deliver.dur_ns, None);
    let drop = &recs[4];
    assert_eq!(drop.extra["reason"], "buffer");
    assert_eq!(drop.extra["backlog"], 3);
    let decide = &recs[5];
    assert_eq!((decide.sim_time_ns, decide.link.as_str()), (3000.5, ""));
    assert_eq!(decide.extra["declared"], false);
    assert_eq!(decide.extra["target"], true);
    let keys: Vec<&str> = decide.extra.keys().map(String::as_str).collect();
    assert_eq!(keys, ["bits", "declared", "missing", "soft", "target"]);
}

#[test]
fn nothing_is_captured_outside_capture_or_off_target() {
    tracing::subscriber::with_default(capture_subscriber(), || {
        assert!(!is_capturing());
        synthetic_drop(0, 2);
        let ((), recs) = capture(1, || {
            assert!(is_capturing());
            debug!(target: "iaps::other", sim_time_ns = 1.0, frame = 0u64, "enqueue");
            tracing::warn!("not a sim event");
        });
        assert!(recs.is_empty());
        assert!(!is_capturing());
        let ((), recs) = capture(2, || synthetic_drop(2, 1));
        assert_eq!(recs.len(), synthetic_len(1));
    });
}

#[test]
fn no_capture_layer_means_no_records() {
    let d = Dispatch::new(tracing_subscriber::registry());
    let ((), recs) = tracing::dispatcher::with_default(&d, || capture(0, || synthetic_drop(0, 1)));
    assert!(recs.is_empty());
}

#[test]
fn captures_nest_and_restore() {
    tracing::subscriber::with_default(capture_subscriber(), || {
        let (inner, outer) = capture(1, || {
            synthetic_drop(1, 1);
            let ((), inner) = capture(2, || synthetic_drop(2, 2));
            synthetic_drop(1, 1);
            inner
        });
        assert_eq!(inner.len(), synthetic_len(2));
        assert!(inner.iter().all(|r| r.drop == 2));
        assert_eq!(outer.len(), synthetic_len(2));
        assert!(outer.iter().all(|r| r.drop == 1));
    });
}

#[test]
fn concurrent_threads_get_only_their_own_records() {
    let dispatch = Dispatch::new(capture_subscriber());
    let barrier = Arc::new(Barrier::new(2));
    let got: Vec<Vec<TraceRecord>> = std::thread::scope(|s| {
        let hs: Vec<_> = [1usize, 2]
            .map(|r| {
                let (d, b) = (dispatch.clone(), barrier.clone());
                s.spawn(move || {
                    tracing::dispatcher::with_default(&d, || {
                        capture(r as u64, || {
                            for f in 0..200 {
                                if f % 20 == 0 {
                                    b.wait();
                                }
                                message(f as f64, f, r, true, "samples", Some(true));
                            }
                        })
                        .1
                    })
                })
            })
            .into_iter()
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, recs) in got.iter().enumerate() {
        let r = i as u64 + 1;
        assert_eq!(recs.len(), 600);
        assert!(
            recs.iter()
                .all(|x| x.drop == r && x.link == format!("up{r}"))
        );
        let frames: Vec<u64> = recs.iter().step_by(3).map(|x| x.frame).collect();
        assert_eq!(frames, (0..200).collect::<Vec<_>>());
    }
}

#[test]
fn traces_do_not_depend_on_thread_count() {
    let one = run(5, 1);
    assert_eq!(one.len(), 5 * synthetic_len(3));
    assert_eq!(one, run(5, 2));
    assert_eq!(one, run(5, 3));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    write_chrome(&mut a, &one).unwrap();
    write_chrome(&mut b, &run(5, 2)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn json_lines_round_trip() {
    let recs = run(2, 2);
    let mut buf = Vec::new();
    write_json_lines(&mut buf, &recs).unwrap();
    let text = String::from_utf8(buf.clone()).unwrap();
    assert_eq!(text.lines().count(), recs.len());
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v.is_object());
        assert!(line.starts_with("{\"drop\":"), "{line}");
    }
    let send = text
        .lines()
        .find(|l| l.contains("\"event\":\"send\""))
        .unwrap();
    let order = [
        "\"drop\"",
        "\"sim_time_ns\"",
        "\"frame\"",
        "\"event\"",
        "\"node\"",
        "\"link\"",
        "\"kind\"",
        "\"bytes\"",
        "\"dur_ns\"",
    ];
    let pos: Vec<usize> = order.iter().map(|k| send.find(k).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{send}");
    let decide = text
        .lines()
        .find(|l| l.contains("\"event\":\"decide\""))
        .unwrap();
    assert!(
        decide.contains("\"extra\":{\"bits\":1,\"declared\":true"),
        "{decide}"
    );
    let back = read_json_lines(std::io::Cursor::new(buf)).unwrap();
    assert_eq!(back, recs);
    let parsed: Vec<TraceRecord> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed, recs);
}

#[test]
fn chrome_trace_has_tracks_slices_and_every_message() {
    let recs = run(2, 2);
    let mut buf = Vec::new();
    write_chrome(&mut buf, &recs).unwrap();
    let v: Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(v["displayTimeUnit"], "ns");
    let evs = v["traceEvents"].as_array().unwrap();
    let of = |ph: &str, name: &str| -> Vec<&Value> {
        evs.iter()
            .filter(|e| e["ph"] == ph && (name.is_empty() || e["name"] == name))
            .collect()
    };
    let procs = of("M", "process_name");
    let pnames: Vec<&str> = procs
        .iter()
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(pnames, ["drop 0", "drop 1"]);
    // Track names per drop, in tid order: nodes (bs, raps numerically, cc) then links.
    let mut tracks: Vec<(u64, &str)> = of("M", "thread_name")
        .iter()
        .filter(|e| e["pid"] == 0)
        .map(|e| {
            (
                e["tid"].as_u64().unwrap(),
                e["args"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    tracks.sort();
    let names: Vec<&str> = tracks.iter().map(|t| t.1).collect();
    assert_eq!(
        names,
        [
            "bs", "rap1", "rap2", "rap10", "cc", "up0", "up1", "up2", "up10", "down1"
        ]
    );
    let sort = of("M", "thread_sort_index");
    assert_eq!(sort.len(), 2 * names.len());
    let tid_of = |n: &str| tracks.iter().find(|t| t.1 == n).unwrap().0;
    let is_link = |tid: u64| {
        tracks
            .iter()
            .any(|t| t.0 == tid && (t.1.starts_with("up") || t.1.starts_with("down")))
    };
    // Complete events: one per send, on link tracks, with the transmission time.
    let xs = of("X", "");
    assert_eq!(xs.len(), recs.iter().filter(|r| r.event == "send").count());
    for x in &xs {
        assert!(is_link(x["tid"].as_u64().unwrap()));
        assert_eq!(x["dur"].as_f64(), Some(0.12));
        assert!(x["args"]["frame"].is_u64() && x["args"]["bytes"].is_u64());
    }
    // Every enqueued message has an instant on its link track.
    let enq = of("i", "enqueue");
    assert_eq!(
        enq.len(),
        recs.iter().filter(|r| r.event == "enqueue").count()
    );
    assert!(
        enq.iter()
            .all(|e| is_link(e["tid"].as_u64().unwrap()) && e["s"] == "t")
    );
    let ts0 = enq
        .iter()
        .find(|e| e["pid"] == 1 && e["tid"] == tid_of("up2"))
        .unwrap();
    assert_eq!(ts0["ts"].as_f64(), Some(0.201));
    for name in ["deliver", "drop", "late"] {
        assert!(
            of("i", name)
                .iter()
                .all(|e| is_link(e["tid"].as_u64().unwrap())),
            "{name}"
        );
    }
    // Node events and decision args.
    let decides = of("i", "decide");
    assert_eq!(decides.len(), 6);
    for d in &decides {
        assert_eq!(d["tid"].as_u64(), Some(tid_of("cc")));
        assert_eq!(d["args"]["declared"], true);
        assert!(d["args"]["target"].is_boolean());
    }
    assert!(
        of("i", "transmit")
            .iter()
            .all(|e| e["tid"].as_u64() == Some(tid_of("bs")))
    );
    // Flows: one arrow per delivered message (lost/buffer-dropped ones get none).
    let (s, f) = (of("s", ""), of("f", ""));
    assert_eq!(
        s.len(),
        recs.iter().filter(|r| r.event == "deliver").count()
    );
    assert_eq!(f.len(), s.len());
    for (a, b) in s.iter().zip(&f) {
        assert_eq!(a["id"], b["id"]);
        assert!(a["ts"].as_f64() < b["ts"].as_f64());
    }
}

#[test]
fn empty_inputs_write_valid_output() {
    let mut buf = Vec::new();
    write_chrome(&mut buf, &[]).unwrap();
    let v: Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(v["traceEvents"].as_array().map(Vec::len), Some(0));
    let mut buf = Vec::new();
    write_json_lines(&mut buf, &[]).unwrap();
    assert!(buf.is_empty());
}

#[test]
fn init_is_idempotent_and_installs_capture_globally() {
    iaps::trace::init(None, true);
    iaps::trace::init(Some("debug"), false);
    let recs = std::thread::spawn(|| capture(3, || synthetic_drop(3, 1)).1)
        .join()
        .unwrap();
    if std::env::var_os("RUST_LOG").is_none() {
        assert_eq!(recs.len(), synthetic_len(1));
        assert!(recs.iter().all(|r| r.drop == 3));
    }
}
