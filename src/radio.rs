//! The radio model of paper Sec. II: geometry, arrays, channels, precoders,
//! targets, and the signals each sensing node receives.

mod array;
mod channel;
mod frame;
mod geometry;
mod precoder;
mod scene;
mod target;

pub use array::steering;
pub use channel::{direct_channel, user_channels};
pub use frame::{Frame, draw_symbols, observe_node, target_waveform, transmit};
pub use geometry::{
    GeometryError, Layout, SPEED_OF_LIGHT, distance, path_gain, path_loss_db, sin_angle,
};
pub use precoder::{rzf, zf_sensing};
pub use scene::Scene;
pub use target::{TargetModel, draw_alpha};
