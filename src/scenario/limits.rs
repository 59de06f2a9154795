//! Limits that keep a valid point runnable on one machine: sizes that bound
//! memory, finite positions, a frame that fits its interval, and simulated
//! time within the clock's range. Each problem names the key, the value and
//! the limit (docs/scenarios.md, "Limits").

use super::resolve::Checker;
use super::{Fidelity, RunSettings};
use crate::network::NetParams;
use crate::params::Params;

/// Most antennas of any array (`system.tx_antennas`, `bs_rx_antennas`,
/// `rap_antennas`).
pub const MAX_ANTENNAS: usize = 1024;
/// Most symbols per frame (`system.frame_symbols`).
pub const MAX_FRAME_SYMBOLS: usize = 1_000_000;
/// Most complex values one drop holds at once: the channels and one frame's
/// signals at every node, `(N0 + R N1) (M + L) + M (M + K + L)`. 2^26 values
/// of 16 bytes is 1 GiB per worker thread.
pub const MAX_DROP_VALUES: u64 = 1 << 26;
/// Most drops per point (`run.drops`).
pub const MAX_DROPS: u64 = 1_000_000_000_000_000;
/// The simulated clock counts picoseconds in 64 bits: about 1.8e7 s (213
/// days). A drop's frames must all start within it.
pub const SIM_CLOCK_S: f64 = u64::MAX as f64 * 1e-12;
/// Most points (sweep coordinates times variants) of one scenario.
pub const MAX_POINTS: usize = 100_000;
/// Most characters of `name` and of a variant `label`.
pub const MAX_LABEL_CHARS: usize = 200;
/// Most characters of `description`.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;

/// `x` in the fewest digits that read back to it, in exponent form when
/// `|x| < 1e-4` or `|x| >= 1e15` (`1e-7`, not `0.0000001`).
pub(super) fn num(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || !a.is_finite() || (1e-4..1e15).contains(&a) {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

/// Checks one resolved point against the limits.
pub(super) fn check(p: &Params, net: &NetParams, run: &RunSettings, c: &mut Checker) {
    let s = &p.system;
    for (key, n) in [
        ("system.tx_antennas", s.tx_antennas),
        ("system.bs_rx_antennas", s.bs_rx_antennas),
        ("system.rap_antennas", s.rap_antennas),
    ] {
        c.need(
            n <= MAX_ANTENNAS,
            key,
            n,
            &format!("must be in 1..={MAX_ANTENNAS} (the limit on antennas per array)"),
        );
    }
    let l = s.frame_symbols;
    c.need(
        l <= MAX_FRAME_SYMBOLS,
        "system.frame_symbols",
        l,
        &format!("must be in 1..={MAX_FRAME_SYMBOLS} (the limit on symbols per frame)"),
    );
    let sizes_ok = [s.tx_antennas, s.bs_rx_antennas, s.rap_antennas]
        .iter()
        .all(|&n| n <= MAX_ANTENNAS)
        && l <= MAX_FRAME_SYMBOLS
        && s.raps <= 1024;
    if sizes_ok {
        let (m, n0, n1, r, k) = (
            s.tx_antennas as u64,
            s.bs_rx_antennas as u64,
            s.rap_antennas as u64,
            s.raps as u64,
            s.users as u64,
        );
        let l = l as u64;
        let values = (n0 + r * n1) * (m + l) + m * (m + k + l);
        let key = if l >= m {
            "system.frame_symbols"
        } else {
            "system.tx_antennas"
        };
        let value = if l >= m { l } else { m };
        c.need(
            values <= MAX_DROP_VALUES,
            key,
            value,
            &format!(
                "makes a drop hold (N0 + R N1)(M + L) + M (M + K + L) = {values} complex values \
                 ({:.1} GiB per worker thread); the limit is {MAX_DROP_VALUES} (1 GiB): lower \
                 system.frame_symbols, system.raps, system.rap_antennas, system.bs_rx_antennas \
                 or system.tx_antennas",
                values as f64 * 16.0 / (1u64 << 30) as f64
            ),
        );
    }
    let g = &p.geometry;
    c.need(
        g.array_axis_rad.is_finite(),
        "geometry.array_axis_deg",
        g.array_axis_rad.to_degrees(),
        "must be a finite angle in degrees",
    );
    let pos = |key: &str, xy: &[f64; 2], c: &mut Checker| {
        c.need(
            xy.iter().all(|v| v.is_finite()),
            key,
            format!("[{}, {}]", xy[0], xy[1]),
            "must be a position [x, y] of finite numbers (m)",
        );
    };
    if let Some(t) = &g.target {
        pos("geometry.target", t, c);
    }
    if let Some(b) = &g.bs {
        pos("geometry.bs", b, c);
    }
    for (key, list) in [("geometry.raps", &g.raps), ("geometry.users", &g.users)] {
        for xy in list.iter().flatten() {
            pos(key, xy, c);
        }
    }
    // A frame's air time must fit its interval: the engine would otherwise
    // stretch the interval silently.
    let air = l as f64 * net.symbol_time_s;
    if net.symbol_time_s.is_finite() && net.symbol_time_s > 0.0 && net.frame_interval_s > 0.0 {
        c.need(
            net.frame_interval_s >= air * (1.0 - 1e-12),
            "backhaul.frame_interval_s",
            num(net.frame_interval_s),
            &format!(
                "must be >= a frame's air time, system.frame_symbols x backhaul.symbol_time_s = \
                 {l} x {} s = {} s",
                num(net.symbol_time_s),
                num(air)
            ),
        );
    }
    c.need(
        run.drops <= MAX_DROPS,
        "run.drops",
        run.drops,
        &format!("must be in 1..={MAX_DROPS}"),
    );
    if run.fidelity != Fidelity::Analytic && net.frame_interval_s.is_finite() {
        let step = net.frame_interval_s.max(air);
        let max_frames = (SIM_CLOCK_S / step).floor();
        c.need(
            (run.frames as f64) <= max_frames,
            "run.frames",
            run.frames,
            &format!(
                "must be at most {max_frames:.0}: with backhaul.frame_interval_s = {} s the \
                 frames of a drop would span {:.3e} s, past the simulated clock's range of \
                 {SIM_CLOCK_S:.3e} s (64-bit picoseconds)",
                num(step),
                run.frames as f64 * step
            ),
        );
    }
}
