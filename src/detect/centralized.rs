//! The centralized GLRT over any subset of nodes, eqs. (24)-(25), with the
//! direct path removed by the CC from the known X and G (Sec. III-A).

use crate::linalg::{C64, CMat, CVec, dotc};
use crate::radio::Scene;

/// The matched-filter output `Z conj(u)` (N_r entries): everything the
/// detectors need from a frame's samples.
pub fn matched(z: &CMat, u: &CVec) -> CVec {
    crate::linalg::mul_conj_vec(z, u)
}

/// Node r's term of eq. (25): `|b_r^H (Z_r - G_r X) conj(u)|^2 / (sigma^2 ||b_r||^2 ||u||^2)`.
/// `direct` is `(G_r, X conj(u))` for a RAP and `None` for the BS; the CC removes
/// `G_r X conj(u) = G_r (X conj(u))` without forming `G_r X`. Exp(1) under H0.
pub fn glrt_term(
    b: &CVec,
    y: &CVec,
    direct: Option<(&CMat, &CVec)>,
    u_norm2: f64,
    noise_w: f64,
) -> f64 {
    let mut v = dotc(b.as_slice(), y.as_slice());
    if let Some((g, xu)) = direct {
        let gxu = g * xu;
        v -= dotc(b.as_slice(), gxu.as_slice());
    }
    v.norm_sqr() / (noise_w * b.norm_squared() * u_norm2)
}

/// Eq. (25) over the nodes in `obs` (node index, its N_r x L samples): the
/// sum of [`glrt_term`]s, because A[l] is block diagonal. Gamma(n, 1) under H0.
pub fn glrt(scene: &Scene, x: &CMat, u: &CVec, obs: &[(usize, &CMat)], noise_w: f64) -> f64 {
    let u2 = u.norm_squared();
    let xu = x * u.conjugate();
    obs.iter()
        .map(|&(r, z)| {
            let direct = (r > 0).then(|| (&scene.g[r - 1], &xu));
            glrt_term(&scene.b[r], &matched(z, u), direct, u2, noise_w)
        })
        .sum()
}

/// Eqs. (13)-(14), (24)-(25) computed literally: stack `z[l]` (direct path
/// removed), build the block-diagonal `A[l]`, and evaluate
/// `(sum z^H A)(sum A^H A)^-1 (sum A^H z) / sigma^2`. The slow, obvious reference
/// for [`glrt`].
pub fn glrt_literal(scene: &Scene, x: &CMat, obs: &[(usize, &CMat)], noise_w: f64) -> f64 {
    let n = obs.len();
    let rows: usize = obs.iter().map(|(r, _)| scene.b[*r].len()).sum();
    let mut aha = CMat::zeros(n, n);
    let mut ahz = CVec::zeros(n);
    for l in 0..x.ncols() {
        let xl = x.column(l);
        let ax: C64 = (scene.a.adjoint() * xl)[(0, 0)];
        let mut a_l = CMat::zeros(rows, n);
        let mut z_l = CVec::zeros(rows);
        let mut row = 0;
        for (i, &(r, z)) in obs.iter().enumerate() {
            let b = &scene.b[r];
            let mut zc = z.column(l).into_owned();
            if r > 0 {
                zc -= &scene.g[r - 1] * xl;
            }
            a_l.view_mut((row, i), (b.len(), 1)).copy_from(&(b * ax));
            z_l.rows_mut(row, b.len()).copy_from(&zc);
            row += b.len();
        }
        aha += a_l.adjoint() * &a_l;
        ahz += a_l.adjoint() * &z_l;
    }
    let sol = aha
        .lu()
        .solve(&ahz)
        .expect("A^H A is diagonal and positive");
    (ahz.adjoint() * sol)[(0, 0)].re / noise_w
}
