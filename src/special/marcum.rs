//! Generalized Marcum Q function as a Poisson mixture of gamma tails.

/// Generalized Marcum `Q_m(a, b)`, `m >= 1`: the survival function of a noncentral
/// chi-square with `2m` degrees of freedom and noncentrality `a^2`, at `b^2`.
pub fn marcum_q(m: u32, a: f64, b: f64) -> f64 {
    let _ = (m, a, b);
    todo!("helper: special")
}
