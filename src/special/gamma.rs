//! Upper tail and its inverse for Gamma(n, 1) with integer shape n.

/// `P(Gamma(n, 1) > x)` for integer `n >= 1`, i.e. the Poisson CDF
/// `exp(-x) sum_{k<n} x^k / k!`. Accurate in the far tail (relative error, not absolute).
pub fn gamma_sf_int(n: u32, x: f64) -> f64 {
    let _ = (n, x);
    todo!("helper: special")
}

/// The `t` with `gamma_sf_int(n, t) == p`, for `p` in (0, 1).
pub fn gamma_isf_int(n: u32, p: f64) -> f64 {
    let _ = (n, p);
    todo!("helper: special")
}
