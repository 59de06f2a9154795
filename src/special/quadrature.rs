//! Gauss quadrature for expectations over a Gamma(shape, 1) variable.
//!
//! Generalized Gauss-Laguerre rule for the weight `x^alpha e^{-x}`, `alpha = shape - 1`,
//! by the Golub-Welsch algorithm (Golub & Welsch, Math. Comp. 23, 1969): the nodes are
//! the eigenvalues of the symmetric tridiagonal Jacobi matrix of the monic Laguerre
//! recurrence (diagonal `2i + alpha + 1`, off-diagonal `sqrt((i+1)(i+1+alpha))`), and each
//! weight is `mu_0 * v_0^2` with `v` the normalized eigenvector; dividing by
//! `mu_0 = Gamma(shape)` turns it into an expectation under Gamma(shape, 1).

use nalgebra::{DMatrix, SymmetricEigen};

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
    ///
    /// Exact for polynomials of degree `< 2n`.
    pub fn new(shape: f64, n: usize) -> Self {
        assert!(
            shape > 0.0 && shape.is_finite(),
            "GammaQuadrature: shape must be > 0"
        );
        assert!(n >= 1, "GammaQuadrature: need at least one node");
        let alpha = shape - 1.0;
        let jacobi = DMatrix::from_fn(n, n, |i, j| {
            if i == j {
                2.0 * i as f64 + alpha + 1.0
            } else if i.abs_diff(j) == 1 {
                let k = i.max(j) as f64;
                (k * (k + alpha)).sqrt()
            } else {
                0.0
            }
        });
        let eig = SymmetricEigen::new(jacobi);
        let mut pairs: Vec<(f64, f64)> = (0..n)
            .map(|i| (eig.eigenvalues[i], eig.eigenvectors[(0, i)].powi(2)))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        // The eigenvectors are unit vectors, so the weights already sum to 1 up to
        // rounding; renormalize to make it exact.
        let total: f64 = pairs.iter().map(|p| p.1).sum();
        Self {
            nodes: pairs.iter().map(|p| p.0).collect(),
            weights: pairs.iter().map(|p| p.1 / total).collect(),
        }
    }

    /// The rule for `(shape, n)`, built once per thread and shared after
    /// (a rule costs an `n x n` eigen-decomposition; drops ask for the same
    /// one again and again).
    pub fn cached(shape: f64, n: usize) -> std::rc::Rc<GammaQuadrature> {
        use std::cell::RefCell;
        use std::collections::HashMap;
        use std::rc::Rc;
        thread_local! {
            static RULES: RefCell<HashMap<(u64, usize), Rc<GammaQuadrature>>> =
                RefCell::new(HashMap::new());
        }
        RULES.with(|r| {
            r.borrow_mut()
                .entry((shape.to_bits(), n))
                .or_insert_with(|| Rc::new(GammaQuadrature::new(shape, n)))
                .clone()
        })
    }

    /// `E[f(G)]` by the rule.
    pub fn expect(&self, f: impl Fn(f64) -> f64) -> f64 {
        self.nodes
            .iter()
            .zip(&self.weights)
            .map(|(&x, &w)| w * f(x))
            .sum()
    }
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values keep all their digits
mod tests {
    use super::*;
    use crate::special::rel_err as rel;

    #[test]
    fn moments_and_laplace_transform() {
        let q = GammaQuadrature::new(30.0, 32);
        assert_eq!(q.nodes.len(), 32);
        assert!(q.nodes.windows(2).all(|w| w[0] < w[1]));
        assert!(q.nodes[0] > 0.0 && q.weights.iter().all(|&w| w > 0.0));
        assert!((q.weights.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        // Exact Gamma(30,1) moments: E[G] = 30, E[G^2] = 30*31, E[G^5] = 30*31*32*33*34.
        assert!(rel(q.expect(|x| x), 30.0) < 1e-13);
        assert!(rel(q.expect(|x| x * x), 930.0) < 1e-13);
        assert!(rel(q.expect(|x| x.powi(5)), 30.0 * 31.0 * 32.0 * 33.0 * 34.0) < 1e-12);
        // Laplace transform E[exp(-tG)] = (1+t)^-30 (not a polynomial: tolerance from
        // the rule's error, observed well below the bound used here).
        for t in [0.05_f64, 0.2, 0.5] {
            let want = (1.0 + t).powf(-30.0);
            assert!(rel(q.expect(|x| (-t * x).exp()), want) < 1e-10, "t={t}");
        }
    }

    #[test]
    fn small_shape_and_single_node() {
        // Exp(1) (shape 1): E[G] = 1, E[G^3] = 6; one node sits at the mean.
        let q = GammaQuadrature::new(1.0, 8);
        assert!(rel(q.expect(|x| x.powi(3)), 6.0) < 1e-13);
        let one = GammaQuadrature::new(2.5, 1);
        assert!(rel(one.nodes[0], 2.5) < 1e-15 && one.weights[0] == 1.0);
        // Shape 0.5: E[G^2] = 0.5 * 1.5.
        let h = GammaQuadrature::new(0.5, 10);
        assert!(rel(h.expect(|x| x * x), 0.75) < 1e-13);
    }
}
