//! Transmit precoders: RZF for the users, eq. (10), and the zero-forcing
//! projection for the sensing beam (eq. 11 corrected, docs/model.md §6.1).

use crate::linalg::{C64, CMat, CVec};

/// Normalized RZF precoders `w~_k = w_k / ||w_k||`, `w_k = (H H^H + lambda I)^-1 h_k`,
/// eq. (10), computed through the push-through identity
/// `(H H^H + lambda I_M)^-1 H = H (H^H H + lambda I_K)^-1`: a K x K solve. With
/// `lambda = 0` it is zero forcing. `h` is M x K with K <= M; returns M x K.
pub fn rzf(h: &CMat, lambda: f64) -> CMat {
    let k = h.ncols();
    let gram = h.adjoint() * h + CMat::identity(k, k) * C64::new(lambda, 0.0);
    let mut w = match gram.clone().cholesky() {
        Some(ch) => h * ch.inverse(),
        // Rank-deficient users' channels with lambda = 0: use LU, then zeros.
        None => h * gram.lu().try_inverse().unwrap_or_else(|| CMat::zeros(k, k)),
    };
    for mut col in w.column_iter_mut() {
        let n = col.norm();
        if n > 0.0 {
            col.unscale_mut(n);
        }
    }
    w
}

/// The sensing beam: `w~_0 = P a / ||P a||` with `P = I - H (H^H H)^-1 H^H`, the
/// projection onto the null space of the users' channels, computed with a QR
/// factorization. The printed eq. (11), `(I - H H^H)^-1 a`, does not null the
/// users (docs/model.md §6.1). Returns the zero vector when `a` lies in the
/// users' span (for example K = M): the sensing beam then carries nothing.
pub fn zf_sensing(h: &CMat, a: &CVec) -> CVec {
    let k = h.ncols();
    let q = h.clone().qr().q(); // M x K, orthonormal columns spanning range(H)
    let mut w = a.clone();
    // Two passes of Gram-Schmidt keep the residual at machine precision.
    for _ in 0..2 {
        let coef = q.columns(0, k).adjoint() * &w;
        w -= q.columns(0, k) * coef;
    }
    let n = w.norm();
    if n <= 1e-10 * a.norm() {
        return CVec::zeros(a.len());
    }
    w.unscale(n)
}
