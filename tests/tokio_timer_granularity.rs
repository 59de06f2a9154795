//! Why the simulator has its own event kernel instead of running on tokio.
//!
//! Backhaul links are modelled with serialization delays of a few
//! microseconds and latencies of tens of microseconds, so the event order
//! must be exact well below a millisecond. Under paused time
//! (`start_paused = true`, the only way to run tokio as a simulator: no
//! wall-clock sleeping, the clock jumps to the next timer) tokio 1.x
//! measures as follows, and these tests pin it down:
//!
//! * every timer deadline is rounded up to the next whole millisecond tick,
//!   and the paused clock advances in whole milliseconds: a 1 ns, 10 us or
//!   1000 us sleep advances `Instant::now()` by exactly 1 ms, a 1001 us sleep
//!   by 2 ms, and a 10 us sleep taken 10 us past a tick still advances by a
//!   full 1 ms (to 1.010 ms, not to the 1 ms tick);
//! * sleeps of 3 us and 7 us wake at the same instant (1 ms), and in the
//!   order the timers were registered, not in deadline order: if the 7 us
//!   timer is registered first, the 7 us task runs first.
//!
//! The heap kernel [`iaps::sim::Kernel`] keeps integer picoseconds and pops
//! by (time, scheduling order), so events 1 ps apart come out in time order
//! whatever order they were scheduled in. The bench `kernel_vs_tokio` shows
//! what this does to a whole trial.

use iaps::sim::{Kernel, SimTime};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, advance, sleep};

const MS: Duration = Duration::from_millis(1);

/// How far one `sleep(d)` moves the paused clock.
async fn advance_of_sleep(d: Duration) -> Duration {
    let t0 = Instant::now();
    sleep(d).await;
    t0.elapsed()
}

#[tokio::test(start_paused = true)]
async fn paused_sleep_advances_in_whole_milliseconds() {
    let got = advance_of_sleep(Duration::from_micros(10)).await;
    assert!(got >= MS, "10 us sleep advanced only {got:?}");
    assert_eq!(got, MS, "10 us sleep");
    assert_eq!(advance_of_sleep(Duration::from_nanos(1)).await, MS, "1 ns");
    assert_eq!(
        advance_of_sleep(Duration::from_micros(1000)).await,
        MS,
        "1000 us"
    );
    assert_eq!(
        advance_of_sleep(Duration::from_micros(1001)).await,
        2 * MS,
        "1001 us"
    );

    // Off a tick (advance() moves the clock exactly), a 10 us sleep still
    // costs a whole millisecond: the clock steps by whole ticks.
    advance(Duration::from_micros(10)).await;
    assert_eq!(
        advance_of_sleep(Duration::from_micros(10)).await,
        MS,
        "10 us off-tick"
    );
}

/// Spawns one task per `(name, sleep in us)`, in that order, each sleeping
/// then reporting `(name, time woken)`; returns the reports in wake order.
async fn wake_order(sleeps: &[(&'static str, u64)]) -> Vec<(&'static str, Duration)> {
    let base = Instant::now();
    let (tx, mut rx) = mpsc::unbounded_channel();
    for &(name, us) in sleeps {
        let tx = tx.clone();
        tokio::spawn(async move {
            sleep(Duration::from_micros(us)).await;
            tx.send((name, base.elapsed())).expect("receiver alive");
        });
    }
    drop(tx);
    let mut out = Vec::new();
    while let Some(x) = rx.recv().await {
        out.push(x);
    }
    out
}

#[tokio::test(start_paused = true)]
async fn sleeps_of_3us_and_7us_cannot_be_ordered() {
    // Both wake on the 1 ms tick; the order is registration order.
    assert_eq!(
        wake_order(&[("3us", 3), ("7us", 7)]).await,
        [("3us", MS), ("7us", MS)]
    );
    assert_eq!(
        wake_order(&[("7us", 7), ("3us", 3)]).await,
        [("7us", MS), ("3us", MS)],
        "the 7 us sleep wakes first when registered first"
    );
}

#[test]
fn heap_kernel_orders_events_1ps_apart() {
    let t = SimTime::from_micros(3);
    let mut k = Kernel::new();
    // Scheduled latest-first; they must pop earliest-first, at exact times.
    k.schedule(SimTime::from_micros(7), "7us")
        .expect("time only moves forward");
    k.schedule(SimTime(t.0 + 1), "3us + 1 ps")
        .expect("time only moves forward");
    k.schedule(t, "3us").expect("time only moves forward");
    assert_eq!(k.pop(), Some((t, "3us")));
    assert_eq!(k.pop(), Some((SimTime(t.0 + 1), "3us + 1 ps")));
    assert_eq!(k.pop(), Some((SimTime::from_micros(7), "7us")));
    assert_eq!(k.pop(), None);
    assert_eq!(k.now(), SimTime::from_micros(7));
}
