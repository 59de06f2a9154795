//! Per-drop link budget: the quantities every analytic Pd needs.

use crate::detect::{LocalDetector, LocalFilter};
use crate::linalg::{CMat, CVec};
use crate::radio::Scene;
use crate::special::GammaQuadrature;

/// One node's share of the link budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeBudget {
    /// `E|alpha_r|^2`.
    pub alpha_var: f64,
    /// `||b_r||^2 = N_r`: the array gain after the CC removes the direct path.
    pub central_gain: f64,
    /// Quantization noise the node's sample batches add per sample (W): the
    /// CC adds it to the noise of the node's centralized term (0 for f64 and
    /// f32 batches).
    pub quantization_w: f64,
    /// `|q^H b_r|^2 / ||q||^2`: the array gain through the local filter q.
    pub local_gain: f64,
    /// `b_r^H Q^_r^-1 b_r` (eq. 44; `N0 / sigma^2` for the BS, eq. 45), so that the
    /// paper's `rho_r = E|alpha_r|^2 L a^H W W^H a * paper_local`.
    pub paper_local: f64,
}

/// What the analytic detection probabilities of one drop depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkBudget {
    /// `a^H W W^H a`: power per symbol towards the target.
    pub target_power: f64,
    /// L.
    pub frame_symbols: usize,
    /// sigma_s^2.
    pub noise_w: f64,
    /// Node 0 (BS) .. R.
    pub nodes: Vec<NodeBudget>,
}

/// How the realized symbol energy `||u||^2 = ||X^H a||^2` is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gram {
    /// `||u||^2 = L a^H W W^H a`, the `(1/L) S S^H = I` approximation of Sec. II-A.
    Nominal,
    /// `||u||^2 / (a^H W W^H a) ~ Gamma(L, 1)` exactly for Gaussian symbols;
    /// Pd is averaged over it with an n-point Gauss-Laguerre rule.
    Random(usize),
}

impl Gram {
    /// `E[f(g)]` over the symbol-energy factor g (`||u||^2 / a^H W W^H a`).
    pub fn expect(self, l: usize, f: impl Fn(f64) -> f64) -> f64 {
        match self {
            Gram::Nominal => f(l as f64),
            Gram::Random(n) => GammaQuadrature::cached(l as f64, n).expect(f),
        }
    }
}

impl LinkBudget {
    /// The budget of `scene` under precoder `w` (eq. 1) and sensing noise `noise_w`,
    /// with local filters built as `filter` says.
    pub fn new(scene: &Scene, w: &CMat, noise_w: f64, l: usize, filter: LocalFilter) -> Self {
        let detectors: Vec<LocalDetector> = (0..scene.nodes())
            .map(|r| LocalDetector::new(scene, r, w, noise_w, filter))
            .collect();
        Self::with_detectors(scene, w, noise_w, l, &detectors)
    }

    /// The same budget from the nodes' detectors, already built (index r is
    /// node r).
    pub fn with_detectors(
        scene: &Scene,
        w: &CMat,
        noise_w: f64,
        l: usize,
        detectors: &[LocalDetector],
    ) -> Self {
        let nodes = (0..scene.nodes())
            .map(|r| {
                let b: &CVec = &scene.b[r];
                let det = &detectors[r];
                let paper_local = if r == 0 {
                    b.norm_squared() / noise_w
                } else if det.kind() == LocalFilter::Whitened {
                    // q = Q^-1 b already.
                    crate::linalg::dotc(b.as_slice(), det.filter().as_slice()).re
                } else {
                    let x = scene.whitened(r, w, noise_w);
                    crate::linalg::dotc(b.as_slice(), x.as_slice()).re
                };
                NodeBudget {
                    alpha_var: scene.alpha_var[r],
                    central_gain: b.norm_squared(),
                    quantization_w: 0.0,
                    local_gain: det.gain(),
                    paper_local,
                }
            })
            .collect();
        LinkBudget {
            target_power: scene.target_power(w),
            frame_symbols: l,
            noise_w,
            nodes,
        }
    }

    /// Centralized per-node SNR for symbol-energy factor `g`:
    /// `E|alpha_r|^2 N_r a^H W W^H a g / (sigma^2 + q_r)` (L sigma_rcs^2 d^H C^-1 d
    /// at g = L), `q_r` the node's quantization noise.
    pub fn snr_central(&self, r: usize, g: f64) -> f64 {
        let n = &self.nodes[r];
        n.alpha_var * n.central_gain * self.target_power * g / (self.noise_w + n.quantization_w)
    }

    /// Local-detector SNR for symbol-energy factor `g`.
    pub fn snr_local(&self, r: usize, g: f64) -> f64 {
        let n = &self.nodes[r];
        n.alpha_var * n.local_gain * self.target_power * g / self.noise_w
    }
}
