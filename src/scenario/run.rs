//! The `[run]` settings, resolved, and their defaults.

use crate::network::PfaEstimator;
use serde::{Deserialize, Serialize};

/// How a point is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fidelity {
    /// Sample-level frames through the message-passing engine.
    Sample,
    /// The detectors' sufficient statistics, drawn from their exact joint
    /// law, through the same engine and links (`network::medium`).
    Statistic,
    /// Analytic Pd only (no frames): fast, for trends and checks.
    Analytic,
}

/// The fused false-alarm levels of the ROC: 1e-6 to 1e-1, two per decade.
pub const ROC_PFA: [f64; 11] = [
    1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1,
];

/// The `[run]` section, resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// Random drops per point.
    pub drops: u64,
    /// Frames per drop.
    pub frames: u64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Evaluation fidelity.
    pub fidelity: Fidelity,
    /// How target-free frames estimate Pfa.
    pub pfa_estimator: PfaEstimator,
    /// Whether every point and variant sees the same drops and frames
    /// (common random numbers: curves differ without sampling noise between
    /// them); otherwise each point and variant draws its own.
    pub common_random_numbers: bool,
    /// Fused false-alarm levels at which the CC also decides, for roc.csv
    /// (empty: no ROC).
    pub roc_pfa: Vec<f64>,
}

impl Default for RunSettings {
    /// 100 drops of 100 frames, seed 1, sample level, direct Pfa, independent
    /// points, the ROC at [`ROC_PFA`]. Every run default is written here and
    /// nowhere else.
    fn default() -> Self {
        RunSettings {
            drops: 100,
            frames: 100,
            seed: 1,
            fidelity: Fidelity::Sample,
            pfa_estimator: PfaEstimator::Direct,
            common_random_numbers: false,
            roc_pfa: ROC_PFA.to_vec(),
        }
    }
}
