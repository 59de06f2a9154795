//! A plot axis with its own ticks and labels: linear, logarithmic or categorical.

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use std::ops::Range;

/// One axis of a figure: the value range, the scale, and labelled ticks.
///
/// Values stay in data units; a log axis maps `log10` of them. Categorical
/// axes place category `i` at `x = i` and label it with its name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    ticks: Vec<(f64, String)>,
    minor: Vec<f64>,
}

impl Axis {
    /// A linear axis over `[lo, hi]` with at most about eight "nice" ticks.
    pub(crate) fn linear(lo: f64, hi: f64) -> Axis {
        let (lo, hi) = widen(lo, hi);
        let raw = (hi - lo) / 8.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag);
        let first = (lo / step).ceil() as i64;
        let last = (hi / step).floor() as i64;
        let ticks = (first..=last)
            .map(|i| {
                let v = i as f64 * step;
                (v, tick_label(v, step))
            })
            .collect();
        Axis {
            lo,
            hi,
            log: false,
            ticks,
            minor: Vec::new(),
        }
    }

    /// A log axis over `[lo, hi]` (both > 0): ticks at decades, and at 2 and
    /// 5 times them when the range spans less than three decades.
    pub(crate) fn log(lo: f64, hi: f64) -> Axis {
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo / 2.0, hi * 2.0)
        };
        let (d0, d1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
        let mults: &[f64] = match d1 - d0 {
            ..=1 => &[1.0, 2.0, 3.0, 5.0],
            2..=3 => &[1.0, 2.0, 5.0],
            _ => &[1.0],
        };
        let mut ticks = Vec::new();
        let mut minor = Vec::new();
        for d in d0..=d1 {
            let base = 10f64.powi(d);
            for m in 1..10 {
                let v = m as f64 * base;
                if v < lo * (1.0 - 1e-9) || v > hi * (1.0 + 1e-9) {
                    continue;
                }
                if mults.contains(&(m as f64)) {
                    ticks.push((v, short(v)));
                } else {
                    minor.push(v);
                }
            }
        }
        if ticks.len() < 3 {
            // Less than a decade or so: evenly spaced nice values read better.
            ticks = Axis::linear(lo, hi).ticks;
            minor.clear();
        }
        Axis {
            lo,
            hi,
            log: true,
            ticks,
            minor,
        }
    }

    /// A categorical axis: category `i` at `x = i`, range `[-0.5, n - 0.5]`.
    pub(crate) fn categorical(names: &[String]) -> Axis {
        let n = names.len().max(1) as f64;
        Axis {
            lo: -0.5,
            hi: n - 0.5,
            log: false,
            ticks: names
                .iter()
                .enumerate()
                .map(|(i, s)| (i as f64, s.clone()))
                .collect(),
            minor: Vec::new(),
        }
    }

    /// An axis over the finite values given, padded a little on each side;
    /// log if asked and all values are positive. `floor` (e.g. 0) is
    /// included in linear ranges when all values are at or above it.
    pub(crate) fn fit(values: &[f64], log: bool, floor: Option<f64>) -> Axis {
        let (mut lo, mut hi) = values
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        if lo > hi {
            return Axis::linear(floor.unwrap_or(0.0), floor.unwrap_or(0.0) + 1.0);
        }
        if log && lo > 0.0 {
            let pad = (hi / lo).powf(0.04).max(1.15);
            return Axis::log(lo / pad, hi * pad);
        }
        let pad = if hi > lo {
            0.04 * (hi - lo)
        } else {
            0.1 * hi.abs().max(1.0)
        };
        match floor {
            Some(f) if lo >= f => lo = f,
            _ => lo -= pad,
        }
        hi += pad;
        Axis::linear(lo, hi)
    }

    /// Whether the axis is logarithmic.
    pub(crate) fn is_log(&self) -> bool {
        self.log
    }

    /// The position of `v` in `[0, 1]` along the axis.
    fn fraction(&self, v: f64) -> f64 {
        if self.log {
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
}

/// `[lo, hi]` made non-empty.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    if hi > lo {
        (lo, hi)
    } else {
        let d = 0.1 * lo.abs().max(1.0);
        (lo - d, hi + d)
    }
}

/// A tick label for a multiple of `step`: fixed decimals as the step needs,
/// or the short form for very large or very small values.
fn tick_label(v: f64, step: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if v.abs() >= 1e4 || step < 1e-3 {
        return short(v);
    }
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let decimals = if (step * 10f64.powi(decimals as i32)).fract().abs() > 1e-9 {
        decimals + 1
    } else {
        decimals
    };
    format!("{v:.decimals$}")
}

/// A compact label with up to three significant digits: `0.01`, `250`,
/// `5000`, SI suffixes from ten thousand (`10k`, `2.5M`, `1G`, `1T`), and
/// exponents beyond (`1e15`, `2.5e-4`).
pub(crate) fn short(v: f64) -> String {
    let a = v.abs();
    let (div, suffix) = match a {
        1e4..1e6 => (1e3, "k"),
        1e6..1e9 => (1e6, "M"),
        1e9..1e12 => (1e9, "G"),
        1e12..1e15 => (1e12, "T"),
        _ => (1.0, ""),
    };
    format!("{}{suffix}", significant(v / div))
}

/// `v` with three significant digits, plain between 1e-3 and 1e5 and with an
/// exponent otherwise.
fn significant(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 { "0".into() } else { v.to_string() };
    }
    let s = format!("{v:.2e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mant = mant.trim_end_matches('0').trim_end_matches('.');
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-3..5).contains(&exp) {
        let frac_digits = mant.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
        let decimals = (frac_digits - exp).max(0) as usize;
        let m: f64 = mant.parse().unwrap_or(v);
        format!("{:.decimals$}", m * 10f64.powi(exp))
    } else {
        format!("{mant}e{exp}")
    }
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = self.fraction(*value);
        let px = f64::from(limit.0) + t * f64::from(limit.1 - limit.0);
        px.round().clamp(-1e6, 1e6) as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.ticks.iter().map(|t| t.0).collect()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Axis {
    fn format_ext(&self, value: &f64) -> String {
        self.ticks
            .iter()
            .find(|t| (t.0 - value).abs() <= 1e-9 * t.0.abs().max(1e-300))
            .map_or_else(|| short(*value), |t| t.1.clone())
    }
}
