//! Open frames by index: a ring for values keyed by frame numbers that open in
//! increasing order and close in any order.

use std::collections::VecDeque;

/// Values keyed by frame number, opened in increasing order and closed in
/// any order: a ring from the oldest open frame on. Lookups are an index,
/// and a steady run (a frame opens, an older one closes) allocates nothing,
/// unlike a `BTreeMap`, which allocates a node whenever it goes from empty
/// to one entry.
#[derive(Debug, Clone)]
pub struct OpenFrames<T> {
    /// The frame at `ring[0]`.
    base: u64,
    /// `ring[i]` is frame `base + i`, `None` once closed (or never opened).
    ring: VecDeque<Option<T>>,
}

impl<T> OpenFrames<T> {
    /// None open.
    pub fn new() -> Self {
        OpenFrames {
            base: 0,
            ring: VecDeque::new(),
        }
    }

    fn index(&self, frame: u64) -> Option<usize> {
        let i = usize::try_from(frame.checked_sub(self.base)?).ok()?;
        (i < self.ring.len()).then_some(i)
    }

    /// Opens `frame` with `value`. Frames open in increasing order: `frame`
    /// must come after every frame opened so far (panics otherwise: a bug in
    /// the caller).
    pub fn open(&mut self, frame: u64, value: T) {
        if self.ring.is_empty() {
            self.base = frame;
        }
        let end = self.base + self.ring.len() as u64;
        assert!(frame >= end, "frame {frame} opened out of order");
        for _ in end..frame {
            self.ring.push_back(None);
        }
        self.ring.push_back(Some(value));
    }

    /// The value of open frame `frame`.
    pub fn get(&self, frame: u64) -> Option<&T> {
        self.index(frame).and_then(|i| self.ring[i].as_ref())
    }

    /// The value of open frame `frame`, mutably.
    pub fn get_mut(&mut self, frame: u64) -> Option<&mut T> {
        self.index(frame).and_then(|i| self.ring[i].as_mut())
    }

    /// Closes `frame`, returning its value (`None` if it was not open).
    pub fn close(&mut self, frame: u64) -> Option<T> {
        let i = self.index(frame)?;
        let value = self.ring[i].take();
        while let Some(None) = self.ring.front() {
            self.ring.pop_front();
            self.base += 1;
        }
        value
    }
}

impl<T> Default for OpenFrames<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{STREAM_TEST, stream};
    use rand::RngExt;
    use std::collections::BTreeMap;

    /// Random opens (in order, with gaps) and closes (in any order) give
    /// what a `BTreeMap` gives, lookups included.
    #[test]
    fn behaves_as_a_map() {
        let mut rng = stream(5, &[STREAM_TEST, 0x6f70]);
        let mut ring = OpenFrames::new();
        let mut map = BTreeMap::new();
        let mut next = 0u64;
        for step in 0..20_000u64 {
            if rng.random::<f64>() < 0.5 {
                next += rng.random_range(0..3u64);
                ring.open(next, step);
                map.insert(next, step);
                next += 1;
            } else {
                let f = next.saturating_sub(rng.random_range(0..8u64) + 1);
                assert_eq!(ring.close(f), map.remove(&f), "close {f}");
            }
            let f = next.saturating_sub(rng.random_range(0..10u64));
            assert_eq!(ring.get(f), map.get(&f));
            if let Some(v) = ring.get_mut(f) {
                *v += 1;
                *map.get_mut(&f).unwrap() += 1;
            }
        }
    }

    #[test]
    #[should_panic(expected = "out of order")]
    fn refuses_an_earlier_frame() {
        let mut ring = OpenFrames::new();
        ring.open(5, ());
        ring.open(4, ());
    }
}
