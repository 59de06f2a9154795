//! Rayleigh channels with path loss: users' h_k and the BS-RAP direct paths G_r.

use crate::linalg::{CMat, cn_matrix_fast};
use crate::rng::NoiseRng;

/// `H = [h_1, ..., h_K]` (M x K), `h_k = sqrt(m_k) CN(0, I_M)` with `m_k` the path
/// gain at distance `dist_m[k]` (paper Sec. V).
/// Entries come column by column from `rng`'s bulk normals.
pub fn user_channels(rng: &mut NoiseRng, m: usize, gains: &[f64]) -> CMat {
    let mut h = cn_matrix_fast(rng, m, gains.len(), 1.0);
    for (k, &g) in gains.iter().enumerate() {
        h.column_mut(k).scale_mut(g.sqrt());
    }
    h
}

/// The target-free BS-to-RAP channel `G_r` (N1 x M) of eq. (7): the same
/// Rayleigh-with-path-loss model as the users' channels (paper Sec. V).
/// Entries come column by column from `rng`'s bulk normals.
pub fn direct_channel(rng: &mut NoiseRng, n1: usize, m: usize, gain: f64) -> CMat {
    cn_matrix_fast(rng, n1, m, gain)
}
