//! The event kernel: events totally ordered by (time, sequence), in a short
//! sorted queue with a binary heap for overflow.

use super::SimTime;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// One queued event's key: ordered by `(time, seq)` reversed, so that the
/// max-heap [`BinaryHeap`] pops the earliest. The event itself waits in a
/// slab at `slot`: the queues move 24-byte keys, not events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    time: SimTime,
    seq: u64,
    slot: u32,
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

/// Keys the sorted queue holds at most before the heap takes them all.
const SHORT: usize = 32;

/// An event scheduled before the kernel's current time: time never runs
/// backwards, so the kernel refuses it (it is a bug in the caller, not a
/// condition to paper over).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("event scheduled at {at}, before the current time {now}")]
pub struct SchedulingError {
    /// The requested time.
    pub at: SimTime,
    /// The kernel's time when it was requested.
    pub now: SimTime,
}

/// A discrete-event queue. Events at equal times pop in the order they were
/// scheduled (the sequence number breaks ties), so a run is deterministic.
///
/// Time never runs backwards: scheduling before [`Kernel::now`] is refused
/// with a [`SchedulingError`].
///
/// The keys wait in a sorted queue while there are at most [`SHORT`] of
/// them, the earliest first, and in a binary heap once there are more (until
/// they are down to a quarter of that again). A frame keeps a few dozen
/// events pending, so the heap is usually empty: a pop is then a
/// `pop_front`, where a heap sifts through every level with branches it
/// cannot predict. Which structure holds the keys never changes the order:
/// it is the total order of `(time, seq)` either way (tested against a heap).
#[derive(Debug)]
pub struct Kernel<E> {
    /// The keys, sorted by `(time, seq)`, while there are few (else empty).
    short: VecDeque<Key>,
    /// The keys while there are many (else empty).
    heap: BinaryHeap<Key>,
    /// Queued events by slot; `None` slots are free.
    slots: Vec<Option<E>>,
    /// Free slots.
    free: Vec<u32>,
    now: SimTime,
    seq: u64,
}

impl<E> Kernel<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        Kernel {
            short: VecDeque::with_capacity(SHORT),
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            now: SimTime::ZERO,
            seq: 0,
        }
    }

    /// The time of the last popped event.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `at`, which must not be before [`Kernel::now`];
    /// events at `now` pop after those already queued at `now`.
    #[inline(always)]
    pub fn schedule(&mut self, at: SimTime, event: E) -> Result<(), SchedulingError> {
        if at < self.now {
            return Err(SchedulingError { at, now: self.now });
        }
        let seq = self.seq;
        self.seq += 1;
        let slot = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(event);
                i
            }
            None => {
                self.slots.push(Some(event));
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 queued events")
            }
        };
        let key = Key {
            time: at,
            seq,
            slot,
        };
        if !self.heap.is_empty() {
            self.heap.push(key);
        } else if self.short.len() == SHORT {
            self.heap.extend(self.short.drain(..));
            self.heap.push(key);
        } else {
            // After every queued key of time <= at (its seq is the largest
            // yet), found from the back: new events are mostly the latest.
            let mut i = self.short.len();
            while i > 0 && self.short[i - 1].time > at {
                i -= 1;
            }
            self.short.insert(i, key);
        }
        Ok(())
    }

    /// Pops the earliest event and advances `now` to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let Key { time, slot, .. } = if self.heap.is_empty() {
            self.short.pop_front()?
        } else {
            let key = self.heap.pop().expect("not empty");
            if self.heap.len() <= SHORT / 4 {
                // Back to the sorted queue (heap pops come out in order).
                self.short.extend(std::iter::from_fn(|| self.heap.pop()));
            }
            key
        };
        self.now = time;
        self.free.push(slot);
        let event = self.slots[slot as usize]
            .take()
            .expect("a queued key has its event");
        Some((time, event))
    }

    /// The time of the next event, if any, without popping it.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().or(self.short.front()).map(|k| k.time)
    }

    /// Events still queued.
    pub fn len(&self) -> usize {
        self.short.len() + self.heap.len()
    }

    /// Whether no event is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<E> Default for Kernel<E> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{STREAM_TEST, stream};
    use rand::RngExt;

    #[test]
    fn pops_in_time_order() {
        let mut k = Kernel::new();
        for t in [30u64, 10, 20, 0, 50] {
            k.schedule(SimTime(t), t).unwrap();
        }
        assert_eq!(k.len(), 5);
        assert_eq!(k.peek_time(), Some(SimTime(0)));
        let got: Vec<u64> = std::iter::from_fn(|| k.pop().map(|(_, e)| e)).collect();
        assert_eq!(got, [0, 10, 20, 30, 50]);
        assert_eq!(k.now(), SimTime(50));
        assert!(k.is_empty());
    }

    #[test]
    fn equal_times_pop_fifo() {
        let mut k = Kernel::new();
        for i in 0..100u32 {
            k.schedule(SimTime(u64::from(i % 3)), i).unwrap();
        }
        let got: Vec<(SimTime, u32)> = std::iter::from_fn(|| k.pop()).collect();
        for w in got.windows(2) {
            let ((ta, a), (tb, b)) = (w[0], w[1]);
            assert!(ta < tb || (ta == tb && a < b), "{w:?}");
        }
    }

    #[test]
    fn interleaved_schedule_and_pop() {
        let mut k = Kernel::new();
        k.schedule(SimTime(10), "a").unwrap();
        k.schedule(SimTime(5), "b").unwrap();
        assert_eq!(k.pop(), Some((SimTime(5), "b")));
        k.schedule(SimTime(7), "c").unwrap();
        k.schedule(SimTime(10), "d").unwrap();
        assert_eq!(k.pop(), Some((SimTime(7), "c")));
        assert_eq!(k.pop(), Some((SimTime(10), "a")));
        k.schedule(SimTime(10), "e").unwrap();
        assert_eq!(k.pop(), Some((SimTime(10), "d")));
        assert_eq!(k.pop(), Some((SimTime(10), "e")));
        assert_eq!(k.pop(), None);
        assert_eq!(k.now(), SimTime(10));
    }

    #[test]
    fn past_events_are_refused() {
        let mut k = Kernel::new();
        k.schedule(SimTime(100), 0).unwrap();
        k.schedule(SimTime(100), 1).unwrap();
        assert_eq!(k.pop(), Some((SimTime(100), 0)));
        assert_eq!(
            k.schedule(SimTime(3), 2),
            Err(SchedulingError {
                at: SimTime(3),
                now: SimTime(100)
            })
        );
        k.schedule(SimTime(100), 3).unwrap();
        k.schedule(SimTime(200), 4).unwrap();
        assert_eq!(k.pop(), Some((SimTime(100), 1)));
        assert_eq!(k.pop(), Some((SimTime(100), 3)));
        assert_eq!(k.pop(), Some((SimTime(200), 4)));
        assert!(k.is_empty());
    }

    /// Against a plain binary heap of `(time, seq)`: in steady states shorter
    /// and much longer than the sorted queue, with equal times and events at
    /// `now`, then draining (heap to queue) and growing again.
    #[test]
    fn pops_as_a_heap_does_at_every_size() {
        let mut rng = stream(2, &[STREAM_TEST, 0x6b65]);
        for pending in [1usize, 5, 31, 32, 33, 100, 1000] {
            let mut k = Kernel::new();
            let mut heap = BinaryHeap::new();
            let mut seq = 0u64;
            for _ in 0..50_000 {
                while heap.len() < pending {
                    let spread = *[1u64, 10, 1000].get(rng.random_range(0..3)).unwrap();
                    let t = SimTime(k.now().0 + rng.random_range(0..spread));
                    k.schedule(t, seq).unwrap();
                    heap.push(std::cmp::Reverse((t, seq)));
                    seq += 1;
                }
                let std::cmp::Reverse(want) = heap.pop().unwrap();
                assert_eq!(k.peek_time(), Some(want.0));
                assert_eq!(k.pop(), Some(want), "pending {pending}");
                assert_eq!(k.len(), heap.len());
            }
            // Drain (back through the sorted queue), then grow again.
            for round in 0..2 {
                while let Some(std::cmp::Reverse(want)) = heap.pop() {
                    assert_eq!(k.pop(), Some(want), "pending {pending}, draining");
                }
                assert!(k.is_empty());
                for _ in 0..(round + 1) * pending {
                    let t = SimTime(k.now().0 + rng.random_range(0..100u64));
                    k.schedule(t, seq).unwrap();
                    heap.push(std::cmp::Reverse((t, seq)));
                    seq += 1;
                }
            }
        }
    }

    #[test]
    fn random_events_come_out_sorted() {
        let mut rng = stream(1, &[STREAM_TEST, 0x6b65]);
        let mut k = Kernel::new();
        let mut want = Vec::new();
        for i in 0..100_000u64 {
            let t = SimTime(rng.random_range(0..1000u64));
            k.schedule(t, i).unwrap();
            want.push((t, i));
        }
        want.sort();
        let got: Vec<(SimTime, u64)> = std::iter::from_fn(|| k.pop()).collect();
        assert_eq!(got, want);
    }
}
