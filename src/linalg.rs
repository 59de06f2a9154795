//! Complex matrix aliases and circularly-symmetric Gaussian fills.

pub mod gauss;

pub use gauss::{fill_cn_fast, fill_cn_zig};

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

/// `a * b` for complex matrices, column by column as `axpy`s over contiguous
/// columns of `a`: 2-3x faster than nalgebra's generic complex product at the
/// sizes of a frame (20 x 16 times 16 x 30). Same result to rounding.
pub fn mul(a: &CMat, b: &CMat) -> CMat {
    assert_eq!(a.ncols(), b.nrows(), "inner dimensions");
    let (n, k) = (a.nrows(), a.ncols());
    let mut out = CMat::zeros(n, b.ncols());
    let av = a.as_slice();
    for (l, oc) in out.as_mut_slice().chunks_exact_mut(n.max(1)).enumerate() {
        for m in 0..k {
            let x = b[(m, l)];
            let col = &av[m * n..(m + 1) * n];
            for (o, &g) in oc.iter_mut().zip(col) {
                // (g.re + i g.im)(x.re + i x.im), written out so it vectorizes.
                o.re += g.re * x.re - g.im * x.im;
                o.im += g.re * x.im + g.im * x.re;
            }
        }
    }
    out
}

/// The lower triangle (diagonal included) of `a^H a`, the strict upper
/// triangle left zero: what [`nalgebra::Cholesky::new`] reads of a Hermitian
/// matrix, for half the work of `mul(&a.adjoint(), a)`, whose lower triangle
/// it equals bit for bit (same terms, summed in the same order; tested).
pub fn gram_lower(a: &CMat) -> CMat {
    let (n, k) = (a.nrows(), a.ncols());
    let mut out = CMat::zeros(k, k);
    let av = a.as_slice();
    for l in 0..k {
        let xl = &av[l * n..(l + 1) * n];
        for i in l..k {
            let gi = &av[i * n..(i + 1) * n];
            let mut o = C64::new(0.0, 0.0);
            for (&g, &x) in gi.iter().zip(xl) {
                let g = g.conj();
                o.re += g.re * x.re - g.im * x.im;
                o.im += g.re * x.im + g.im * x.re;
            }
            out[(i, l)] = o;
        }
    }
    out
}

/// `z += alpha x y^T` (a rank-one update, as nalgebra's `ger` with
/// `beta = 1`): column j gets `(alpha y_j) x_i` added. nalgebra also
/// multiplies each term and each entry by a complex one, which is exact for
/// nonzero values, so the two agree bit for bit (tested) at a third of the
/// work.
pub fn add_rank_one(z: &mut CMat, alpha: C64, x: &CVec, y: &CVec) {
    let n = z.nrows();
    assert_eq!((n, z.ncols()), (x.len(), y.len()), "rank-one shapes");
    if n == 0 {
        return;
    }
    for (col, &yj) in z.as_mut_slice().chunks_exact_mut(n).zip(y.iter()) {
        let a = alpha * yj;
        for (v, &xi) in col.iter_mut().zip(x.iter()) {
            *v = a * xi + *v;
        }
    }
}

/// A complex matrix kept as separate real and imaginary planes (column
/// major), for a matrix that multiplies many vectors: the products then
/// vectorize without shuffles. [`Planes::mul_vec`] equals [`mul_vec`] bit for
/// bit (each entry summed over the columns in order, each term
/// `(g.re x.re - g.im x.im, g.re x.im + g.im x.re)`; tested).
#[derive(Debug, Clone)]
pub struct Planes {
    rows: usize,
    re: Vec<f64>,
    im: Vec<f64>,
}

impl Planes {
    /// The planes of `a`.
    pub fn new(a: &CMat) -> Self {
        let (re, im) = a.iter().map(|z| (z.re, z.im)).unzip();
        Planes {
            rows: a.nrows(),
            re,
            im,
        }
    }

    /// `a v`.
    pub fn mul_vec(&self, v: &CVec) -> CVec {
        let n = self.rows;
        assert_eq!(self.re.len(), n * v.len(), "inner dimensions");
        let (mut ore, mut oim) = (vec![0.0; n], vec![0.0; n]);
        if n > 0 {
            let cols = self.re.chunks_exact(n).zip(self.im.chunks_exact(n));
            for ((gr, gi), x) in cols.zip(v.iter()) {
                for (((or, oi), &r), &i) in ore.iter_mut().zip(oim.iter_mut()).zip(gr).zip(gi) {
                    *or += r * x.re - i * x.im;
                    *oi += r * x.im + i * x.re;
                }
            }
        }
        CVec::from_iterator(n, ore.into_iter().zip(oim).map(|(r, i)| C64::new(r, i)))
    }
}

/// `a v` for a complex matrix and vector, column by column (vectorizes).
pub fn mul_vec(a: &CMat, v: &CVec) -> CVec {
    mul_slice(a.as_slice(), a.nrows(), v.as_slice(), false)
}

/// `a conj(v)` (for example a matched filter `Z conj(u)`), without forming
/// `conj(v)`.
pub fn mul_conj_vec(a: &CMat, v: &CVec) -> CVec {
    mul_slice(a.as_slice(), a.nrows(), v.as_slice(), true)
}

/// `A v` or `A conj(v)` for a column-major `n x v.len()` matrix `a`.
fn mul_slice(a: &[C64], n: usize, v: &[C64], conj: bool) -> CVec {
    assert_eq!(a.len(), n * v.len(), "inner dimensions");
    let mut out = CVec::zeros(n);
    let o = out.as_mut_slice();
    for (j, &x) in v.iter().enumerate() {
        let x = if conj { x.conj() } else { x };
        for (o, &g) in o.iter_mut().zip(&a[j * n..(j + 1) * n]) {
            o.re += g.re * x.re - g.im * x.im;
            o.im += g.re * x.im + g.im * x.re;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_matches_nalgebra() {
        let mut rng = crate::rng::stream(3, &[crate::rng::STREAM_TEST]);
        let a = cn_matrix(&mut rng, 20, 16, 1.0);
        let b = cn_matrix(&mut rng, 16, 30, 1.0);
        let d = mul(&a, &b) - &a * &b;
        assert!(d.iter().all(|z| z.norm() < 1e-12));
        let v = CVec::from_iterator(16, b.column(3).iter().copied());
        let d = mul_vec(&a, &v) - &a * &v;
        assert!(d.iter().all(|z| z.norm() < 1e-12));
        let d = mul_conj_vec(&a, &v) - &a * v.conjugate();
        assert!(d.iter().all(|z| z.norm() < 1e-12));
    }

    #[test]
    fn planes_multiply_as_mul_vec_bit_for_bit() {
        let mut rng = crate::rng::stream(5, &[crate::rng::STREAM_TEST]);
        for (n, k) in [(20, 16), (16, 9), (1, 1), (3, 5), (0, 2), (4, 0)] {
            let a = cn_matrix(&mut rng, n, k, 1.0);
            let v = CVec::from_iterator(k, cn_matrix(&mut rng, k, 1, 1.0).iter().copied());
            assert_eq!(Planes::new(&a).mul_vec(&v), mul_vec(&a, &v), "{n} x {k}");
        }
    }

    #[test]
    fn rank_one_update_equals_nalgebras_ger_bit_for_bit() {
        let mut rng = crate::rng::stream(6, &[crate::rng::STREAM_TEST]);
        for (n, l) in [(20, 30), (1, 1), (3, 7), (0, 3)] {
            let z = cn_matrix(&mut rng, n, l, 2.0);
            let x = CVec::from_iterator(n, cn_matrix(&mut rng, n, 1, 1.0).iter().copied());
            let y = CVec::from_iterator(l, cn_matrix(&mut rng, l, 1, 1.0).iter().copied());
            for alpha in [C64::new(0.3, -1.7), C64::new(-2.5, 0.0)] {
                let mut want = z.clone();
                want.ger(alpha, &x, &y, C64::new(1.0, 0.0));
                let mut got = z.clone();
                add_rank_one(&mut got, alpha, &x, &y);
                assert_eq!(got, want, "{n} x {l}");
            }
        }
    }

    #[test]
    fn gram_lower_is_the_lower_triangle_of_the_product_bit_for_bit() {
        let mut rng = crate::rng::stream(4, &[crate::rng::STREAM_TEST]);
        for (n, k) in [(20, 9), (1, 1), (3, 5), (0, 2)] {
            let a = cn_matrix(&mut rng, n, k, 1.0);
            let full = mul(&a.adjoint(), &a);
            let low = gram_lower(&a);
            for l in 0..k {
                for i in 0..k {
                    let want = if i >= l {
                        full[(i, l)]
                    } else {
                        C64::new(0.0, 0.0)
                    };
                    assert_eq!(low[(i, l)], want, "{n} x {k}: ({i}, {l})");
                }
            }
        }
    }
}
