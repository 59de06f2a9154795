//! Simulated time: an integer count of picoseconds.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point in (or a span of) simulated time, in picoseconds. u64 picoseconds
/// cover about 213 days; integer time makes event order exact and portable.
///
/// `+` and `-` saturate (at [`SimTime::NEVER`] and [`SimTime::ZERO`]), so
/// "never plus a delay" stays never. [`fmt::Display`] prints the value with
/// an SI unit chosen by magnitude and three decimals (`"1.234 us"`,
/// `"8.000 ms"`, `"12 ps"`), or `"never"`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct SimTime(pub u64);

impl SimTime {
    /// Time zero.
    pub const ZERO: SimTime = SimTime(0);
    /// The largest representable time ("never").
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// From seconds, rounded to the nearest picosecond (saturating): values at
    /// or beyond the range (including `+inf`) give [`SimTime::NEVER`]; negative
    /// values and NaN give [`SimTime::ZERO`].
    pub fn from_secs(s: f64) -> SimTime {
        let ps = (s * 1e12).round();
        if ps.is_nan() || ps <= 0.0 {
            SimTime::ZERO
        } else if ps >= u64::MAX as f64 {
            SimTime::NEVER
        } else {
            SimTime(ps as u64)
        }
    }

    /// [`SimTime::from_secs`] for a time that must be finite and not
    /// negative: `None` for a negative, NaN or infinite `s`, which no
    /// `SimTime` represents (finite values beyond the range still saturate).
    pub fn from_secs_checked(s: f64) -> Option<SimTime> {
        (s.is_finite() && s >= 0.0).then(|| SimTime::from_secs(s))
    }

    /// From whole nanoseconds (saturating).
    pub const fn from_nanos(ns: u64) -> SimTime {
        SimTime(ns.saturating_mul(1_000))
    }

    /// From whole microseconds (saturating).
    pub const fn from_micros(us: u64) -> SimTime {
        SimTime(us.saturating_mul(1_000_000))
    }

    /// From whole milliseconds (saturating).
    pub const fn from_millis(ms: u64) -> SimTime {
        SimTime(ms.saturating_mul(1_000_000_000))
    }

    /// As seconds.
    pub fn as_secs(self) -> f64 {
        self.0 as f64 * 1e-12
    }

    /// As seconds, correctly rounded (`ps / 1e12`): the f64 nearest to the
    /// exact value, so a time made from a decimal number of seconds writes
    /// back as that number (`from_micros(50)` gives `5e-5`). [`SimTime::as_secs`]
    /// multiplies by `1e-12` and can be one unit in the last place off.
    pub fn as_secs_nearest(self) -> f64 {
        self.0 as f64 / 1e12
    }

    /// As nanoseconds (for traces).
    pub fn as_nanos_f64(self) -> f64 {
        self.0 as f64 * 1e-3
    }

    /// Saturating addition.
    pub fn plus(self, d: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// Saturating subtraction (zero if `d` is later than `self`).
    pub fn minus(self, d: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(d.0))
    }
}

impl Add for SimTime {
    type Output = SimTime;
    /// Saturating, like [`SimTime::plus`].
    fn add(self, d: SimTime) -> SimTime {
        self.plus(d)
    }
}

impl AddAssign for SimTime {
    fn add_assign(&mut self, d: SimTime) {
        *self = self.plus(d);
    }
}

impl Sub for SimTime {
    type Output = SimTime;
    /// Saturating at zero, like [`SimTime::minus`].
    fn sub(self, d: SimTime) -> SimTime {
        self.minus(d)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 4] = [
            (1_000_000_000_000, "s"),
            (1_000_000_000, "ms"),
            (1_000_000, "us"),
            (1_000, "ns"),
        ];
        if *self == SimTime::NEVER {
            return f.write_str("never");
        }
        for (div, unit) in UNITS {
            if self.0 >= div {
                return write!(f, "{:.3} {unit}", self.0 as f64 / div as f64);
            }
        }
        write!(f, "{} ps", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_secs_rounds_and_saturates() {
        assert_eq!(SimTime::from_secs(1e-6), SimTime(1_000_000));
        assert_eq!(SimTime::from_secs(1.4e-12), SimTime(1));
        assert_eq!(SimTime::from_secs(1.6e-12), SimTime(2));
        assert_eq!(SimTime::from_secs(8e-3), SimTime(8_000_000_000));
        assert_eq!(SimTime::from_secs(1e9), SimTime::NEVER);
        assert_eq!(SimTime::from_secs(f64::INFINITY), SimTime::NEVER);
        assert_eq!(SimTime::from_secs(-1.0), SimTime::ZERO);
        assert_eq!(SimTime::from_secs(f64::NEG_INFINITY), SimTime::ZERO);
        assert_eq!(SimTime::from_secs(f64::NAN), SimTime::ZERO);
        assert_eq!(SimTime::from_secs_checked(1e-6), Some(SimTime(1_000_000)));
        assert_eq!(SimTime::from_secs_checked(1e9), Some(SimTime::NEVER));
        for bad in [-1.0, -1e-15, f64::NAN, f64::INFINITY] {
            assert_eq!(SimTime::from_secs_checked(bad), None, "{bad}");
        }
    }

    #[test]
    fn seconds_write_back_as_given() {
        for s in [50e-6, 1e-4, 0.01, 0.02, 2.0, 1e-3, 3.3e-7] {
            assert_eq!(SimTime::from_secs(s).as_secs_nearest(), s, "{s}");
        }
    }

    #[test]
    fn arithmetic_saturates() {
        assert_eq!(SimTime(5) + SimTime(7), SimTime(12));
        assert_eq!(SimTime::NEVER + SimTime(1), SimTime::NEVER);
        assert_eq!(SimTime(5) - SimTime(7), SimTime::ZERO);
        assert_eq!(SimTime(7) - SimTime(5), SimTime(2));
        let mut t = SimTime::from_micros(1);
        t += SimTime::from_nanos(1);
        assert_eq!(t, SimTime(1_001_000));
        assert_eq!(SimTime::from_millis(u64::MAX), SimTime::NEVER);
    }

    #[test]
    fn display_picks_a_unit() {
        assert_eq!(SimTime(12).to_string(), "12 ps");
        assert_eq!(SimTime(1_234_000).to_string(), "1.234 us");
        assert_eq!(SimTime::from_millis(8).to_string(), "8.000 ms");
        assert_eq!(SimTime::from_millis(2500).to_string(), "2.500 s");
        assert_eq!(SimTime::NEVER.to_string(), "never");
    }
}
