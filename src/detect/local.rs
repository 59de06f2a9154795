//! The local GLRT at one node, eqs. (35)-(42): whiten against the direct path,
//! match the known target waveform, normalize to an exact Exp(1) null.

use super::centralized::matched;

/// `(G^H q)^H xu = q^H G xu`.
fn dotc_row(gq: &CVec, xu: &CVec) -> C64 {
    dotc(gq.as_slice(), xu.as_slice())
}
use crate::linalg::{C64, CMat, CVec, dotc};
use crate::radio::Scene;
use serde::{Deserialize, Serialize};

/// How a RAP deals with the direct path `G_r X` before its local test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalFilter {
    /// Eq. (42): whiten with `Q^_r = G_r W W^H G_r^H + sigma^2 I` (eq. 37), i.e.
    /// `q = Q^_r^-1 b1(phi_r)`. Nulls the direct path only as far as the
    /// interference-to-noise ratio is high.
    Whitened,
    /// Project `b1(phi_r)` onto the null space of `G_r`: the high-INR limit of
    /// `Whitened`, exact at any INR, needs N1 > M.
    Projection,
    /// The RAP knows `G_r` (as the CC does in Sec. III-A) and subtracts `G_r X`.
    Cancel,
}

/// A node's local detector for one drop and power allocation.
#[derive(Debug, Clone)]
pub struct LocalDetector {
    /// The spatial filter q.
    q: CVec,
    /// `q^H G_r` when the filter cancels the direct path (1 x M).
    cancel_row: Option<CVec>,
    /// `sigma^2 ||q||^2`: the noise variance of `q^H n` per unit `||u||^2`.
    scale: f64,
    /// `|q^H b|^2 / ||q||^2`: the array gain the target sees through q.
    gain: f64,
    /// The filter it was built with.
    kind: LocalFilter,
}

impl LocalDetector {
    /// The detector at node `r` (0 = BS, which has no direct path and uses
    /// `q = b0`), for precoder `w` and sensing noise `noise_w`.
    pub fn new(scene: &Scene, r: usize, w: &CMat, noise_w: f64, filter: LocalFilter) -> Self {
        let gw = (r > 0 && filter == LocalFilter::Whitened)
            .then(|| crate::linalg::mul(&scene.g[r - 1], w));
        Self::with_direct(scene, r, gw.as_ref(), noise_w, filter)
    }

    /// [`LocalDetector::new`] with the RAP's `G_r W` already computed
    /// (`None` at the BS; only the whitened filter reads it).
    pub fn with_direct(
        scene: &Scene,
        r: usize,
        gw: Option<&CMat>,
        noise_w: f64,
        filter: LocalFilter,
    ) -> Self {
        let b = &scene.b[r];
        let (q, cancel) = if r == 0 {
            (b.clone(), None)
        } else {
            let g = &scene.g[r - 1];
            match filter {
                LocalFilter::Whitened => {
                    let gw = gw.expect("the whitened filter needs G_r W");
                    (scene.whitened_with(r, gw, noise_w), None)
                }
                LocalFilter::Projection => {
                    let basis = g.clone().qr().q();
                    let mut q = b.clone();
                    for _ in 0..2 {
                        let c = basis.adjoint() * &q;
                        q -= &basis * c;
                    }
                    (q, None)
                }
                LocalFilter::Cancel => (b.clone(), Some(g.clone())),
            }
        };
        let q2 = q.norm_squared();
        let gain = if q2 > 0.0 {
            dotc(q.as_slice(), b.as_slice()).norm_sqr() / q2
        } else {
            0.0
        };
        // q^H G_r, stored as its conjugate transpose G_r^H q so that
        // `q^H G_r xu` is one dot product.
        let cancel_row = cancel.map(|g: CMat| crate::linalg::ad_mul_vec(&g, &q));
        LocalDetector {
            q,
            cancel_row,
            scale: noise_w * q2,
            gain,
            kind: if r == 0 { LocalFilter::Cancel } else { filter },
        }
    }

    /// The local statistic of eq. (42) in the form
    /// `|q^H (Z conj(u) - [G X conj(u)])|^2 / (sigma^2 ||q||^2 ||u||^2)`: the
    /// rank-one `C^-1 d` makes the matched filter of eq. (35) unnecessary
    /// (docs/model.md §3), and normalizing by the realized
    /// `||u||^2 = ||X^H a||^2` makes the noise part exactly Exp(1) under H0.
    /// `xu = X conj(u)` (the direct path is subtracted only by the `cancel`
    /// filter). This value is also the soft statistic a node can report
    /// instead of a bit.
    pub fn statistic(&self, z: &CMat, xu: &CVec, u: &CVec) -> f64 {
        let y = matched(z, u);
        self.statistic_projected(dotc(self.q.as_slice(), y.as_slice()), xu, u.norm_squared())
    }

    /// The same statistic from the projection `y_q = q^H Z conj(u)` alone:
    /// what the statistic level hands a node instead of its samples.
    pub fn statistic_projected(&self, y_q: C64, xu: &CVec, u_norm2: f64) -> f64 {
        let v = match &self.cancel_row {
            Some(qg) => y_q - dotc_row(qg, xu),
            None => y_q,
        };
        v.norm_sqr() / (self.scale * u_norm2)
    }

    /// `|q^H b|^2 / ||q||^2`: multiply by `E|alpha|^2 ||u||^2 / sigma^2` for the SNR.
    pub fn gain(&self) -> f64 {
        self.gain
    }

    /// The filter vector q.
    pub fn filter(&self) -> &CVec {
        &self.q
    }

    /// The filter it was built with (the BS, which has no direct path,
    /// reports `Cancel`: it uses q = b).
    pub fn kind(&self) -> LocalFilter {
        self.kind
    }

    /// Whether it subtracts the direct path itself (the `cancel` filter).
    pub fn cancels(&self) -> bool {
        self.cancel_row.is_some()
    }
}
