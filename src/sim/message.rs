//! Messages between nodes, serialized with bincode 2: their encoded length is
//! what a link carries, so an 8-bit batch really is smaller than an f64 one.

use crate::linalg::CMat;
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
        /// Quantized values.
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

impl SampleBatch {
    /// Encodes `z` in `format`. Integer formats use the step
    /// `max |re|, |im| / qmax` (mid-tread rounding, no clipping).
    pub fn quantize(z: &CMat, format: SampleFormat) -> Self {
        let _ = (z, format);
        todo!("helper: engine")
    }

    /// The samples as the receiver reconstructs them.
    pub fn to_matrix(&self) -> CMat {
        todo!("helper: engine")
    }

    /// Variance the format adds per complex sample: `step^2 / 6` for the integer
    /// formats (uniform error on re and im), zero for floats.
    pub fn quantization_var(&self) -> f64 {
        todo!("helper: engine")
    }
}

/// What a message carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Payload {
    /// Received samples, for the CC's centralized GLRT.
    Samples(SampleBatch),
    /// A node's local soft statistic (Exp(1) under H0).
    Statistic(f64),
    /// A node's local decision.
    Decision(bool),
    /// Symbol indices into the public symbol book, CC to RAP (Sec. IV).
    Symbols(Vec<u16>),
}

impl Payload {
    /// Short name for traces: `samples`, `statistic`, `decision`, `symbols`.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Samples(_) => "samples",
            Payload::Statistic(_) => "statistic",
            Payload::Decision(_) => "decision",
            Payload::Symbols(_) => "symbols",
        }
    }
}

/// A message: which frame, from which node, carrying what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Frame index n.
    pub frame: u64,
    /// Sender (0 = BS, r = RAP r, `u32::MAX` = CC).
    pub node: u32,
    /// Contents.
    pub payload: Payload,
}

impl Message {
    /// Length of the bincode 2 (standard config) encoding in bytes, computed
    /// without allocating.
    pub fn encoded_len(&self) -> u64 {
        todo!("helper: engine")
    }

    /// The bincode 2 (standard config) encoding.
    pub fn encode(&self) -> Vec<u8> {
        todo!("helper: engine")
    }

    /// Decodes what [`Message::encode`] produced.
    pub fn decode(bytes: &[u8]) -> Result<Message, String> {
        let _ = bytes;
        todo!("helper: engine")
    }
}
