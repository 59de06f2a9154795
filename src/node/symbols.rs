//! A frame's symbols as a node knows them, and the block the CC sends a RAP
//! over the downlink to tell it.
//!
//! At sample level a node knows the symbol matrix S ((K+1) x L), hence
//! X = W S (eq. 1) and the target waveform `u_l = a^H X[l]`. Its detectors
//! use S only through `X conj(u)` (what the direct path `G_r X` contributes
//! after matched filtering) and `||u||^2` (the normalization), plus u itself
//! to matched-filter samples. At statistic level that is all a node gets.

use super::wire::{varint_len, vec_len};
use crate::linalg::{C64, CMat, CVec, mul};
use crate::radio::target_waveform;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Number format of the symbols on the downlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolFormat {
    /// 64-bit floats per real part: exact.
    F64,
    /// 32-bit floats per real part (relative error below 6e-8).
    F32,
}

impl SymbolFormat {
    /// Bytes per real value.
    pub fn bytes_per_value(self) -> u64 {
        match self {
            SymbolFormat::F64 => 8,
            SymbolFormat::F32 => 4,
        }
    }
}

/// What a node knows of one frame's symbols.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameSymbols {
    /// `X conj(u) = W S conj(u)` (M entries).
    pub xu: CVec,
    /// `||u||^2 = ||X^H a||^2`.
    pub u_norm2: f64,
    /// The target waveform u (L entries), known at sample level only.
    pub u: Option<CVec>,
    /// Statistic level: each observing RAP's direct-path part
    /// `b_r^H G_r X conj(u)` by node index (zero elsewhere), which the CC
    /// removes from the RAP's centralized term. The CC knows `G_r` and
    /// `b_r`, so this is derived knowledge, computed once per frame where
    /// the frame is drawn (the same rows and sums as the CC's own product,
    /// bit for bit: tested). Empty at sample level, where the CC computes it.
    pub direct_b: Vec<C64>,
}

impl FrameSymbols {
    /// From the symbol matrix S under precoder `w` and transmit steering `a`.
    pub fn from_symbols(w: &CMat, a: &CVec, s: &CMat) -> Self {
        let x = mul(w, s);
        let u = target_waveform(a, &x);
        FrameSymbols {
            xu: &x * u.conjugate(),
            u_norm2: u.norm_squared(),
            u: Some(u),
            direct_b: Vec::new(),
        }
    }
}

/// The symbols of one frame on the downlink.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SymbolBlock {
    /// S ((K+1) x L) as 64-bit floats, `re, im` interleaved, column-major.
    F64 {
        /// K + 1.
        beams: u32,
        /// The values.
        data: Vec<f64>,
    },
    /// S as 32-bit floats.
    F32 {
        /// K + 1.
        beams: u32,
        /// The values.
        data: Vec<f32>,
    },
    /// Statistic level: what a RAP's detectors use of S, standing in for a
    /// block of `beams x cols` symbols in `format` (whose size it has on the
    /// wire). It has no encoding of its own.
    #[serde(skip)]
    Summary {
        /// What the RAP learns.
        known: Arc<FrameSymbols>,
        /// K + 1.
        beams: u32,
        /// L.
        cols: u32,
        /// The declared format.
        format: SymbolFormat,
    },
}

impl SymbolBlock {
    /// S in `format`.
    pub fn encode(s: &CMat, format: SymbolFormat) -> Self {
        let beams = u32::try_from(s.nrows()).expect("beams fit in u32");
        let flat = s.iter().flat_map(|c| [c.re, c.im]);
        match format {
            SymbolFormat::F64 => SymbolBlock::F64 {
                beams,
                data: flat.collect(),
            },
            SymbolFormat::F32 => SymbolBlock::F32 {
                beams,
                data: flat.map(|x| x as f32).collect(),
            },
        }
    }

    /// Bytes of its encoding (for a summary: of the block it stands for).
    pub fn wire_len(&self) -> u64 {
        let (beams, values, format) = match self {
            SymbolBlock::F64 { beams, data } => (*beams, data.len() as u64, SymbolFormat::F64),
            SymbolBlock::F32 { beams, data } => (*beams, data.len() as u64, SymbolFormat::F32),
            SymbolBlock::Summary {
                beams,
                cols,
                format,
                ..
            } => (*beams, 2 * u64::from(*beams) * u64::from(*cols), *format),
        };
        1 + varint_len(u64::from(beams)) + vec_len(values, format.bytes_per_value())
    }

    /// What a RAP learns from the block, under precoder `w` and steering `a`.
    pub fn decode(&self, w: &CMat, a: &CVec) -> Arc<FrameSymbols> {
        let matrix = |beams: u32, v: &mut dyn Iterator<Item = f64>| {
            let vals: Vec<f64> = v.collect();
            let beams = beams as usize;
            let cols = vals.len() / (2 * beams.max(1));
            let it = vals.chunks_exact(2).map(|p| C64::new(p[0], p[1]));
            CMat::from_iterator(beams, cols, it)
        };
        match self {
            SymbolBlock::F64 { beams, data } => Arc::new(FrameSymbols::from_symbols(
                w,
                a,
                &matrix(*beams, &mut data.iter().copied()),
            )),
            SymbolBlock::F32 { beams, data } => Arc::new(FrameSymbols::from_symbols(
                w,
                a,
                &matrix(*beams, &mut data.iter().map(|&x| f64::from(x))),
            )),
            SymbolBlock::Summary { known, .. } => known.clone(),
        }
    }
}
