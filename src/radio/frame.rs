//! One frame: symbols S, the DFRC signal X = W S (eq. 1), and what each sensing
//! node receives, eq. (4) at the BS and eq. (7) at RAP r.

use super::{Scene, TargetModel, draw_alpha};
use crate::linalg::{C64, CMat, CVec, cn, fill_cn, mul};
use rand::Rng;

/// Complex Gaussian symbols, `beams x L`, i.i.d. CN(0, 1): `(1/L) E[S S^H] = I`.
pub fn draw_symbols<R: Rng + ?Sized>(rng: &mut R, beams: usize, l: usize) -> CMat {
    let mut s = CMat::zeros(beams, l);
    fill_cn(rng, s.as_mut_slice(), 1.0);
    s
}

/// `X = W S`, eq. (1): M x L.
pub fn transmit(w: &CMat, s: &CMat) -> CMat {
    mul(w, s)
}

/// The waveform the target reflects: `u_l = a^H X[l]`, length L. The echo at a
/// node with receive steering b is `alpha b u^T` (eqs. 4, 7, 12).
pub fn target_waveform(a: &CVec, x: &CMat) -> CVec {
    (x.adjoint() * a).conjugate()
}

/// What node `r` receives over one frame (N_r x L): `alpha b_r u^T`
/// + `G_r X` (RAPs only, eq. 7) + CN(0, `noise_w`) noise. `alpha = None` is H0.
pub fn observe_node<R: Rng + ?Sized>(
    scene: &Scene,
    r: usize,
    x: &CMat,
    u: &CVec,
    alpha: Option<C64>,
    noise_w: f64,
    rng: &mut R,
) -> CMat {
    let b = &scene.b[r];
    let mut z = if r == 0 {
        CMat::zeros(b.len(), x.ncols())
    } else {
        mul(&scene.g[r - 1], x)
    };
    if let Some(al) = alpha {
        // nalgebra's ger is z <- al * b * u^T + 1 * z (transpose, not adjoint).
        z.ger(al, b, u, C64::new(1.0, 0.0));
    }
    for v in z.as_mut_slice() {
        *v += cn(rng, noise_w);
    }
    z
}

/// A whole frame drawn from one generator: symbols, target gains, every node's
/// observation. The engine draws these pieces from separate streams instead.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Symbols S, (K+1) x L.
    pub s: CMat,
    /// Transmitted X = W S, M x L.
    pub x: CMat,
    /// Target waveform u (length L).
    pub u: CVec,
    /// alpha_r per node; empty under H0.
    pub alpha: Vec<C64>,
    /// Observation of node r, N_r x L.
    pub z: Vec<CMat>,
}

impl Frame {
    /// Draws symbols, then (if `target`) alpha_0..alpha_R, then node 0..R's noise.
    pub fn draw<R: Rng + ?Sized>(
        scene: &Scene,
        w: &CMat,
        l: usize,
        target: Option<TargetModel>,
        noise_w: f64,
        rng: &mut R,
    ) -> Frame {
        let s = draw_symbols(rng, w.ncols(), l);
        let x = transmit(w, &s);
        let u = target_waveform(&scene.a, &x);
        let alpha: Vec<C64> = match target {
            Some(model) => scene
                .alpha_var
                .iter()
                .map(|&v| draw_alpha(model, v, rng))
                .collect(),
            None => Vec::new(),
        };
        let z = (0..scene.nodes())
            .map(|r| observe_node(scene, r, &x, &u, alpha.get(r).copied(), noise_w, rng))
            .collect();
        Frame { s, x, u, alpha, z }
    }
}
