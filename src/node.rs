//! The actors: a sensing receiver (the BS's active side or a RAP) and the CC,
//! the messages they exchange, and the drop context they share. Each actor is
//! a plain state machine: it reacts to an input at a simulated time and
//! returns messages; it does no I/O and reads no clock.

mod cc;
mod ctx;
mod id;
mod message;
mod observation;
mod receiver;
mod samples;
mod symbols;
mod wire;

pub use cc::{Cc, CcConfig, CcDecision, CcFusion, CcInput, Fused, Level, Source};
pub use ctx::{DropCtx, DropId, drop_stream};
pub use id::{NodeId, Sender};
pub use message::{Batch, Downlink, Message, MessageKind, Report, WireLen};
pub use observation::Observation;
pub use receiver::{Receiver, ReceiverConfig};
pub use samples::{SampleBatch, SampleData, SampleFormat};
pub use symbols::{FrameSymbols, SymbolBlock, SymbolFormat};

use serde::{Deserialize, Serialize};

/// What a sensing node sends the CC for each frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportPolicy {
    /// Its received samples (N_r x L), for the CC's centralized GLRT.
    Samples,
    /// Its local soft statistic (one f64).
    Statistic,
    /// Its local one-bit decision.
    Decision,
    /// Frame by frame, the richest of the three that its uplink can deliver by
    /// the deadline given its capacity and current backlog.
    Adaptive,
}
