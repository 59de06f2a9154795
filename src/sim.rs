//! The discrete-event engine: simulated time, the event kernel and the
//! backhaul links. It knows nothing of radios or actors: links carry byte
//! counts, the kernel carries whatever events its user defines.

pub mod kernel;
pub mod link;
pub mod open;
pub mod segment;
pub mod time;

pub use kernel::{Kernel, SchedulingError};
pub use link::{Link, LinkConfig, LinkKey, LinkProblem, LinkStats, Transmission, serialization};
pub use open::OpenFrames;
pub use segment::{Offered, Scheduling, Segment, SegmentConfig};
pub use time::SimTime;
