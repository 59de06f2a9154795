//! Special functions and exact tails: gamma, Marcum Q, sums of exponentials, binomials.
//!
//! statrs has no noncentral chi-square or Marcum Q, and its gamma quantile loses
//! digits far in the tail, so the laws the detectors need are implemented here,
//! each with unit tests against independent values.

mod binomial;
mod gamma;
mod marcum;
mod quadrature;
mod sums;

pub use binomial::{binomial_sf, poisson_binomial_pmf, poisson_binomial_sf};
pub use gamma::{gamma_isf_int, gamma_sf_int, ln_gamma_sf_int};
pub use marcum::marcum_q;
pub use quadrature::GammaQuadrature;
pub use sums::sum_exp_sf;

/// Relative error of `a` against the reference `b`, for tests.
#[cfg(test)]
pub(crate) fn rel_err(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}
