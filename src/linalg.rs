//! Complex matrix aliases and circularly-symmetric Gaussian fills.

pub mod gauss;

pub use gauss::{fill_cn_fast, fill_cn_zig};

use crate::rng::NoiseRng;
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

/// A `rows x cols` matrix of i.i.d. CN(0, var) entries from a bulk
/// generator ([`fill_cn_fast`]), filled column by column.
pub fn cn_matrix_fast(rng: &mut NoiseRng, rows: usize, cols: usize, var: f64) -> CMat {
    let mut m = CMat::zeros(rows, cols);
    fill_cn_fast(rng, m.as_mut_slice(), var);
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
/// sizes of a frame (20 x 16 times 16 x 30). Same result to rounding. Runs
/// its AVX-512F build where the CPU has one (same bits).
pub fn mul(a: &CMat, b: &CMat) -> CMat {
    assert_eq!(a.ncols(), b.nrows(), "inner dimensions");
    let mut out = CMat::zeros(a.nrows(), b.ncols());
    avx512_or!(mul_avx512(a, b, &mut out), mul_into(a, b, &mut out));
    out
}

/// [`mul_into`] compiled for AVX-512F (same operations, same order).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn mul_avx512(a: &CMat, b: &CMat, out: &mut CMat) {
    mul_into(a, b, out);
}

#[inline(always)]
fn mul_into(a: &CMat, b: &CMat, out: &mut CMat) {
    let (n, k) = (a.nrows(), a.ncols());
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
}

/// `a^H v`: entry `j` is `dotc(a[:, j], v)` over the contiguous column, a few
/// times faster than nalgebra's generic complex `ad_mul` at a drop's sizes
/// (20 x 16); equal to it to rounding (tested).
pub fn ad_mul_vec(a: &CMat, v: &CVec) -> CVec {
    assert_eq!(a.nrows(), v.len(), "inner dimensions");
    let n = a.nrows();
    if n == 0 {
        return CVec::zeros(a.ncols());
    }
    let cols = a.as_slice().chunks_exact(n);
    CVec::from_iterator(a.ncols(), cols.map(|c| dotc(c, v.as_slice())))
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
/// nonzero values, so the two agree bit for bit (tested) at a fraction of the
/// work.
///
/// Each column is updated as a real array, `v += a.re [x] + a.im [x']` with
/// `[x] = (x.re, x.im, ..)` and `[x'] = (-x.im, x.re, ..)` laid out once per
/// call: the same products and sums as the complex `a x_i + v` (IEEE `p - q`
/// is `p + (-q)`, and `+` commutes), without shuffles, so it vectorizes.
pub fn add_rank_one(z: &mut CMat, alpha: C64, x: &CVec, y: &CVec) {
    let n = z.nrows();
    assert_eq!((n, z.ncols()), (x.len(), y.len()), "rank-one shapes");
    if n == 0 {
        return;
    }
    let mut xr = vec![0.0; 2 * n];
    let mut xs = vec![0.0; 2 * n];
    for ((r, s), xi) in xr
        .chunks_exact_mut(2)
        .zip(xs.chunks_exact_mut(2))
        .zip(x.iter())
    {
        r.copy_from_slice(&[xi.re, xi.im]);
        s.copy_from_slice(&[-xi.im, xi.re]);
    }
    let flat = as_f64_mut(z.as_mut_slice());
    avx512_or!(
        rank_one_avx512(flat, alpha, &xr, &xs, y),
        rank_one_columns(flat, alpha, &xr, &xs, y),
    );
}

/// [`rank_one_columns`] compiled for AVX-512F: the same IEEE operations in
/// the same order (Rust never fuses `a * b + c` unasked), eight lanes wide.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn rank_one_avx512(flat: &mut [f64], alpha: C64, xr: &[f64], xs: &[f64], y: &CVec) {
    rank_one_columns(flat, alpha, xr, xs, y);
}

#[inline(always)]
fn rank_one_columns(flat: &mut [f64], alpha: C64, xr: &[f64], xs: &[f64], y: &CVec) {
    for (col, &yj) in flat.chunks_exact_mut(xr.len()).zip(y.iter()) {
        let a = alpha * yj;
        for ((v, &r), &s) in col.iter_mut().zip(xr).zip(xs) {
            *v += a.re * r + a.im * s;
        }
    }
}

/// A complex slice as its interleaved real and imaginary parts.
pub fn as_f64(z: &[C64]) -> &[f64] {
    // SAFETY: `Complex<f64>` is `#[repr(C)]` with fields `re`, `im`: two f64
    // with no padding, so `z` is exactly `2 z.len()` properly aligned f64.
    unsafe { std::slice::from_raw_parts(z.as_ptr().cast::<f64>(), 2 * z.len()) }
}

/// A complex slice as its interleaved real and imaginary parts, mutable.
fn as_f64_mut(z: &mut [C64]) -> &mut [f64] {
    // SAFETY: `Complex<f64>` is `#[repr(C)]` with fields `re`, `im`: two f64
    // with no padding, so `z` is exactly `2 z.len()` properly aligned f64.
    unsafe { std::slice::from_raw_parts_mut(z.as_mut_ptr().cast::<f64>(), 2 * z.len()) }
}

/// A complex matrix kept as separate real and imaginary planes (column
/// major, each column padded with zero rows to a multiple of [`LANES`]), for
/// a matrix that multiplies many vectors: the products then vectorize
/// without shuffles, with every row's sum held in a register. [`Planes::mul_vec`]
/// equals [`mul_vec`] bit for bit (each entry summed over the columns in
/// order, each term `(g.re x.re - g.im x.im, g.re x.im + g.im x.re)`; tested).
#[derive(Debug, Clone)]
pub struct Planes {
    rows: usize,
    /// Rows per stored column: `rows` rounded up to a multiple of [`LANES`].
    stride: usize,
    re: Vec<f64>,
    im: Vec<f64>,
}

/// The row padding of [`Planes`]: one AVX-512 register of f64.
const LANES: usize = 8;

impl Planes {
    /// The planes of `a`.
    pub fn new(a: &CMat) -> Self {
        let (rows, cols) = a.shape();
        let stride = rows.div_ceil(LANES) * LANES;
        let (mut re, mut im) = (vec![0.0; stride * cols], vec![0.0; stride * cols]);
        for (j, col) in a.column_iter().enumerate() {
            for (i, z) in col.iter().enumerate() {
                re[j * stride + i] = z.re;
                im[j * stride + i] = z.im;
            }
        }
        Planes {
            rows,
            stride,
            re,
            im,
        }
    }

    /// The row count.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// `a v`.
    pub fn mul_vec(&self, v: &CVec) -> CVec {
        let (mut ore, mut oim) = (Vec::new(), Vec::new());
        self.mul_vec_into(v.as_slice(), &mut ore, &mut oim);
        let entries = ore.into_iter().zip(oim).map(|(r, i)| C64::new(r, i));
        CVec::from_iterator(self.rows, entries.take(self.rows))
    }

    /// `a v` as its real and imaginary parts, into `ore` and `oim` (resized
    /// to the padded row count, a multiple of 8: entries past the row count
    /// are zero; no allocation once they are large enough). Whatever they
    /// held is overwritten.
    pub fn mul_vec_into(&self, v: &[C64], ore: &mut Vec<f64>, oim: &mut Vec<f64>) {
        assert_eq!(self.re.len(), self.stride * v.len(), "inner dimensions");
        // Every entry is written by a pass: no need to zero them first.
        ore.resize(self.stride, 0.0);
        oim.resize(self.stride, 0.0);
        avx512_or!(
            self.planes_avx512(v, ore, oim),
            self.planes_into(v, ore, oim),
        );
    }

    /// [`Planes::planes_into`] compiled for AVX-512F (same operations, same order).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn planes_avx512(&self, v: &[C64], ore: &mut [f64], oim: &mut [f64]) {
        self.planes_into(v, ore, oim);
    }

    /// Up to 32 rows per pass, their sums in registers over every column (a
    /// sum kept in memory waits on its own store and load at every column).
    #[inline(always)]
    fn planes_into(&self, v: &[C64], ore: &mut [f64], oim: &mut [f64]) {
        let mut i0 = 0;
        while i0 < self.stride {
            match self.stride - i0 {
                8 => self.pass::<8>(i0, v, ore, oim),
                16 => self.pass::<16>(i0, v, ore, oim),
                24 => self.pass::<24>(i0, v, ore, oim),
                _ => self.pass::<32>(i0, v, ore, oim),
            }
            i0 += 32;
        }
    }

    /// Rows `i0..i0 + W` of `a v`.
    #[inline(always)]
    fn pass<const W: usize>(&self, i0: usize, v: &[C64], ore: &mut [f64], oim: &mut [f64]) {
        let (mut ar, mut ai) = ([0.0; W], [0.0; W]);
        for (j, x) in v.iter().enumerate() {
            let at = j * self.stride + i0;
            let gr: &[f64; W] = self.re[at..at + W].try_into().expect("a pass");
            let gi: &[f64; W] = self.im[at..at + W].try_into().expect("a pass");
            for k in 0..W {
                ar[k] += gr[k] * x.re - gi[k] * x.im;
                ai[k] += gr[k] * x.im + gi[k] * x.re;
            }
        }
        ore[i0..i0 + W].copy_from_slice(&ar);
        oim[i0..i0 + W].copy_from_slice(&ai);
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
    avx512_or!(
        mul_slice_avx512(a, n, v, conj, o),
        mul_slice_into(a, n, v, conj, o),
    );
    out
}

/// [`mul_slice_into`] compiled for AVX-512F (same operations, same order).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn mul_slice_avx512(a: &[C64], n: usize, v: &[C64], conj: bool, o: &mut [C64]) {
    mul_slice_into(a, n, v, conj, o);
}

#[inline(always)]
fn mul_slice_into(a: &[C64], n: usize, v: &[C64], conj: bool, o: &mut [C64]) {
    for (j, &x) in v.iter().enumerate() {
        let x = if conj { x.conj() } else { x };
        for (o, &g) in o.iter_mut().zip(&a[j * n..(j + 1) * n]) {
            o.re += g.re * x.re - g.im * x.im;
            o.im += g.re * x.im + g.im * x.re;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` CN(0, 1) entries as a vector.
    fn cn_vec(rng: &mut impl rand::Rng, n: usize) -> CVec {
        CVec::from_iterator(n, cn_matrix(rng, n, 1, 1.0).iter().copied())
    }

    /// Each kernel compiled for AVX-512 (taken where the CPU has it) gives
    /// the bits of its baseline build: no fused multiply-adds, same order.
    #[test]
    fn dispatched_kernels_equal_their_baseline_builds_bit_for_bit() {
        let mut rng = crate::rng::stream(3, &[crate::rng::STREAM_TEST, 9]);
        let bits = |m: &[C64]| {
            m.iter()
                .map(|z| [z.re.to_bits(), z.im.to_bits()])
                .collect::<Vec<_>>()
        };
        for (n, k, l) in [(20, 16, 9), (20, 9, 30), (7, 3, 5), (1, 1, 1)] {
            let a = cn_matrix(&mut rng, n, k, 1.0);
            let b = cn_matrix(&mut rng, k, l, 1.0);
            let mut base = CMat::zeros(n, l);
            mul_into(&a, &b, &mut base);
            assert_eq!(bits(mul(&a, &b).as_slice()), bits(base.as_slice()));
            let v = CVec::from_iterator(k, b.column(0).iter().copied());
            for conj in [false, true] {
                let mut base = CVec::zeros(n);
                mul_slice_into(a.as_slice(), n, v.as_slice(), conj, base.as_mut_slice());
                let fast = mul_slice(a.as_slice(), n, v.as_slice(), conj);
                assert_eq!(bits(fast.as_slice()), bits(base.as_slice()));
            }
            let (x, y) = (a.column(0).into_owned(), b.row(0).transpose());
            let mut z = cn_matrix(&mut rng, n, l, 1.0);
            let mut flat = z
                .as_slice()
                .iter()
                .flat_map(|c| [c.re, c.im])
                .collect::<Vec<_>>();
            let alpha = C64::new(0.3, -1.7);
            let xr: Vec<f64> = x.iter().flat_map(|c| [c.re, c.im]).collect();
            let xs: Vec<f64> = x.iter().flat_map(|c| [-c.im, c.re]).collect();
            rank_one_columns(&mut flat, alpha, &xr, &xs, &y);
            add_rank_one(&mut z, alpha, &x, &y);
            let fast: Vec<u64> = z
                .iter()
                .flat_map(|c| [c.re.to_bits(), c.im.to_bits()])
                .collect();
            assert_eq!(fast, flat.iter().map(|f| f.to_bits()).collect::<Vec<_>>());
        }
    }

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
        let w = CVec::from_iterator(20, a.column(5).iter().copied());
        let d = ad_mul_vec(&a, &w) - a.ad_mul(&w);
        assert!(d.iter().all(|z| z.norm() < 1e-12));
        assert_eq!(ad_mul_vec(&CMat::zeros(0, 3), &CVec::zeros(0)).len(), 3);
        let d = mul_conj_vec(&a, &v) - &a * v.conjugate();
        assert!(d.iter().all(|z| z.norm() < 1e-12));
    }

    #[test]
    fn planes_multiply_as_mul_vec_bit_for_bit() {
        let mut rng = crate::rng::stream(5, &[crate::rng::STREAM_TEST]);
        for (n, k) in [
            (20, 16),
            (16, 9),
            (1, 1),
            (3, 5),
            (0, 2),
            (4, 0),
            (8, 3),
            (17, 4),
        ] {
            let a = cn_matrix(&mut rng, n, k, 1.0);
            let v = cn_vec(&mut rng, k);
            assert_eq!(Planes::new(&a).mul_vec(&v), mul_vec(&a, &v), "{n} x {k}");
        }
    }

    /// Rows `conj(g_i)` times x give each `dotc(g_i, x)` bit for bit: the
    /// CC's and the medium's direct-path parts, computed as one product,
    /// are the dot products they replace.
    #[test]
    fn planes_of_conjugate_rows_are_dot_products_bit_for_bit() {
        let mut rng = crate::rng::stream(7, &[crate::rng::STREAM_TEST]);
        for (n, k) in [(10, 16), (20, 16), (3, 7), (9, 1)] {
            let g = cn_matrix(&mut rng, k, n, 1.0);
            let x = cn_vec(&mut rng, k);
            let rows = g.adjoint();
            let got = Planes::new(&rows).mul_vec(&x);
            for (i, col) in g.column_iter().enumerate() {
                let want = dotc(col.as_slice(), x.as_slice());
                assert_eq!(got[i], want, "{n} x {k}, row {i}");
            }
        }
    }

    #[test]
    fn rank_one_update_equals_nalgebras_ger_bit_for_bit() {
        let mut rng = crate::rng::stream(6, &[crate::rng::STREAM_TEST]);
        for (n, l) in [(20, 30), (1, 1), (3, 7), (0, 3)] {
            let z = cn_matrix(&mut rng, n, l, 2.0);
            let x = cn_vec(&mut rng, n);
            let y = cn_vec(&mut rng, l);
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
