//! Synthetic events shaped like the engine's, and a multi-threaded drop runner.

use iaps::trace::{TraceRecord, capture, capture_subscriber};
use tracing::{Dispatch, debug};

/// One message over `link`, shaped like `World::transmit` then its arrival:
/// delivered (`Some(true)`), lost in flight (`Some(false)`) or buffer-dropped (`None`).
pub fn message(t: f64, frame: u64, r: usize, up: bool, kind: &str, outcome: Option<bool>) {
    let _span = tracing::debug_span!("frame", frame).entered();
    let name = if up {
        format!("up{r}")
    } else {
        format!("down{r}")
    };
    let node: String = if up { node_name(r) } else { "cc".into() };
    let bytes = 40u64 + r as u64;
    debug!(target: "iaps::sim", sim_time_ns = t, frame, node = node.as_str(), link = name.as_str(), kind, bytes, "enqueue");
    match outcome {
        Some(ok) => {
            debug!(target: "iaps::sim", sim_time_ns = t + 5.0, frame, node = node.as_str(), link = name.as_str(), kind, bytes, dur_ns = 120.0, "send");
            if ok {
                let to = if up { "cc".to_string() } else { node_name(r) };
                debug!(target: "iaps::sim", sim_time_ns = t + 500.0, frame, node = to, link = name.clone(), kind, bytes = bytes - 8, "deliver");
            } else {
                debug!(target: "iaps::sim", sim_time_ns = t + 125.0, frame, node = node.as_str(), link = name.as_str(), kind, bytes, reason = "loss", "drop");
            }
        }
        None => {
            debug!(target: "iaps::sim", sim_time_ns = t, frame, node = node.as_str(), link = name.as_str(), kind, bytes, reason = "buffer", backlog = 3u64, "drop");
        }
    }
}

fn node_name(r: usize) -> String {
    if r == 0 {
        "bs".into()
    } else {
        format!("rap{r}")
    }
}

/// A small drop: `frames` frames, nodes bs, rap1, rap2, rap10, every path used.
pub fn synthetic_drop(drop: u64, frames: u64) {
    for n in 0..frames {
        let t0 = 10_000.0 * n as f64 + drop as f64;
        let _span = tracing::debug_span!("frame", frame = n).entered();
        debug!(target: "iaps::sim", sim_time_ns = t0, frame = n, node = "bs", link = "", kind = "frame", bytes = 0u64, target = n % 2 == 0, "transmit");
        message(t0, n, 1, false, "symbols", Some(true));
        for r in [0usize, 1, 2, 10] {
            debug!(target: "iaps::sim", sim_time_ns = t0 + 100.0, frame = n, node = node_name(r), link = "", kind = "samples", bytes = 0u64, "receive");
        }
        message(t0 + 200.0, n, 0, true, "statistic", Some(true));
        message(t0 + 200.0, n, 1, true, "samples", Some(true));
        message(t0 + 200.0, n, 2, true, "statistic", Some(false));
        message(t0 + 200.0, n, 10, true, "statistic", None);
        debug!(target: "iaps::sim", sim_time_ns = t0 + 900.0, frame = n, node = "cc", link = "", kind = "decision", bytes = 0u64, declared = true, target = n % 2 == 0, soft = 1u64, bits = 1u64, missing = 2u64, "decide");
        debug!(target: "iaps::sim", sim_time_ns = t0 + 950.0, frame = n, node = node_name(1), link = "up1".to_string(), kind = "samples", bytes = 0u64, "late");
    }
}

/// Runs `drops` synthetic drops on `threads` threads (drop d on thread d % threads),
/// each thread with its own handle on one shared capture subscriber, and
/// returns the records concatenated in drop order.
pub fn run(drops: u64, threads: u64) -> Vec<TraceRecord> {
    let dispatch = Dispatch::new(capture_subscriber());
    let mut per_drop: Vec<(u64, Vec<TraceRecord>)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let d = dispatch.clone();
                s.spawn(move || {
                    tracing::dispatcher::with_default(&d, || {
                        (t..drops)
                            .step_by(threads as usize)
                            .map(|drop| (drop, capture(drop, || synthetic_drop(drop, 3)).1))
                            .collect::<Vec<_>>()
                    })
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    per_drop.sort_by_key(|p| p.0);
    per_drop.into_iter().flat_map(|p| p.1).collect()
}

/// Records per synthetic frame.
pub fn synthetic_len(frames: usize) -> usize {
    // transmit + 3 (symbols) + 4 receive + 3 + 3 + 3 (lost) + 2 (buffer) + decide + late
    frames * 21
}
