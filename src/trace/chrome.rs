//! Chrome Trace Event Format output (Perfetto, chrome://tracing) in simulated
//! time, written drop by drop as the run goes.

use super::{LinkId, TraceEvent};
use crate::node::{DropId, NodeId, Sender};
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io::{self, Write};

/// The track of a node: `bs` = 1, `rapN` = 1 + N, `cc` after every node.
fn node_tid(s: Sender) -> u64 {
    match s {
        Sender::Node(n) => 1 + u64::from(n.0),
        Sender::Cc => 100_000,
    }
}

/// The track of a link: uplinks, then downlinks, after every node track.
fn link_tid(l: LinkId) -> u64 {
    match l {
        LinkId::Up(n) => 200_000 + u64::from(n.0),
        LinkId::Down(n) => 300_000 + u64::from(n.0),
        LinkId::Agg(a) => 400_000 + u64::from(a),
    }
}

/// The node an event is drawn on when it has no link track.
fn node_of(e: &TraceEvent) -> Sender {
    match *e {
        TraceEvent::Transmit { .. } => Sender::Node(NodeId::BS),
        TraceEvent::Receive { node, .. } => Sender::Node(node),
        TraceEvent::Enqueue { from, .. }
        | TraceEvent::Send { from, .. }
        | TraceEvent::Drop { from, .. }
        | TraceEvent::Retransmit { from, .. } => from,
        TraceEvent::Deliver { to, .. } => to,
        TraceEvent::Late { from, .. } => Sender::Node(from),
        TraceEvent::Decide { .. } => Sender::Cc,
    }
}

/// Writes a Chrome Trace Event Format JSON object drop by drop, in simulated
/// time (`ts` and `dur` in microseconds, `displayTimeUnit` "ns").
///
/// Layout: one process per drop, numbered in the order written and named
/// after its point, variant and drop; one thread track per node ("bs",
/// "rap1", .., "cc") then per link ("up0", .., "down1", ..), with fixed track
/// ids, so a drop's tracks are the same whichever drops come before it.
/// Mapping:
/// - "send": a complete event (`ph` "X") on the link track, named by the
///   payload kind, `dur` = transmission time;
/// - "enqueue", "deliver", "drop", "late": instant events on the link track
///   (every message therefore shows at least its "enqueue");
/// - "transmit", "receive", "decide": instant events on the node track.
///
/// Every event's `args` hold its point, variant, drop, frame, bytes and kind,
/// the other of node and link, and its extra fields. A flow arrow (`ph`
/// "s"/"f") joins each "send" to its "deliver", matched first-in first-out per
/// (link, frame, kind); a send followed directly by its loss gets none.
pub struct ChromeWriter<W: Write> {
    w: W,
    first: bool,
    pid: u64,
    flow_id: u64,
}

impl<W: Write> ChromeWriter<W> {
    /// Starts the JSON object on `w`.
    pub fn new(mut w: W) -> io::Result<Self> {
        w.write_all(b"{\"traceEvents\":[")?;
        Ok(ChromeWriter {
            w,
            first: true,
            pid: 0,
            flow_id: 0,
        })
    }

    fn push(&mut self, v: &Value) -> io::Result<()> {
        self.w.write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.w, v)?;
        Ok(())
    }

    /// Writes one drop's events as a process named `label` (for example the
    /// variant's label) and its identity.
    pub fn write_drop(&mut self, id: DropId, label: &str, events: &[TraceEvent]) -> io::Result<()> {
        let pid = self.pid;
        self.pid += 1;
        let meta = |name: &str, tid: u64, args: Value| json!({"ph": "M", "name": name, "pid": pid, "tid": tid, "args": args});
        let name = format!("{id} ({label})");
        self.push(&meta("process_name", 0, json!({ "name": name })))?;
        self.push(&meta("process_sort_index", 0, json!({ "sort_index": pid })))?;
        let mut tracks: BTreeSet<(u64, String)> = BTreeSet::new();
        for e in events {
            let n = node_of(e);
            tracks.insert((node_tid(n), n.to_string()));
            if let Some(l) = e.link() {
                tracks.insert((link_tid(l), l.to_string()));
            }
        }
        for (tid, name) in &tracks {
            self.push(&meta("thread_name", *tid, json!({ "name": name })))?;
            self.push(&meta(
                "thread_sort_index",
                *tid,
                json!({ "sort_index": tid }),
            ))?;
        }
        let mut pending: HashMap<(String, u64, String), VecDeque<f64>> = HashMap::new();
        let mut last_send: Option<(String, u64, String)> = None;
        for e in events {
            let line = e.line(id);
            let link = e.link();
            let tid = match link {
                Some(l) => link_tid(l),
                None => node_tid(node_of(e)),
            };
            let ts = line.sim_time_ns / 1000.0;
            let mut args = Map::new();
            args.insert("point".into(), line.point.into());
            args.insert("variant".into(), line.variant.into());
            args.insert("drop".into(), line.drop.into());
            args.insert("frame".into(), line.frame.into());
            args.insert("bytes".into(), line.bytes.into());
            args.insert("kind".into(), line.kind.clone().into());
            if link.is_some() {
                args.insert("node".into(), line.node.clone().into());
            }
            for (k, v) in &line.extra {
                args.entry(k.clone()).or_insert_with(|| v.clone());
            }
            let key = (line.link.clone(), line.frame, line.kind.clone());
            let prev_send = last_send.take();
            let ev = match e {
                TraceEvent::Send { .. } => {
                    let dur = line.dur_ns.unwrap_or(0.0) / 1000.0;
                    pending.entry(key.clone()).or_default().push_back(ts);
                    last_send = Some(key);
                    json!({"name": line.kind, "cat": "send", "ph": "X", "ts": ts,
                        "dur": dur, "pid": pid, "tid": tid, "args": args})
                }
                _ => {
                    match e {
                        TraceEvent::Drop { .. } if prev_send.as_ref() == Some(&key) => {
                            pending.get_mut(&key).and_then(|q| q.pop_back());
                        }
                        TraceEvent::Deliver { .. } => {
                            if let Some(start) = pending.get_mut(&key).and_then(|q| q.pop_front()) {
                                self.flow_id += 1;
                                let flow_id = self.flow_id;
                                let flow = |ph: &str, ts: f64| {
                                    json!({"name": "message", "cat": "flow", "ph": ph, "id": flow_id,
                                        "ts": ts, "pid": pid, "tid": tid, "bp": "e"})
                                };
                                self.push(&flow("s", start))?;
                                self.push(&flow("f", ts))?;
                            }
                        }
                        _ => {}
                    }
                    json!({"name": line.event, "cat": line.event, "ph": "i", "s": "t",
                        "ts": ts, "pid": pid, "tid": tid, "args": args})
                }
            };
            self.push(&ev)?;
        }
        Ok(())
    }

    /// Closes the JSON object and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.w.write_all(b"\n],\"displayTimeUnit\":\"ns\"}\n")?;
        Ok(self.w)
    }
}
