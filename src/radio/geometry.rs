//! Node placement, distances, angles from broadside, and the path-loss model.

use crate::params::GeometryParams;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// The speed of light in vacuum (m/s): propagation delays and wavelengths.
pub const SPEED_OF_LIGHT: f64 = 299_792_458.0;

/// Positions (m) of every node in one drop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// The DFRC base station.
    pub bs: [f64; 2],
    /// RAP r at index r - 1.
    pub raps: Vec<[f64; 2]>,
    /// User k at index k - 1.
    pub users: Vec<[f64; 2]>,
    /// The target.
    pub target: [f64; 2],
}

/// Placement could not respect the minimum distance.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeometryError {
    /// Rejection sampling gave up.
    #[error(
        "could not place {what} at least {min_m} m from every other node in a {region_m} m region after {tries} tries"
    )]
    Crowded {
        /// Which node.
        what: String,
        /// The minimum distance.
        min_m: f64,
        /// The region side.
        region_m: f64,
        /// Attempts made.
        tries: usize,
    },
}

/// Distance between two points (m).
pub fn distance(p: [f64; 2], q: [f64; 2]) -> f64 {
    (p[0] - q[0]).hypot(p[1] - q[1])
}

/// Sine of the angle, from broadside, of `to` seen from an array at `from`
/// whose axis points at `axis_rad`: the unit direction's component along the
/// axis. This is the `sin(.)` in eqs. (5)-(9).
pub fn sin_angle(from: [f64; 2], to: [f64; 2], axis_rad: f64) -> f64 {
    let d = distance(from, to);
    if d == 0.0 {
        return 0.0;
    }
    ((to[0] - from[0]) * axis_rad.cos() + (to[1] - from[1]) * axis_rad.sin()) / d
}

/// Path loss `128.1 + 37.6 log10(d_km)` dB (paper Sec. V), distance clipped below at `min_m`.
pub fn path_loss_db(d_m: f64, min_m: f64) -> f64 {
    128.1 + 37.6 * (d_m.max(min_m).max(1e-3) / 1000.0).log10()
}

/// Path loss applied as a loss: power gain `10^(-PL/10)` (docs/model.md §6.2).
pub fn path_gain(d_m: f64, min_m: f64) -> f64 {
    10f64.powf(-path_loss_db(d_m, min_m) / 10.0)
}

const MAX_TRIES: usize = 100_000;

impl Layout {
    /// Draws a layout: given positions are kept, the rest are uniform in the
    /// region, each at least `min_distance_m` from every node placed before it
    /// and from the target. Order: target, BS, RAPs, users.
    pub fn draw<R: Rng + ?Sized>(
        g: &GeometryParams,
        users: usize,
        raps: usize,
        rng: &mut R,
    ) -> Result<Layout, GeometryError> {
        let side = g.region_m;
        let target = g.target.unwrap_or([side / 2.0, side / 2.0]);
        let mut placed = vec![target];
        let min_sq = g.min_distance_m * g.min_distance_m;
        // `what` names the node only if placement fails (no string per node).
        let mut place = |fixed: Option<[f64; 2]>, what: &dyn Fn() -> String, rng: &mut R| {
            if let Some(p) = fixed {
                placed.push(p);
                return Ok(p);
            }
            for _ in 0..MAX_TRIES {
                let p = [rng.random::<f64>() * side, rng.random::<f64>() * side];
                // Squared distances: the same test as `distance(p, q) >= d`
                // up to rounding, without `hypot`.
                let far = |q: [f64; 2]| {
                    let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
                    dx * dx + dy * dy >= min_sq
                };
                if placed.iter().all(|&q| far(q)) {
                    placed.push(p);
                    return Ok(p);
                }
            }
            Err(GeometryError::Crowded {
                what: what(),
                min_m: g.min_distance_m,
                region_m: side,
                tries: MAX_TRIES,
            })
        };
        let bs = place(g.bs, &|| "the BS".into(), rng)?;
        let mut rap_pos = Vec::with_capacity(raps);
        for r in 0..raps {
            let fixed = g.raps.as_ref().map(|v| v[r]);
            rap_pos.push(place(fixed, &|| format!("RAP {}", r + 1), rng)?);
        }
        let mut user_pos = Vec::with_capacity(users);
        for k in 0..users {
            let fixed = g.users.as_ref().map(|v| v[k]);
            user_pos.push(place(fixed, &|| format!("user {}", k + 1), rng)?);
        }
        Ok(Layout {
            bs,
            raps: rap_pos,
            users: user_pos,
            target,
        })
    }

    /// Position of sensing node `r` (0 is the BS).
    pub fn node(&self, r: usize) -> [f64; 2] {
        if r == 0 { self.bs } else { self.raps[r - 1] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn path_loss_is_a_loss() {
        assert!((path_loss_db(1000.0, 10.0) - 128.1).abs() < 1e-12);
        assert!((path_gain(1000.0, 10.0) - 10f64.powf(-12.81)).abs() < 1e-25);
        assert!(path_gain(100.0, 10.0) > path_gain(200.0, 10.0));
        assert_eq!(path_loss_db(1.0, 10.0), path_loss_db(10.0, 10.0));
    }

    #[test]
    fn angles_follow_the_axis_convention() {
        // Target straight along +x from an x-axis array: endfire, sin = 1.
        assert!((sin_angle([0.0, 0.0], [5.0, 0.0], 0.0) - 1.0).abs() < 1e-15);
        // Along +y: broadside, sin = 0.
        assert!(sin_angle([0.0, 0.0], [0.0, 5.0], 0.0).abs() < 1e-15);
    }

    #[test]
    fn random_layouts_respect_the_minimum_distance() {
        let p = Params::paper();
        let mut rng = crate::rng::stream(1, &[crate::rng::STREAM_TEST]);
        for _ in 0..50 {
            let l = Layout::draw(&p.geometry, 8, 10, &mut rng).unwrap();
            let mut all = vec![l.target, l.bs];
            all.extend(&l.raps);
            all.extend(&l.users);
            for i in 0..all.len() {
                for j in 0..i {
                    assert!(distance(all[i], all[j]) >= 10.0);
                }
                assert!(all[i].iter().all(|&c| (0.0..=500.0).contains(&c)));
            }
        }
    }

    #[test]
    fn an_impossible_layout_is_an_error() {
        let mut g = Params::paper().geometry;
        g.region_m = 20.0;
        g.min_distance_m = 9.0;
        let mut rng = crate::rng::stream(1, &[crate::rng::STREAM_TEST]);
        let e = Layout::draw(&g, 8, 10, &mut rng).unwrap_err();
        assert!(e.to_string().contains("could not place"));
    }
}
