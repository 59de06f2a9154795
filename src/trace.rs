//! Message-flow traces: the engine's `tracing` events captured per drop and
//! written as JSON lines or as a Chrome/Perfetto trace in simulated time.

// Placeholder API until the capture layer lands (helper-trace).
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// One captured engine event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceRecord {
    /// Drop (or Chrome process) index.
    pub drop: u64,
    /// Simulated time of the event (ns).
    pub sim_time_ns: f64,
    /// Frame index.
    pub frame: u64,
    /// Event name.
    pub event: String,
    /// Node.
    pub node: String,
    /// Link.
    pub link: String,
    /// Message kind.
    pub kind: String,
    /// Bytes.
    pub bytes: u64,
    /// Duration (send events).
    pub dur_ns: Option<f64>,
    /// Other fields.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// Runs `f` capturing its thread's engine events.
pub fn capture<T>(drop: u64, f: impl FnOnce() -> T) -> (T, Vec<TraceRecord>) {
    let _ = drop;
    (f(), Vec::new())
}

/// Installs the global subscriber.
pub fn init(console_filter: Option<&str>, capture: bool) {
    let _ = (console_filter, capture);
}

/// JSON lines.
pub fn write_json_lines(w: &mut impl Write, records: &[TraceRecord]) -> io::Result<()> {
    let _ = (w, records);
    Ok(())
}

/// Chrome trace.
pub fn write_chrome(w: &mut impl Write, records: &[TraceRecord]) -> io::Result<()> {
    let _ = (w, records);
    Ok(())
}
