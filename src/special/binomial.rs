//! Binomial and Poisson-binomial tails, stable for large n.

/// `P(X >= k)` for `X ~ Bin(n, p)`.
pub fn binomial_sf(n: u64, k: u64, p: f64) -> f64 {
    let _ = (n, k, p);
    todo!("helper: special")
}

/// PMF of the number of successes among independent Bernoulli(`p[i]`) trials.
pub fn poisson_binomial_pmf(p: &[f64]) -> Vec<f64> {
    let _ = p;
    todo!("helper: special")
}

/// `P(sum_i B_i >= k)` with independent `B_i ~ Bernoulli(p[i])`.
pub fn poisson_binomial_sf(p: &[f64], k: usize) -> f64 {
    let _ = (p, k);
    todo!("helper: special")
}
