//! The discrete-event engine: simulated time, the event kernel, backhaul links
//! and the messages that cross them.

pub mod kernel;
pub mod link;
pub mod message;
pub mod time;

pub use kernel::Kernel;
pub use link::{Link, LinkConfig, LinkStats, Transmission};
pub use message::{Message, Payload, SampleBatch, SampleData, SampleFormat};
pub use time::SimTime;
