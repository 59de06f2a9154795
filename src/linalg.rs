//! Complex matrix aliases and circularly-symmetric Gaussian fills.

use nalgebra::{DMatrix, DVector};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// A complex double.
pub type C64 = num_complex::Complex64;
/// A dense complex matrix.
pub type CMat = DMatrix<C64>;
/// A dense complex column vector.
pub type CVec = DVector<C64>;

/// One draw of CN(0, var): real and imaginary parts each N(0, var / 2).
#[inline]
pub fn cn<R: Rng + ?Sized>(rng: &mut R, var: f64) -> C64 {
    let s = (var * 0.5).sqrt();
    let re: f64 = StandardNormal.sample(rng);
    let im: f64 = StandardNormal.sample(rng);
    C64::new(s * re, s * im)
}

/// A `rows x cols` matrix of i.i.d. CN(0, var) entries, filled column by column.
pub fn cn_matrix<R: Rng + ?Sized>(rng: &mut R, rows: usize, cols: usize, var: f64) -> CMat {
    let mut m = CMat::zeros(rows, cols);
    fill_cn(rng, m.as_mut_slice(), var);
    m
}

/// Overwrites `out` with i.i.d. CN(0, var) entries.
pub fn fill_cn<R: Rng + ?Sized>(rng: &mut R, out: &mut [C64], var: f64) {
    for z in out.iter_mut() {
        *z = cn(rng, var);
    }
}

/// Squared Euclidean norm of a complex slice.
#[inline]
pub fn norm_sqr(v: &[C64]) -> f64 {
    v.iter().map(|z| z.norm_sqr()).sum()
}

/// `u^H v` for complex slices of equal length.
#[inline]
pub fn dotc(u: &[C64], v: &[C64]) -> C64 {
    debug_assert_eq!(u.len(), v.len());
    u.iter().zip(v).map(|(a, b)| a.conj() * b).sum()
}
