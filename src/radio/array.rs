//! Uniform linear array steering vectors, eqs. (5), (6), (9).

use crate::linalg::{C64, CVec};

/// `[1, e^{j 2 pi delta s}, ..., e^{j 2 pi (n-1) delta s}]^T` with `s = sin(angle)`.
/// Eq. (5) for `a(theta)` (n = M), (6) for `b0` (n = N0), (9) for `b1` (n = N1).
pub fn steering(n: usize, spacing: f64, sin_angle: f64) -> CVec {
    let step = 2.0 * std::f64::consts::PI * spacing * sin_angle;
    CVec::from_fn(n, |m, _| C64::from_polar(1.0, step * m as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadside_is_all_ones_and_norm_is_n() {
        let a = steering(16, 0.5, 0.0);
        assert!(a.iter().all(|z| (*z - C64::new(1.0, 0.0)).norm() < 1e-15));
        let b = steering(20, 0.5, 0.37);
        assert!((b.norm_squared() - 20.0).abs() < 1e-12);
        // Half-wavelength spacing, endfire: alternating signs.
        let e = steering(4, 0.5, 1.0);
        assert!((e[1] - C64::new(-1.0, 0.0)).norm() < 1e-12);
    }
}
