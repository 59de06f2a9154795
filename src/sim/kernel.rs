//! The event kernel: a binary heap of events totally ordered by (time, sequence).

use super::SimTime;

/// A discrete-event queue. Events at equal times pop in the order they were
/// scheduled (the sequence number breaks ties), so a run is deterministic.
#[derive(Debug)]
pub struct Kernel<E> {
    _e: std::marker::PhantomData<E>,
}

impl<E> Kernel<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        todo!("helper: engine")
    }

    /// The time of the last popped event.
    pub fn now(&self) -> SimTime {
        todo!("helper: engine")
    }

    /// Schedules `event` at `at` (must not be before `now`).
    pub fn schedule(&mut self, at: SimTime, event: E) {
        let _ = (at, event);
        todo!("helper: engine")
    }

    /// Pops the earliest event and advances `now` to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        todo!("helper: engine")
    }

    /// Events still queued.
    pub fn len(&self) -> usize {
        todo!("helper: engine")
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
