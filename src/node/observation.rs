//! What a receiver observes of a frame: its samples (sample level), or the
//! two matched-filter projections its detectors and the CC's GLRT use
//! (statistic level).

use crate::linalg::{C64, CMat};

/// A receiver's observation of one frame, noise included.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// `Z_r`, N_r x L (eqs. 4, 7).
    Samples(CMat),
    /// Statistic level: `y_b = b_r^H Z_r conj(u)` (the CC's centralized term
    /// needs nothing else) and `y_q = q_r^H Z_r conj(u)` (the local
    /// statistic's, q_r the node's spatial filter), for an observation of
    /// `rows x cols` samples.
    Projected {
        /// `b_r^H Z_r conj(u)`.
        y_b: C64,
        /// `q_r^H Z_r conj(u)`.
        y_q: C64,
        /// N_r.
        rows: u32,
        /// L.
        cols: u32,
    },
}

impl Observation {
    /// (N_r, L).
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Observation::Samples(z) => z.shape(),
            Observation::Projected { rows, cols, .. } => (*rows as usize, *cols as usize),
        }
    }
}
