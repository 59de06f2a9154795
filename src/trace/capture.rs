//! The capture layer: `iaps::sim` events into a thread-local buffer of [`TraceRecord`]s.

use super::{TARGET, TraceRecord};
use std::cell::RefCell;
use std::fmt;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

thread_local! {
    /// The active capture on this thread, if any.
    static BUFFER: RefCell<Option<Vec<TraceRecord>>> = const { RefCell::new(None) };
    /// The drop tag of the active capture.
    static DROP: RefCell<u64> = const { RefCell::new(0) };
}

/// A `tracing_subscriber` layer that records every event with target
/// `iaps::sim` into the current thread's capture buffer (see [`capture`]).
/// Events on threads where no capture is active are ignored.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaptureLayer;

impl<S: Subscriber> Layer<S> for CaptureLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != TARGET || !is_capturing() {
            return;
        }
        let mut v = Visitor(TraceRecord::new(DROP.with(|d| *d.borrow())));
        event.record(&mut v);
        BUFFER.with(|b| {
            if let Some(buf) = b.borrow_mut().as_mut() {
                buf.push(v.0);
            }
        });
    }
}

/// Whether a [`capture`] is active on the current thread.
pub fn is_capturing() -> bool {
    BUFFER.with(|b| b.borrow().is_some())
}

/// Restores the enclosing capture (if any) when a capture ends, even by panic.
struct Guard {
    buf: Option<Vec<TraceRecord>>,
    drop: u64,
}

impl Drop for Guard {
    fn drop(&mut self) {
        BUFFER.with(|b| *b.borrow_mut() = self.buf.take());
        DROP.with(|d| *d.borrow_mut() = self.drop);
    }
}

/// Runs `f` with capture active on the current thread and returns its result
/// with the `iaps::sim` events it emitted on this thread, in emission order,
/// each tagged with `drop`.
///
/// Every drop runs start to finish on one worker thread, so wrapping a drop in
/// `capture(drop, ..)` yields exactly that drop's records whatever the thread
/// count; concatenating the per-drop vectors in drop order gives a
/// deterministic trace.
///
/// Events emitted on other threads (including threads `f` spawns) are not
/// captured. Captures nest: an inner capture takes its own events and the
/// outer one resumes afterwards. If no subscriber with a [`CaptureLayer`] is
/// in effect (globally via [`super::init`] or locally via
/// [`super::capture_subscriber`]), the returned vector is empty.
pub fn capture<T>(drop: u64, f: impl FnOnce() -> T) -> (T, Vec<TraceRecord>) {
    let guard = Guard {
        buf: BUFFER.with(|b| b.borrow_mut().replace(Vec::new())),
        drop: DROP.with(|d| std::mem::replace(&mut *d.borrow_mut(), drop)),
    };
    let out = f();
    let records = BUFFER.with(|b| b.borrow_mut().take()).unwrap_or_default();
    std::mem::drop(guard);
    (out, records)
}

/// Fills a [`TraceRecord`] from an event's fields.
struct Visitor(TraceRecord);

impl Visitor {
    fn number(&mut self, name: &str, x: f64, v: serde_json::Value) {
        let r = &mut self.0;
        match name {
            "sim_time_ns" => r.sim_time_ns = x,
            "dur_ns" => r.dur_ns = Some(x),
            "frame" if x >= 0.0 => r.frame = x as u64,
            "bytes" if x >= 0.0 => r.bytes = x as u64,
            _ => {
                r.extra.insert(name.to_owned(), v);
            }
        }
    }

    fn text(&mut self, name: &str, s: String) {
        let r = &mut self.0;
        match name {
            "message" => r.event = s,
            "node" => r.node = s,
            "link" => r.link = s,
            "kind" => r.kind = s,
            _ => {
                r.extra
                    .insert(name.to_owned(), serde_json::Value::String(s));
            }
        }
    }
}

impl Visit for Visitor {
    fn record_f64(&mut self, field: &Field, value: f64) {
        let v = serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, Into::into);
        self.number(field.name(), value, v);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        let r = &mut self.0;
        match field.name() {
            "frame" => r.frame = value,
            "bytes" => r.bytes = value,
            name => self.number(name, value as f64, value.into()),
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.number(field.name(), value as f64, value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.extra.insert(field.name().to_owned(), value.into());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.text(field.name(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.text(field.name(), format!("{value:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::debug;

    #[test]
    fn visitor_handles_every_field_type() {
        let sub = crate::trace::capture_subscriber();
        let ((), recs) = tracing::subscriber::with_default(sub, || {
            capture(9, || {
                debug!(target: "iaps::sim", sim_time_ns = 1.5, frame = 2i64, node = "bs", link = "", kind = "frame", bytes = 7i64, delta = -3i64, ok = true, ratio = 0.25, v = ?[1, 2], "transmit");
            })
        });
        assert_eq!(recs.len(), 1);
        let r = &recs[0];
        assert_eq!((r.drop, r.frame, r.bytes, r.sim_time_ns), (9, 2, 7, 1.5));
        assert_eq!(
            (r.event.as_str(), r.node.as_str(), r.kind.as_str()),
            ("transmit", "bs", "frame")
        );
        assert_eq!(r.extra["delta"], -3);
        assert_eq!(r.extra["ok"], true);
        assert_eq!(r.extra["ratio"], 0.25);
        assert_eq!(r.extra["v"], "[1, 2]");
    }
}
