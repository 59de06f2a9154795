//! Sample batches: a node's received samples in a declared number format
//! (f64, f32, or 16/8-bit integers with one scale per batch), and their exact
//! size on the wire.

use super::wire::{varint_len, vec_len};
use crate::linalg::{C64, CMat};
use serde::{Deserialize, Serialize};

/// Number format of the samples in a [`SampleBatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleFormat {
    /// 64-bit floats: exact.
    F64,
    /// 32-bit floats.
    F32,
    /// 16-bit integers with one scale per batch.
    I16,
    /// 8-bit integers with one scale per batch.
    I8,
}

/// The samples themselves, interleaved `re, im` in column-major order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SampleData {
    /// Exact.
    F64(Vec<f64>),
    /// Rounded to f32.
    F32(Vec<f32>),
    /// `value = scale * q`, q in [-32767, 32767].
    I16 {
        /// Step size.
        scale: f64,
        /// Quantized values, encoded as raw little-endian bytes (2 per value;
        /// bincode's varint would spend 3 on most of them).
        #[serde(with = "i16_bytes")]
        data: Vec<i16>,
    },
    /// `value = scale * q`, q in [-127, 127].
    I8 {
        /// Step size.
        scale: f64,
        /// Quantized values.
        data: Vec<i8>,
    },
}

/// A node's received samples for one frame (N_r x L complex).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleBatch {
    /// N_r.
    pub rows: u32,
    /// L.
    pub cols: u32,
    /// The samples.
    pub data: SampleData,
}

/// Mid-tread quantizer of `v` with `qmax` levels each side: `(step, q)` with
/// `step = max|v| / qmax` (zero for an all-zero input, so every `q` is zero).
fn quantize_ints(v: &[f64], qmax: f64) -> (f64, Vec<f64>) {
    let m = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let step = m / qmax;
    let inv = if step > 0.0 { 1.0 / step } else { 0.0 };
    let q = v
        .iter()
        .map(|x| (x * inv).round().clamp(-qmax, qmax))
        .collect();
    (step, q)
}

impl SampleBatch {
    /// Encodes `z` in `format`. Integer formats use the step
    /// `max |re|, |im| / qmax` (mid-tread rounding, no clipping).
    ///
    /// Samples are interleaved `re, im` in column-major order. `qmax` is 32767
    /// for [`SampleFormat::I16`] and 127 for [`SampleFormat::I8`]; each value
    /// becomes `round(v / step)`, so the error per real value is at most
    /// `step / 2`. An all-zero batch gets step 0 (and quantization variance 0).
    /// The samples must be finite.
    pub fn quantize(z: &CMat, format: SampleFormat) -> Self {
        // A contiguous slice, not the matrix iterator: the loops vectorize.
        let zs = z.as_slice();
        let flat = crate::linalg::as_f64(zs);
        let data = match format {
            // Collected from the interleaved parts (an exact-size iterator:
            // no zeroing first, and the conversion vectorizes).
            SampleFormat::F64 => SampleData::F64(flat.to_vec()),
            SampleFormat::F32 => SampleData::F32(flat.iter().map(|&x| x as f32).collect()),
            SampleFormat::I16 => {
                let (scale, q) = quantize_ints(flat, f64::from(i16::MAX));
                let data = q.into_iter().map(|x| x as i16).collect();
                SampleData::I16 { scale, data }
            }
            SampleFormat::I8 => {
                let (scale, q) = quantize_ints(flat, f64::from(i8::MAX));
                let data = q.into_iter().map(|x| x as i8).collect();
                SampleData::I8 { scale, data }
            }
        };
        SampleBatch {
            rows: u32::try_from(z.nrows()).expect("rows fit in u32"),
            cols: u32::try_from(z.ncols()).expect("cols fit in u32"),
            data,
        }
    }

    /// Bytes of its bincode 2 encoding ([`SampleFormat::batch_wire_len`]).
    pub fn wire_len(&self) -> u64 {
        self.format()
            .batch_wire_len(self.rows as usize, self.cols as usize)
    }

    /// The format the samples are in.
    pub fn format(&self) -> SampleFormat {
        match self.data {
            SampleData::F64(_) => SampleFormat::F64,
            SampleData::F32(_) => SampleFormat::F32,
            SampleData::I16 { .. } => SampleFormat::I16,
            SampleData::I8 { .. } => SampleFormat::I8,
        }
    }

    /// The samples as the receiver reconstructs them.
    ///
    /// # Panics
    /// If the data length is not `2 rows cols`.
    pub fn to_matrix(&self) -> CMat {
        let flat: Vec<f64> = match &self.data {
            SampleData::F64(v) => v.clone(),
            SampleData::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            SampleData::I16 { scale, data } => data.iter().map(|&q| scale * f64::from(q)).collect(),
            SampleData::I8 { scale, data } => data.iter().map(|&q| scale * f64::from(q)).collect(),
        };
        let (rows, cols) = (self.rows as usize, self.cols as usize);
        assert_eq!(flat.len(), 2 * rows * cols, "sample batch length");
        let it = flat.chunks_exact(2).map(|p| C64::new(p[0], p[1]));
        CMat::from_iterator(rows, cols, it)
    }

    /// `b^H Z conj(u)` straight from the batch's values (no matrix is formed):
    /// what the CC's centralized term needs of a batch.
    pub fn project(&self, b: &[C64], u: &[C64]) -> C64 {
        avx512_or!(self.project_avx512(b, u), self.project_with(b, u))
    }

    /// [`SampleBatch::project`] compiled for AVX-512F: the same operations in
    /// the same order, eight lanes wide.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn project_avx512(&self, b: &[C64], u: &[C64]) -> C64 {
        self.project_with(b, u)
    }

    #[inline(always)]
    fn project_with(&self, b: &[C64], u: &[C64]) -> C64 {
        let rows = self.rows as usize;
        // y = b^H (Z conj(u)): first the column combination Z conj(u), one
        // axpy per column over contiguous rows (vectorizes; re and im kept in
        // separate accumulators), then one dot product with b.
        #[inline(always)]
        fn go<T: Copy>(v: &[T], rows: usize, b: &[C64], u: &[C64], f: impl Fn(T) -> f64) -> C64 {
            let (mut re, mut im) = (vec![0.0f64; rows], vec![0.0f64; rows]);
            for (col, ul) in v.chunks_exact(2 * rows.max(1)).zip(u) {
                let (ur, ui) = (ul.re, ul.im);
                for ((p, r), i) in col.chunks_exact(2).zip(&mut re).zip(&mut im) {
                    let (x, z) = (f(p[0]), f(p[1]));
                    // (x + i z)(ur - i ui)
                    *r += x * ur + z * ui;
                    *i += z * ur - x * ui;
                }
            }
            (b.iter().zip(re.iter().zip(&im)))
                .map(|(bi, (&r, &i))| bi.conj() * C64::new(r, i))
                .sum()
        }
        match &self.data {
            SampleData::F64(v) => go(v, rows, b, u, |x| x),
            SampleData::F32(v) => go(v, rows, b, u, f64::from),
            SampleData::I16 { scale, data } => go(data, rows, b, u, |q| scale * f64::from(q)),
            SampleData::I8 { scale, data } => go(data, rows, b, u, |q| scale * f64::from(q)),
        }
    }

    /// Variance the format adds per complex sample: `step^2 / 6` for the integer
    /// formats (uniform error on re and im), zero for floats.
    pub fn quantization_var(&self) -> f64 {
        match &self.data {
            SampleData::F64(_) | SampleData::F32(_) => 0.0,
            SampleData::I16 { scale, .. } | SampleData::I8 { scale, .. } => scale * scale / 6.0,
        }
    }
}

/// Serde for `Vec<i16>` as a byte string of little-endian pairs.
mod i16_bytes {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(v: &[i16], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    struct BytesVisitor;

    impl Visitor<'_> for BytesVisitor {
        type Value = Vec<i16>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an even number of bytes")
        }

        fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<Vec<i16>, E> {
            if !b.len().is_multiple_of(2) {
                return Err(E::invalid_length(b.len(), &self));
            }
            Ok(b.chunks_exact(2)
                .map(|p| i16::from_le_bytes([p[0], p[1]]))
                .collect())
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i16>, D::Error> {
        d.deserialize_bytes(BytesVisitor)
    }
}

impl SampleFormat {
    /// Bytes per real value on the wire.
    pub fn bytes_per_value(self) -> u64 {
        match self {
            SampleFormat::F64 => 8,
            SampleFormat::F32 => 4,
            SampleFormat::I16 => 2,
            SampleFormat::I8 => 1,
        }
    }

    /// Whether the format adds quantization noise that the statistic-level
    /// fidelity cannot represent exactly (the integer formats: their step
    /// depends on the batch's largest sample).
    pub fn is_integer(self) -> bool {
        matches!(self, SampleFormat::I16 | SampleFormat::I8)
    }

    /// Bytes of the bincode 2 encoding of a `rows x cols` batch in this
    /// format: the same for every batch of that shape, because floats and
    /// the integer formats' values are fixed-width.
    pub fn batch_wire_len(self, rows: usize, cols: usize) -> u64 {
        let values = 2 * rows as u64 * cols as u64;
        let scale = if self.is_integer() { 8 } else { 0 };
        varint_len(rows as u64)
            + varint_len(cols as u64)
            + 1 // SampleData variant
            + scale
            + vec_len(values, self.bytes_per_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::cn_matrix;
    use crate::rng::{STREAM_TEST, stream};

    pub(crate) const FORMATS: [SampleFormat; 4] = [
        SampleFormat::F64,
        SampleFormat::F32,
        SampleFormat::I16,
        SampleFormat::I8,
    ];

    fn batch(rows: usize, cols: usize) -> CMat {
        cn_matrix(&mut stream(3, &[STREAM_TEST, 0x6d]), rows, cols, 2.0)
    }

    fn bincode_len(b: &SampleBatch) -> u64 {
        bincode::serde::encode_to_vec(b, bincode::config::standard())
            .unwrap()
            .len() as u64
    }

    #[test]
    fn wire_length_formula_matches_the_encoding() {
        for (rows, cols) in [(20, 30), (1, 1), (3, 100), (200, 300), (0, 5)] {
            let z = batch(rows, cols);
            for f in FORMATS {
                let b = SampleBatch::quantize(&z, f);
                assert_eq!(
                    f.batch_wire_len(rows, cols),
                    bincode_len(&b),
                    "{f:?} {rows}x{cols}"
                );
                assert_eq!(b.wire_len(), bincode_len(&b));
            }
        }
    }

    #[test]
    fn projection_equals_the_matrix_product() {
        let mut rng = stream(5, &[STREAM_TEST, 0x70]);
        for (rows, cols) in [(20, 30), (1, 1), (3, 8), (16, 5), (0, 4)] {
            let z = crate::linalg::cn_matrix(&mut rng, rows, cols, 2.0);
            let b = crate::linalg::cn_matrix(&mut rng, rows, 1, 1.0);
            let u = crate::linalg::cn_matrix(&mut rng, cols, 1, 1.0);
            for f in FORMATS {
                let batch = SampleBatch::quantize(&z, f);
                let y = batch.to_matrix() * u.map(|c| c.conj());
                let want: C64 = (b.adjoint() * y)[(0, 0)];
                let got = batch.project(b.as_slice(), u.as_slice());
                // The AVX-512 build (where the CPU has it) gives the baseline's bits.
                let base = batch.project_with(b.as_slice(), u.as_slice());
                assert_eq!(
                    [got.re.to_bits(), got.im.to_bits()],
                    [base.re.to_bits(), base.im.to_bits()]
                );
                assert!(
                    (got - want).norm() <= 1e-12 * want.norm(),
                    "{f:?} {rows} x {cols}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn quantization_error_is_within_half_a_step() {
        let z = batch(20, 30);
        for f in FORMATS {
            let b = SampleBatch::quantize(&z, f);
            assert_eq!(b.format(), f);
            let back = b.to_matrix();
            assert_eq!(back.shape(), z.shape());
            let err = (&back - &z).iter().fold(0.0f64, |m, e| m.max(e.norm()));
            let (bound, var) = match &b.data {
                SampleData::F64(_) => (0.0, 0.0),
                SampleData::F32(_) => (1e-6 * z.iter().fold(0.0f64, |m, c| m.max(c.norm())), 0.0),
                SampleData::I16 { scale, .. } | SampleData::I8 { scale, .. } => (
                    scale / 2.0 * 2f64.sqrt() * (1.0 + 1e-12),
                    scale * scale / 6.0,
                ),
            };
            assert!(err <= bound, "{f:?}: {err} > {bound}");
            assert_eq!(b.quantization_var(), var);
        }
        let zero = SampleBatch::quantize(&CMat::zeros(3, 2), SampleFormat::I16);
        assert_eq!(zero.to_matrix(), CMat::zeros(3, 2));
        assert_eq!(zero.quantization_var(), 0.0);
    }
}
