//! Target fluctuation models: Swerling 0 (fixed amplitude) and Swerling I.

use crate::linalg::{C64, cn};
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// How the target's complex gain alpha_r is drawn each frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetModel {
    /// Fixed `|alpha_r|^2 = var`, uniform phase: non-fluctuating.
    Swerling0,
    /// `alpha_r ~ CN(0, var)`, eq. (8), constant over a frame, independent across
    /// frames and nodes.
    Swerling1,
}

/// One draw of alpha_r with mean power `var`.
pub fn draw_alpha<R: Rng + ?Sized>(model: TargetModel, var: f64, rng: &mut R) -> C64 {
    match model {
        TargetModel::Swerling0 => {
            let phase = rng.random::<f64>() * std::f64::consts::TAU;
            C64::from_polar(var.sqrt(), phase)
        }
        TargetModel::Swerling1 => cn(rng, var),
    }
}
