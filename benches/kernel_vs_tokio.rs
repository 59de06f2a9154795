//! The same three-node trial on the heap event kernel and on tokio with
//! paused time.
//!
//! Trial: two sensing nodes report to a central controller (CC) once per
//! frame, for 100 frames spaced 1 ms apart. Frame `f` ends at
//! `T_f = (f + 1) ms`; each node's report is then ready, occupies its own
//! backhaul link for a serialization delay (node 0: 3 us, node 1: 7 us) and
//! arrives after a further 50 us latency, i.e. at `T_f + 53 us` and
//! `T_f + 57 us`. The CC decides frame `f` as soon as both reports are in, or
//! at the deadline `T_f + 1 ms` with whatever it has. The result is a list of
//! (frame, decision time, reports seen).
//!
//! * `kernel_vs_tokio/heap_kernel`: events in [`iaps::sim::Kernel`]
//!   (frame end, serialization end, arrival, deadline).
//! * `kernel_vs_tokio/tokio_paused`: a current-thread runtime with
//!   `start_paused(true)`, one task per node and one for the CC,
//!   `sleep_until` for every delay, `tokio::sync::mpsc` for the reports.
//!   The runtime is built once, outside the timed loop (building it is setup,
//!   not simulation, and the heap side has no equivalent); spawning the three
//!   tasks and running them to completion is inside, as is building the
//!   kernel on the heap side. Times are measured from `Instant::now()` at the
//!   start of each trial; the paused clock only ever moves in whole
//!   milliseconds, so every trial starts on a millisecond tick.
//!
//! Decision times (checked by `check_outputs` before benchmarking, which
//! panics if they change):
//!
//! * heap kernel: frame `f` is decided at `T_f + 57 us` (arrival of node 1's
//!   report) with both reports, for all 100 frames.
//! * tokio: every `sleep_until` deadline is rounded up to the next whole
//!   millisecond tick, so both arrivals (53 us, 57 us) and the CC's deadline
//!   (1 ms) land on the same tick, `T_f + 1 ms`, and every frame is decided
//!   there: 943 us late, for all 100 frames. The frame list and decision
//!   times equal the heap list with each time rounded up to a whole
//!   millisecond; the sub-millisecond times are not representable.
//!   Who wins the tie is decided by tokio's internals, not by time: tokio
//!   fires same-tick timers in registration order (see
//!   `tests/tokio_timer_granularity.rs`). For frame 0 the CC's deadline timer
//!   (registered at 0) precedes the nodes' timers (registered at 1 ms), so
//!   the CC times out first and decides frame 0 with **0 reports** (both
//!   arrive on the same tick, too late). From frame 1 on the CC re-registers
//!   its deadline after each received report (a fresh `timeout_at`), i.e.
//!   after the nodes, so frames 1..=99 are decided with both reports, as on
//!   the heap kernel.
//!
//! Run: `cargo bench --bench kernel_vs_tokio -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, criterion_group, criterion_main};
use iaps::sim::{Kernel, SimTime};
use std::hint::black_box;
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until, timeout_at};

const FRAMES: u32 = 100;
const NODES: usize = 2;
const FRAME_PERIOD_US: u64 = 1_000;
const SERIALIZATION_US: [u64; NODES] = [3, 7];
const LATENCY_US: u64 = 50;
const DEADLINE_AFTER_US: u64 = 1_000;

/// The CC's decision for one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decision {
    frame: u32,
    at: SimTime,
    reports: u8,
}

/// End of frame `f` (when its reports are ready), in microseconds.
fn frame_end_us(f: u32) -> u64 {
    (u64::from(f) + 1) * FRAME_PERIOD_US
}

// ---------------------------------------------------------------- heap kernel

#[derive(Debug, Clone, Copy)]
enum Ev {
    /// Frame `f` ended: both nodes' reports are ready, the deadline is set.
    FrameEnd(u32),
    /// A node's report for the frame has left its link (serialization done).
    TxEnd(u32),
    /// A node's report for the frame reached the CC.
    Arrive(u32),
    /// The CC's deadline for the frame.
    Deadline(u32),
}

fn trial_heap() -> Vec<Decision> {
    let ser = SERIALIZATION_US.map(SimTime::from_micros);
    let lat = SimTime::from_micros(LATENCY_US);
    let mut k = Kernel::new();
    let mut busy_until = [SimTime::ZERO; NODES];
    let mut got = vec![0u8; FRAMES as usize];
    let mut decided = vec![false; FRAMES as usize];
    let mut out = Vec::with_capacity(FRAMES as usize);
    k.schedule(SimTime::from_micros(frame_end_us(0)), Ev::FrameEnd(0))
        .expect("time only moves forward");
    while let Some((now, ev)) = k.pop() {
        match ev {
            Ev::FrameEnd(f) => {
                for n in 0..NODES {
                    let start = now.max(busy_until[n]);
                    busy_until[n] = start + ser[n];
                    k.schedule(busy_until[n], Ev::TxEnd(f))
                        .expect("time only moves forward");
                }
                k.schedule(
                    now + SimTime::from_micros(DEADLINE_AFTER_US),
                    Ev::Deadline(f),
                )
                .expect("time only moves forward");
                if f + 1 < FRAMES {
                    k.schedule(
                        SimTime::from_micros(frame_end_us(f + 1)),
                        Ev::FrameEnd(f + 1),
                    )
                    .expect("time only moves forward");
                }
            }
            Ev::TxEnd(f) => k
                .schedule(now + lat, Ev::Arrive(f))
                .expect("time only moves forward"),
            Ev::Arrive(f) => {
                let i = f as usize;
                got[i] += 1;
                if !decided[i] && got[i] == NODES as u8 {
                    decided[i] = true;
                    out.push(Decision {
                        frame: f,
                        at: now,
                        reports: got[i],
                    });
                }
            }
            Ev::Deadline(f) => {
                let i = f as usize;
                if !decided[i] {
                    decided[i] = true;
                    out.push(Decision {
                        frame: f,
                        at: now,
                        reports: got[i],
                    });
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------- tokio

fn paused_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("tokio runtime")
}

fn us(x: u64) -> Duration {
    Duration::from_micros(x)
}

/// One sensing node: at each frame end, serialize onto its own link, then
/// propagate, then hand the report to the CC.
async fn node(n: usize, start: Instant, tx: mpsc::UnboundedSender<(usize, u32)>) {
    let mut busy_until = start;
    for f in 0..FRAMES {
        sleep_until(start + us(frame_end_us(f))).await;
        let ready = start + us(frame_end_us(f));
        busy_until = ready.max(busy_until) + us(SERIALIZATION_US[n]);
        sleep_until(busy_until).await;
        sleep_until(busy_until + us(LATENCY_US)).await;
        if tx.send((n, f)).is_err() {
            return;
        }
    }
}

/// The CC: for each frame in turn, take reports until it has both or the
/// deadline passes. Reports of other frames are counted for their frame.
async fn cc(start: Instant, mut rx: mpsc::UnboundedReceiver<(usize, u32)>) -> Vec<Decision> {
    let mut got = vec![0u8; FRAMES as usize];
    let mut out = Vec::with_capacity(FRAMES as usize);
    for f in 0..FRAMES {
        let i = f as usize;
        let deadline = start + us(frame_end_us(f) + DEADLINE_AFTER_US);
        while got[i] < NODES as u8 {
            match timeout_at(deadline, rx.recv()).await {
                Ok(Some((_, g))) => got[g as usize] += 1,
                Ok(None) | Err(_) => break,
            }
        }
        let at = Instant::now() - start;
        out.push(Decision {
            frame: f,
            at: SimTime::from_nanos(u64::try_from(at.as_nanos()).expect("fits")),
            reports: got[i],
        });
    }
    out
}

async fn trial_tokio() -> Vec<Decision> {
    let start = Instant::now();
    let (tx, rx) = mpsc::unbounded_channel();
    let nodes: Vec<_> = (0..NODES)
        .map(|n| tokio::spawn(node(n, start, tx.clone())))
        .collect();
    drop(tx);
    let out = tokio::spawn(cc(start, rx)).await.expect("cc task");
    for h in nodes {
        h.await.expect("node task");
    }
    out
}

// ---------------------------------------------------------------------- check

/// Runs both once and pins down how they differ (see the module docs).
fn check_outputs(rt: &Runtime) {
    let heap = trial_heap();
    let tokio = rt.block_on(trial_tokio());
    assert_eq!(heap.len(), FRAMES as usize);
    assert_eq!(tokio.len(), FRAMES as usize);
    let ms = SimTime::from_millis(1).0;
    for (h, t) in heap.iter().zip(&tokio) {
        let end = SimTime::from_micros(frame_end_us(h.frame));
        assert_eq!(h.at, end + SimTime::from_micros(57), "heap {h:?}");
        assert_eq!(h.reports, 2, "heap {h:?}");
        let rounded_up = SimTime(h.at.0.div_ceil(ms) * ms);
        // Frame 0 is decided on the same tick but by the deadline, with no
        // report counted (see the module docs).
        let reports = if h.frame == 0 { 0 } else { h.reports };
        assert_eq!(
            *t,
            Decision {
                at: rounded_up,
                reports,
                ..*h
            },
            "tokio should be the heap decision rounded up to 1 ms"
        );
    }
    // A second trial on the same runtime gives the same list (the paused
    // clock restarts each trial on a millisecond tick).
    assert_eq!(rt.block_on(trial_tokio()), tokio);
    eprintln!(
        "frame 0: heap decides at {} ({} reports), tokio at {} ({} reports)",
        heap[0].at, heap[0].reports, tokio[0].at, tokio[0].reports
    );
}

fn kernel_vs_tokio(c: &mut Criterion) {
    let rt = paused_runtime();
    check_outputs(&rt);
    let mut g = c.benchmark_group("kernel_vs_tokio");
    g.bench_function("heap_kernel", |b| b.iter(|| black_box(trial_heap())));
    g.bench_function("tokio_paused", |b| {
        b.iter(|| black_box(rt.block_on(trial_tokio())))
    });
    g.finish();
}

criterion_group!(benches, kernel_vs_tokio);
criterion_main!(benches);
