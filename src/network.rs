//! The simulated network: BS, RAPs and CC as actors over modeled backhaul
//! links, driven by the discrete-event kernel. Fusion is whatever the CC can
//! do with the reports that reach it by each frame's deadline.
//!
//! ```text
//!  t_n = n * frame_interval
//!   │ FrameStart: BS picks symbols, transmits X = W S; the medium computes each
//!   │             receiver's echo (+ direct path); CC sends symbol indices to
//!   │             the RAPs over the downlinks (if configured)
//!   │ Observe(r) at t_n + L T_sym + propagation: node r adds its noise and
//!   │             reports samples / statistic / decision per its policy
//!   │ Arrive:     each report reaches the CC after queueing, serialization
//!   │             8 B / C and latency on node r's uplink
//!   v Decide:     the CC fuses what arrived, as soon as every expected report is
//!                 in or at the deadline t_n + L T_sym + budget; later reports
//!                 are counted late
//! ```

mod arrived;
pub mod capacity;
mod config;
pub mod importance;
mod medium;
mod metrics;
mod prepare;
mod run;
pub mod transport;
mod world;

pub use arrived::ArrivedPd;
pub use config::{NetParams, SymbolDelivery};
pub use medium::{Fidelity, FrameTruth, Generators, Medium};
pub use metrics::{FrameRecord, FusedCounts, LevelMetrics, LinkReport, RunMetrics};
pub use prepare::{Prepared, prepare_drop};
pub use run::{
    DropError, DropReport, PfaEstimator, PointSpec, RunOutput, drop_ctx, drop_scene, run_drop,
    run_drops,
};
pub use world::{EngineError, World, WorldConfig, WorldOutput};
