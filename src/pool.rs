//! One ordered parallel map for every parallel loop in iaps: work items
//! `0..n` on worker threads that take the next item from a shared counter
//! (so no core idles while work remains), results handed back in item order
//! (so output never depends on the thread count).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The worker count for a request: `0` means one per core.
pub fn threads(requested: usize) -> usize {
    if requested == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        requested
    }
}

/// Runs `work(i)` for every `i` in `0..n` on up to `threads` workers (0 = one
/// per core) and hands each result to `sink(i, result)` on the calling thread,
/// in increasing `i`. Workers take indices from an atomic counter, so a slow
/// item never holds an idle core hostage; results that finish early wait in a
/// reorder buffer for their turn.
///
/// If `sink` returns an error, workers stop taking new items and the error is
/// returned once the running ones finish. With one worker everything runs on
/// the calling thread. A panic in `work` propagates.
pub fn ordered_map<T: Send, E>(
    n: u64,
    threads: usize,
    work: impl Fn(u64) -> T + Sync,
    mut sink: impl FnMut(u64, T) -> Result<(), E>,
) -> Result<(), E> {
    let threads = self::threads(threads).min(usize::try_from(n).unwrap_or(usize::MAX));
    if threads <= 1 {
        for i in 0..n {
            sink(i, work(i))?;
        }
        return Ok(());
    }
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = crossbeam_channel::unbounded();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let (tx, next, stop, work) = (tx.clone(), &next, &stop, &work);
            s.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n || tx.send((i, work(i))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut held: BTreeMap<u64, T> = BTreeMap::new();
        let mut due = 0u64;
        for (i, r) in rx.iter() {
            held.insert(i, r);
            while let Some(r) = held.remove(&due) {
                if let Err(e) = sink(due, r) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                due += 1;
            }
        }
        Ok(())
    })
}

/// `ordered_map` collecting the results into a vector, in order.
pub fn map<T: Send>(n: u64, threads: usize, work: impl Fn(u64) -> T + Sync) -> Vec<T> {
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    let _ = ordered_map(n, threads, work, |_, r| {
        out.push(r);
        Ok::<(), ()>(())
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_for_any_thread_count() {
        let work = |i: u64| {
            // Uneven work, so items finish out of order.
            let spins = (i * 7919) % 50_000;
            let mut x = i;
            for _ in 0..spins {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            }
            (i, x)
        };
        let one = map(200, 1, work);
        for t in [2, 3, 8] {
            assert_eq!(map(200, t, work), one, "{t} threads");
        }
        assert!(one.iter().enumerate().all(|(i, r)| r.0 == i as u64));
    }

    #[test]
    fn an_error_in_the_sink_stops_the_map() {
        let mut seen = Vec::new();
        let r = ordered_map(
            1000,
            2,
            |i| i,
            |i, _| {
                seen.push(i);
                if i == 10 { Err(i) } else { Ok(()) }
            },
        );
        assert_eq!(r, Err(10));
        assert_eq!(seen, (0..=10).collect::<Vec<_>>());
    }
}
