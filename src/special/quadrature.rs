//! Gauss quadrature for expectations over a Gamma(shape, 1) variable.

/// Nodes and weights of generalized Gauss-Laguerre quadrature normalized so that
/// `sum_i w_i f(x_i) ~= E[f(G)]` with `G ~ Gamma(shape, 1)`.
#[derive(Debug, Clone)]
pub struct GammaQuadrature {
    /// Abscissae, ascending.
    pub nodes: Vec<f64>,
    /// Weights, summing to one.
    pub weights: Vec<f64>,
}

impl GammaQuadrature {
    /// An `n`-point rule for `Gamma(shape, 1)`, `shape > 0`.
    pub fn new(shape: f64, n: usize) -> Self {
        let _ = (shape, n);
        todo!("helper: special")
    }

    /// `E[f(G)]` by the rule.
    pub fn expect(&self, f: impl Fn(f64) -> f64) -> f64 {
        self.nodes.iter().zip(&self.weights).map(|(&x, &w)| w * f(x)).sum()
    }
}
