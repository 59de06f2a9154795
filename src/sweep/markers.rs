//! Capacity markers: on each swept capacity key, the rate the links at that
//! capacity need for the reports they carry ([`binding_need`]).

use crate::network::capacity::{NeedLink, binding_need};
use crate::results::Marker;
use crate::scenario::Point;

/// The markers of `points` (every point of a scenario, so that shards
/// agree): for each swept key ending in `capacity_bps` and each point, the
/// binding need of the links whose capacity is the point's value, labelled
/// with its report (`statistic`, `samples (f32), shared segment`,
/// `symbols (f32, downlink)`); each (key, label, value) once, in order of
/// first appearance.
pub fn capacity_markers(points: &[Point]) -> Vec<Marker> {
    let mut out: Vec<Marker> = Vec::new();
    for p in points {
        let s = &p.setup;
        for (key, value) in &p.coords {
            let Some(c) = key
                .ends_with("capacity_bps")
                .then(|| value.as_float().or(value.as_integer().map(|i| i as f64)))
                .flatten()
            else {
                continue;
            };
            let Some(n) = binding_need(&s.params, &s.net, s.run.frames, c) else {
                continue;
            };
            let value = n.needed_bps();
            let label = match n.link {
                NeedLink::Segment(_) => format!("{}, shared segment", n.report),
                NeedLink::Uplink | NeedLink::Downlink => n.report,
            };
            let m = Marker {
                key: key.clone(),
                value,
                label,
            };
            if m.value.is_finite() && !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}
