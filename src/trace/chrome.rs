//! Chrome Trace Event Format output (Perfetto, chrome://tracing) in simulated time.

use super::TraceRecord;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::io::{self, Write};

/// Events drawn on the link's track (when the record names a link).
const LINK_EVENTS: [&str; 5] = ["enqueue", "send", "deliver", "drop", "late"];

/// Sort key for track names: group rank, then alphabetic prefix, then the
/// trailing number numerically ("rap2" before "rap10").
fn track_key(name: &str, link: bool) -> (u8, String, u64, String) {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, num) = name.split_at(name.len() - digits);
    let rank = match (link, prefix) {
        (false, "bs") | (true, "up") => 0,
        (false, "rap") | (true, "down") => 1,
        (false, "cc") => 3,
        _ => 2,
    };
    (rank, prefix.into(), num.parse().unwrap_or(0), name.into())
}

fn on_link(r: &TraceRecord) -> bool {
    !r.link.is_empty() && LINK_EVENTS.contains(&r.event.as_str())
}

/// Streams `{"traceEvents":[...]}` entries, comma-separated.
struct Out<'a, W: Write> {
    w: &'a mut W,
    first: bool,
}

impl<W: Write> Out<'_, W> {
    fn push(&mut self, v: &Value) -> io::Result<()> {
        self.w.write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut *self.w, v)?;
        Ok(())
    }
}

/// Writes `records` as a Chrome Trace Event Format JSON object, in simulated
/// time (`ts` and `dur` in microseconds, `displayTimeUnit` "ns").
///
/// Layout: one process per drop (`pid` = drop, named "drop N"); one thread
/// track per node ("bs", "rap1", .., "cc") then per link ("up0", .., "down1",
/// ..), with `tid`s assigned from the sorted names over all records, so they
/// are stable across drops and runs. Mapping:
/// - "send": complete event (`ph` "X") on the link track, named by the payload
///   kind, `dur` = transmission time;
/// - "enqueue", "deliver", "drop", "late": instant events on the link track
///   (every message therefore shows at least its "enqueue");
/// - "transmit", "receive", "decide" and any other event: instant events on
///   the node track.
///
/// Every event's `args` hold frame, bytes, kind, the other of node/link, and
/// all extra fields (e.g. declared/target on "decide", reason on "drop").
/// A flow arrow (`ph` "s"/"f") joins each "send" to its "deliver", matched
/// first-in first-out per (link, frame, kind); a send followed directly by its
/// loss "drop" gets none. Records are emitted grouped by drop, in input order
/// within a drop.
pub fn write_chrome(w: &mut impl Write, records: &[TraceRecord]) -> io::Result<()> {
    let mut names: BTreeSet<(bool, (u8, String, u64, String))> = BTreeSet::new();
    for r in records {
        names.insert((false, track_key(&r.node, false)));
        if !r.link.is_empty() {
            names.insert((true, track_key(&r.link, true)));
        }
    }
    let tids: HashMap<(bool, &str), usize> = names
        .iter()
        .enumerate()
        .map(|(i, (l, k))| ((*l, k.3.as_str()), i + 1))
        .collect();
    let mut drops: BTreeMap<u64, Vec<&TraceRecord>> = BTreeMap::new();
    for r in records {
        drops.entry(r.drop).or_default().push(r);
    }
    w.write_all(b"{\"traceEvents\":[")?;
    let mut out = Out { w, first: true };
    let mut flow_id = 0u64;
    for (&pid, recs) in &drops {
        let meta = |name: &str, tid: usize, args: Value| json!({"ph": "M", "name": name, "pid": pid, "tid": tid, "args": args});
        out.push(&meta(
            "process_name",
            0,
            json!({"name": format!("drop {pid}")}),
        ))?;
        out.push(&meta("process_sort_index", 0, json!({"sort_index": pid})))?;
        let used: BTreeSet<usize> = recs
            .iter()
            .flat_map(|r| {
                [
                    tids.get(&(false, r.node.as_str())),
                    tids.get(&(true, r.link.as_str())),
                ]
            })
            .flatten()
            .copied()
            .collect();
        for (l, k) in &names {
            let tid = tids[&(*l, k.3.as_str())];
            if used.contains(&tid) {
                out.push(&meta("thread_name", tid, json!({"name": k.3})))?;
                out.push(&meta("thread_sort_index", tid, json!({"sort_index": tid})))?;
            }
        }
        let mut pending: HashMap<(&str, u64, &str), VecDeque<f64>> = HashMap::new();
        let mut last_send: Option<(&str, u64, &str)> = None;
        for r in recs {
            let link = on_link(r);
            let tid = if link {
                tids[&(true, r.link.as_str())]
            } else {
                tids[&(false, r.node.as_str())]
            };
            let ts = r.sim_time_ns / 1000.0;
            let mut args = Map::new();
            args.insert("frame".into(), r.frame.into());
            args.insert("bytes".into(), r.bytes.into());
            args.insert("kind".into(), r.kind.clone().into());
            if link {
                args.insert("node".into(), r.node.clone().into());
            } else if !r.link.is_empty() {
                args.insert("link".into(), r.link.clone().into());
            }
            for (k, v) in &r.extra {
                args.entry(k.clone()).or_insert_with(|| v.clone());
            }
            let mut ev = json!({"name": r.event, "cat": r.event, "ph": "i", "s": "t",
                "ts": ts, "pid": pid, "tid": tid, "args": args});
            let key = (r.link.as_str(), r.frame, r.kind.as_str());
            let prev_send = last_send.take();
            match r.event.as_str() {
                "send" if link => {
                    let dur = r.dur_ns.unwrap_or(0.0) / 1000.0;
                    ev = json!({"name": r.kind, "cat": "send", "ph": "X", "ts": ts,
                        "dur": dur, "pid": pid, "tid": tid, "args": ev["args"].take()});
                    pending.entry(key).or_default().push_back(ts);
                    last_send = Some(key);
                }
                "drop" if prev_send == Some(key) => {
                    pending.get_mut(&key).and_then(|q| q.pop_back());
                }
                "deliver" if link => {
                    if let Some(start) = pending.get_mut(&key).and_then(|q| q.pop_front()) {
                        flow_id += 1;
                        let flow = |ph: &str, ts: f64| {
                            json!({"name": "message", "cat": "flow", "ph": ph, "id": flow_id,
                                "ts": ts, "pid": pid, "tid": tid, "bp": "e"})
                        };
                        out.push(&flow("s", start))?;
                        out.push(&flow("f", ts))?;
                    }
                }
                _ => {}
            }
            out.push(&ev)?;
        }
    }
    out.w.write_all(b"\n],\"displayTimeUnit\":\"ns\"}\n")
}

#[cfg(test)]
mod tests {
    use super::track_key;

    #[test]
    fn tracks_sort_naturally_nodes_then_links() {
        let mut nodes = ["cc", "rap10", "rap2", "bs", "x", "rap1"];
        nodes.sort_by_key(|n| track_key(n, false));
        assert_eq!(nodes, ["bs", "rap1", "rap2", "rap10", "x", "cc"]);
        let mut links = ["down10", "down2", "up10", "up1", "up0"];
        links.sort_by_key(|n| track_key(n, true));
        assert_eq!(links, ["up0", "up1", "up10", "down2", "down10"]);
    }
}
