//! Message-flow traces. The engine records typed [`TraceEvent`]s per drop;
//! this module renders them, in one place ([`TraceEvent::line`]), three ways:
//! live to `tracing` (for `RUST_LOG`), to JSON lines, and to a
//! Chrome/Perfetto trace, all in simulated time.

mod chrome;
mod event;

pub use chrome::ChromeWriter;
pub use event::{DropReason, LinkId, TraceEvent, TraceLine};

use crate::node::DropId;
use std::io::{self, BufRead, Write};
use tracing_subscriber::filter::EnvFilter;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// The `tracing` target of the engine's message-flow events.
pub const TARGET: &str = "iaps::sim";

/// Whether live `tracing` output of engine events is enabled (checked once
/// per drop by the engine, so a disabled trace costs nothing per event).
pub fn live_enabled() -> bool {
    tracing::enabled!(target: TARGET, tracing::Level::DEBUG)
}

/// Emits `event` of drop `id` to `tracing` at DEBUG under [`TARGET`], with the
/// fields of its [`TraceLine`]; the message is the event's name.
pub fn emit(id: DropId, event: &TraceEvent) {
    let l = event.line(id);
    let extra = if l.extra.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&l.extra).unwrap_or_default()
    };
    tracing::debug!(
        target: TARGET,
        point = l.point,
        variant = l.variant,
        drop = l.drop,
        sim_time_ns = l.sim_time_ns,
        frame = l.frame,
        node = %l.node,
        link = %l.link,
        kind = %l.kind,
        bytes = l.bytes,
        dur_ns = l.dur_ns,
        extra = %extra,
        "{}",
        l.event
    );
}

/// Installs the global subscriber: a fmt layer to stderr, filtered by
/// `RUST_LOG` when set and valid, else by `console_filter`, else `"warn"`.
/// Colour only on a terminal, and never when `NO_COLOR` is set to a
/// non-empty value (<https://no-color.org>). Safe to call more than once: a second call (or
/// a call after another global subscriber was installed) does nothing.
pub fn init(console_filter: Option<&str>) {
    let env = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| EnvFilter::try_new(s).ok());
    let console = env.unwrap_or_else(|| {
        EnvFilter::try_new(console_filter.unwrap_or("warn"))
            .unwrap_or_else(|_| EnvFilter::new("warn"))
    });
    // Wall-clock timestamps mean nothing in a simulation: events carry
    // sim_time_ns instead.
    use std::io::IsTerminal;
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .without_time()
        .with_ansi(io::stderr().is_terminal() && !no_color())
        .with_filter(console);
    let _ = tracing_subscriber::registry().with(fmt).try_init();
}

/// Whether `NO_COLOR` asks for output without colour (set and not empty).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Appends the events of drop `id` as JSON lines: one [`TraceLine`] per line.
pub fn write_json_lines(w: &mut impl Write, id: DropId, events: &[TraceEvent]) -> io::Result<()> {
    for e in events {
        serde_json::to_writer(&mut *w, &e.line(id))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Reads lines written by [`write_json_lines`] (blank lines are skipped).
pub fn read_json_lines(r: impl BufRead) -> io::Result<Vec<TraceLine>> {
    let mut out = Vec::new();
    for line in r.lines() {
        let line = line?;
        if !line.trim().is_empty() {
            out.push(serde_json::from_str(&line)?);
        }
    }
    Ok(out)
}
