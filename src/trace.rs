//! Message-flow traces: the engine's `tracing` events captured per drop and written as JSON lines or Chrome/Perfetto traces in simulated time.

mod capture;
mod chrome;

pub use capture::{CaptureLayer, capture, is_capturing};
pub use chrome::write_chrome;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use tracing::{Level, Subscriber};
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// The `tracing` target of the engine's message-flow events.
pub const TARGET: &str = "iaps::sim";

/// One engine event, as captured.
///
/// Serialized (JSON lines) with the fields in this order; `dur_ns` is omitted
/// when absent and `extra` when empty. `extra` is a nested object (not
/// flattened), so an event field can never collide with a fixed field.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TraceRecord {
    /// Drop index the record was captured under (the `drop` given to [`capture`]).
    pub drop: u64,
    /// Simulated time of the event, in nanoseconds.
    pub sim_time_ns: f64,
    /// Frame index.
    pub frame: u64,
    /// Event name (the message): transmit, receive, enqueue, send, deliver,
    /// drop, late or decide.
    pub event: String,
    /// Node the event concerns ("bs", "rap3", "cc").
    pub node: String,
    /// Link the event concerns ("up3", "down3"), empty when none.
    pub link: String,
    /// Payload kind: frame, samples, statistic, decision, symbols.
    pub kind: String,
    /// Bytes carried (0 when not a message).
    pub bytes: u64,
    /// Transmission duration in nanoseconds (on "send").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dur_ns: Option<f64>,
    /// Every other event field, by name (sorted, for determinism).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl TraceRecord {
    /// An empty record for drop `drop` (all fields zero or empty).
    pub fn new(drop: u64) -> Self {
        TraceRecord {
            drop,
            sim_time_ns: 0.0,
            frame: 0,
            event: String::new(),
            node: String::new(),
            link: String::new(),
            kind: String::new(),
            bytes: 0,
            dur_ns: None,
            extra: BTreeMap::new(),
        }
    }
}

/// The per-layer filter of the capture layer: `iaps::sim` events up to DEBUG.
fn sim_targets() -> Targets {
    Targets::new().with_target(TARGET, Level::DEBUG)
}

/// A subscriber holding only the [`CaptureLayer`] (filtered to [`TARGET`] at
/// DEBUG), for use with `tracing::subscriber::with_default` in tests or in a
/// program that wants capture without console output.
pub fn capture_subscriber() -> impl Subscriber + Send + Sync {
    tracing_subscriber::registry().with(CaptureLayer.with_filter(sim_targets()))
}

/// Installs the global subscriber: a fmt layer to stderr and, if `capture`,
/// the [`CaptureLayer`].
///
/// The console filter is `RUST_LOG` when set and valid, otherwise
/// `console_filter`, otherwise `"warn"`. The capture layer always receives
/// `iaps::sim` DEBUG events when `RUST_LOG` is unset (the console default does
/// not starve it); when `RUST_LOG` is set it is applied to the capture layer
/// too (intersected with `iaps::sim=debug`), so `RUST_LOG` filters trace files
/// as well as the console. Safe to call more than once: a second call (or a
/// call after another global subscriber was installed) does nothing.
pub fn init(console_filter: Option<&str>, capture: bool) {
    let env = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| EnvFilter::try_new(s).ok());
    let console = env.clone().unwrap_or_else(|| {
        EnvFilter::try_new(console_filter.unwrap_or("warn"))
            .unwrap_or_else(|_| EnvFilter::new("warn"))
    });
    // Wall-clock timestamps mean nothing in a simulation: events carry
    // sim_time_ns instead. Colour only on a terminal.
    use std::io::IsTerminal;
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .without_time()
        .with_ansi(io::stderr().is_terminal())
        .with_filter(console);
    let cap = capture.then(|| {
        let env = env.unwrap_or_else(|| EnvFilter::new("trace"));
        CaptureLayer.with_filter(sim_targets().and(env))
    });
    let _ = tracing_subscriber::registry()
        .with(fmt)
        .with(cap)
        .try_init();
}

/// Writes `records` as JSON lines: one serialized [`TraceRecord`] per line,
/// fields in struct order, `extra` as a nested object.
pub fn write_json_lines(w: &mut impl Write, records: &[TraceRecord]) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut *w, r)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Reads records written by [`write_json_lines`] (blank lines are skipped).
pub fn read_json_lines(r: impl BufRead) -> io::Result<Vec<TraceRecord>> {
    let mut out = Vec::new();
    for line in r.lines() {
        let line = line?;
        if !line.trim().is_empty() {
            out.push(serde_json::from_str(&line)?);
        }
    }
    Ok(out)
}
