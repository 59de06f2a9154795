//! Simulated time: an integer count of picoseconds.

use serde::{Deserialize, Serialize};

/// A point in (or a span of) simulated time, in picoseconds. u64 picoseconds
/// cover about 213 days; integer time makes event order exact and portable.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct SimTime(pub u64);

impl SimTime {
    /// Time zero.
    pub const ZERO: SimTime = SimTime(0);
    /// The largest representable time ("never").
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// From seconds, rounded to the nearest picosecond (saturating).
    pub fn from_secs(s: f64) -> SimTime {
        let _ = s;
        todo!("helper: engine")
    }

    /// As seconds.
    pub fn as_secs(self) -> f64 {
        self.0 as f64 * 1e-12
    }

    /// As nanoseconds (for traces).
    pub fn as_nanos_f64(self) -> f64 {
        self.0 as f64 * 1e-3
    }

    /// Saturating addition.
    pub fn plus(self, d: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}
