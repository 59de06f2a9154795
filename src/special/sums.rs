//! Tail of a sum of independent exponentials with arbitrary (possibly equal) means.

/// `P(sum_i E_i > x)` with independent `E_i ~ Exp(mean = means[i])`, all means > 0.
/// Robust to equal and nearly equal means.
pub fn sum_exp_sf(means: &[f64], x: f64) -> f64 {
    let _ = (means, x);
    todo!("helper: special")
}
