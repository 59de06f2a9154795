//! The `[run]` settings, resolved, and their defaults.

use serde::{Deserialize, Serialize};

/// How a point is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fidelity {
    /// Sample-level frames through the message-passing engine.
    Sample,
    /// Analytic Pd only (no frames): fast, for trends and checks.
    Analytic,
}

/// The `[run]` section, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// Random drops per point.
    pub drops: u64,
    /// Frames per drop.
    pub frames: u64,
    /// Seed of every random stream (the same for every point and variant:
    /// common random numbers, and independent of execution order).
    pub seed: u64,
    /// Evaluation fidelity.
    pub fidelity: Fidelity,
}

impl Default for RunSettings {
    /// 100 drops of 100 frames, seed 1, sample level. Every run default is
    /// written here and nowhere else.
    fn default() -> Self {
        RunSettings {
            drops: 100,
            frames: 100,
            seed: 1,
            fidelity: Fidelity::Sample,
        }
    }
}
