//! Messages between the actors. Their size on the wire is the length of
//! their bincode 2 encoding plus the link's header, computed by formula
//! (`wire_len`) and tested against the real encoding, so an 8-bit batch
//! really is smaller than an f64 one, and a statistic-level stand-in costs
//! what the message it stands for would.

use super::Sender;
use super::samples::{SampleBatch, SampleFormat};
use super::symbols::SymbolBlock;
use super::wire::varint_len;
use crate::linalg::C64;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The kind of a message, for traces and counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// A sample batch.
    Samples,
    /// A soft statistic.
    Statistic,
    /// A one-bit decision.
    Decision,
    /// A frame's symbols, CC to RAP.
    Symbols,
}

impl MessageKind {
    /// `samples`, `statistic`, `decision` or `symbols`.
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::Samples => "samples",
            MessageKind::Statistic => "statistic",
            MessageKind::Decision => "decision",
            MessageKind::Symbols => "symbols",
        }
    }
}

impl std::fmt::Display for MessageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A node's samples of one frame, as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Batch {
    /// The samples themselves (sample level).
    Full(SampleBatch),
    /// Statistic level: `b_r^H Z_r conj(u)`, all the CC's GLRT uses of the
    /// batch, standing in for `rows x cols` samples in `format` (whose size
    /// it has on the wire). It has no encoding of its own.
    #[serde(skip)]
    Projected {
        /// `b_r^H Z_r conj(u)`.
        y_b: C64,
        /// N_r.
        rows: u32,
        /// L.
        cols: u32,
        /// The declared format (f64 or f32: integer formats are refused at
        /// statistic level).
        format: SampleFormat,
    },
}

impl Batch {
    /// Bytes of its encoding (for a stand-in: of the batch it stands for).
    pub fn wire_len(&self) -> u64 {
        1 + match self {
            Batch::Full(b) => b.wire_len(),
            Batch::Projected {
                rows, cols, format, ..
            } => format.batch_wire_len(*rows as usize, *cols as usize),
        }
    }
}

/// What a sensing node sends the CC about one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Report {
    /// Received samples, for the CC's centralized GLRT.
    Samples(Batch),
    /// A node's local soft statistic (Exp(1) under H0).
    Statistic(f64),
    /// A node's local decision.
    Decision {
        /// `T_r > tau`.
        bit: bool,
        /// The statistic behind the bit. Not on the wire (it is not
        /// serialized): the CC uses it only for the ROC's other threshold
        /// levels, as an analyst's shadow of what the node would have sent.
        #[serde(skip)]
        statistic: f64,
    },
}

impl Report {
    /// The kind, for traces.
    pub fn kind(&self) -> MessageKind {
        match self {
            Report::Samples(_) => MessageKind::Samples,
            Report::Statistic(_) => MessageKind::Statistic,
            Report::Decision { .. } => MessageKind::Decision,
        }
    }

    /// Bytes of its encoding: variant index, then the contents.
    pub fn wire_len(&self) -> u64 {
        match self {
            Report::Samples(b) => 1 + b.wire_len(),
            Report::Statistic(_) => 1 + 8,
            Report::Decision { .. } => 1 + 1,
        }
    }
}

/// What the CC sends a RAP about one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Downlink {
    /// The frame's symbols, so that the RAP can compute its local statistic
    /// (Sec. IV).
    Symbols(SymbolBlock),
}

impl Downlink {
    /// The kind, for traces.
    pub fn kind(&self) -> MessageKind {
        match self {
            Downlink::Symbols(_) => MessageKind::Symbols,
        }
    }

    /// Bytes of its encoding.
    pub fn wire_len(&self) -> u64 {
        match self {
            Downlink::Symbols(b) => 1 + b.wire_len(),
        }
    }
}

/// A payload whose encoded size is known without encoding it.
pub trait WireLen {
    /// Bytes of the payload's encoding.
    fn wire_len(&self) -> u64;
}

impl WireLen for Report {
    fn wire_len(&self) -> u64 {
        Report::wire_len(self)
    }
}

impl WireLen for Downlink {
    fn wire_len(&self) -> u64 {
        Downlink::wire_len(self)
    }
}

/// A message: which frame, from whom, carrying what. Reports (`P =`
/// [`Report`]) go up to the CC, [`Downlink`] messages down to the RAPs, so a
/// payload can only travel the way it is meant to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message<P> {
    /// Frame index n.
    pub frame: u64,
    /// Sender (encoded as one u32 address).
    pub from: Sender,
    /// Contents.
    pub payload: P,
}

impl<P: WireLen> Message<P> {
    /// Bytes of the message's bincode 2 (standard config) encoding: the frame
    /// and sender varints, then the payload. What a link carries, before its
    /// header.
    pub fn wire_len(&self) -> u64 {
        varint_len(self.frame)
            + varint_len(u64::from(u32::from(self.from)))
            + self.payload.wire_len()
    }
}

impl<P: Serialize + DeserializeOwned> Message<P> {
    /// The bincode 2 (standard config) encoding; statistic-level stand-ins
    /// have none (an error).
    pub fn encode(&self) -> Result<Vec<u8>, String> {
        bincode::serde::encode_to_vec(self, bincode::config::standard()).map_err(|e| e.to_string())
    }

    /// Decodes what [`Message::encode`] produced; trailing bytes are an error.
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let (m, used): (Self, usize) =
            bincode::serde::decode_from_slice(bytes, bincode::config::standard())
                .map_err(|e| e.to_string())?;
        if used != bytes.len() {
            return Err(format!(
                "{} trailing bytes after a message",
                bytes.len() - used
            ));
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::{CMat, cn_matrix};
    use crate::node::{NodeId, SymbolFormat};
    use crate::rng::{STREAM_TEST, stream};

    const FORMATS: [SampleFormat; 4] = [
        SampleFormat::F64,
        SampleFormat::F32,
        SampleFormat::I16,
        SampleFormat::I8,
    ];

    fn batch(rows: usize, cols: usize) -> CMat {
        cn_matrix(&mut stream(3, &[STREAM_TEST, 0x6d]), rows, cols, 2.0)
    }

    fn reports() -> Vec<Message<Report>> {
        let z = batch(4, 5);
        let mut payloads: Vec<Report> = FORMATS
            .iter()
            .map(|&f| Report::Samples(Batch::Full(SampleBatch::quantize(&z, f))))
            .collect();
        payloads.push(Report::Samples(Batch::Full(SampleBatch::quantize(
            &CMat::zeros(2, 3),
            SampleFormat::I8,
        ))));
        payloads.extend([
            Report::Statistic(3.25),
            Report::Decision {
                bit: true,
                statistic: 0.0,
            },
            Report::Decision {
                bit: false,
                statistic: 0.0,
            },
        ]);
        let nodes = [0, 7, 300];
        let frames = [0u64, 250, 251, 70_000, 5_000_000_000];
        let it = payloads.into_iter().enumerate();
        it.map(|(i, payload)| Message {
            frame: frames[i % frames.len()],
            from: Sender::Node(NodeId(nodes[i % 3])),
            payload,
        })
        .collect()
    }

    #[test]
    fn wire_len_is_the_encoded_length_and_messages_round_trip() {
        for m in reports() {
            let bytes = m.encode().unwrap();
            assert_eq!(m.wire_len(), bytes.len() as u64, "{}", m.payload.kind());
            assert_eq!(Message::decode(&bytes).unwrap(), m);
        }
        let s = batch(9, 30);
        for format in [SymbolFormat::F64, SymbolFormat::F32] {
            let m = Message {
                frame: 77,
                from: Sender::Cc,
                payload: Downlink::Symbols(SymbolBlock::encode(&s, format)),
            };
            let bytes = m.encode().unwrap();
            assert_eq!(m.wire_len(), bytes.len() as u64);
            assert_eq!(Message::decode(&bytes).unwrap(), m);
        }
    }

    #[test]
    fn stand_ins_cost_what_they_stand_for() {
        let z = batch(20, 30);
        for f in [SampleFormat::F64, SampleFormat::F32] {
            let full = Message {
                frame: 300,
                from: Sender::Node(NodeId(4)),
                payload: Report::Samples(Batch::Full(SampleBatch::quantize(&z, f))),
            };
            let stand = Message {
                payload: Report::Samples(Batch::Projected {
                    y_b: C64::new(1.0, 2.0),
                    rows: 20,
                    cols: 30,
                    format: f,
                }),
                ..full.clone()
            };
            assert_eq!(stand.wire_len(), full.wire_len());
            assert!(stand.encode().is_err(), "a stand-in has no encoding");
        }
        let s = batch(9, 30);
        let w = batch(16, 9);
        let a = crate::linalg::CVec::from_element(16, C64::new(1.0, 0.0));
        for format in [SymbolFormat::F64, SymbolFormat::F32] {
            let real = SymbolBlock::encode(&s, format);
            let summary = SymbolBlock::Summary {
                known: real.decode(&w, &a),
                beams: 9,
                cols: 30,
                format,
            };
            assert_eq!(summary.wire_len(), real.wire_len());
        }
    }

    #[test]
    fn sizes_follow_the_format() {
        let z = batch(20, 30);
        let len = |f| {
            let payload = Report::Samples(Batch::Full(SampleBatch::quantize(&z, f)));
            Message {
                frame: 12345,
                from: Sender::Node(NodeId(3)),
                payload,
            }
            .wire_len()
        };
        let sizes = FORMATS.map(len);
        for (size, bytes_per_value) in sizes.into_iter().zip([8, 4, 2, 1]) {
            let raw = 1200 * bytes_per_value;
            assert!(raw < size && size <= raw + 32, "{sizes:?}");
        }
        let decision = Message {
            frame: 12345,
            from: Sender::Node(NodeId(3)),
            payload: Report::Decision {
                bit: true,
                statistic: 9.0,
            },
        };
        assert!(decision.wire_len() <= 12, "{}", decision.wire_len());
    }

    #[test]
    fn decode_rejects_garbage() {
        let mut bytes = reports()[2].encode().unwrap();
        bytes.push(0);
        assert!(Message::<Report>::decode(&bytes).is_err());
        assert!(Message::<Report>::decode(&bytes[..bytes.len() / 2]).is_err());
    }
}
