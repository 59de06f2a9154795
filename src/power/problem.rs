//! The per-drop power allocation problem, policies and outcomes.

use crate::linalg::{CMat, CVec};
use nalgebra::{DMatrix, DVector};

/// One drop's power allocation problem.
#[derive(Debug, Clone)]
pub struct PowerProblem {
    /// `g[(k, j)] = |h_k^H w~_j|^2`, K rows, K+1 columns; column 0 is the sensing beam.
    pub gains: DMatrix<f64>,
    /// `c[j] = |a^H(theta) w~_j|^2`, K+1 entries: how much of beam j's power reaches the target.
    pub target_gain: DVector<f64>,
    /// Communication noise power sigma_c^2 at each user (W).
    pub noise_w: f64,
    /// SINR target Gamma (linear).
    pub sinr: f64,
    /// Power budget Pmax (W).
    pub pmax_w: f64,
    /// Whether the dedicated sensing symbol s0 may get power; if not, p0 = 0.
    pub sensing_symbol: bool,
}

impl PowerProblem {
    /// Builds the problem from user channels `h` (M x K), unit-norm precoders `w`
    /// (M x (K+1), column 0 the sensing beam) and the transmit steering vector `a` (M).
    pub fn from_beams(
        h: &CMat,
        w: &CMat,
        a: &CVec,
        noise_w: f64,
        sinr: f64,
        pmax_w: f64,
        sensing_symbol: bool,
    ) -> Self {
        let _ = (h, w, a, noise_w, sinr, pmax_w, sensing_symbol);
        todo!("helper: power")
    }

    /// Number of users K.
    pub fn users(&self) -> usize {
        self.gains.nrows()
    }

    /// SINR of every user, eq. (3), for powers `p` (K+1 entries, p[0] = p0).
    pub fn sinr_of(&self, p: &DVector<f64>) -> DVector<f64> {
        let _ = p;
        todo!("helper: power")
    }

    /// Target gain `sum_j p_j c_j` of an allocation: the P1 objective up to the
    /// constant `sum_r N_r` (eq. 32).
    pub fn objective(&self, p: &DVector<f64>) -> f64 {
        self.target_gain.dot(p)
    }
}

/// A power allocation policy.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// P2 solved exactly as a linear program (clarabel).
    Lp,
    /// The closed-form largest p0 with `1^T p = Pmax` (Lemma 3's rule).
    MaxP0,
    /// Algorithm 1 as printed: p0 decreased by `step_w` from Pmax, P_A solved each step.
    Algorithm1 {
        /// The step size Delta p (W); the paper uses 0.01.
        step_w: f64,
    },
    /// Communication-centric: minimum total power meeting the SINR targets, p0 = 0.
    MinPower,
}

/// A feasible power allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// Powers, K+1 entries: p[0] = p0 (sensing beam), p[k] for user k.
    pub p: DVector<f64>,
    /// Iterations used (Algorithm 1's loop count, the solver's iterations, or 1).
    pub iterations: usize,
}

/// Why no allocation meets every user's SINR target within the budget.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Infeasible {
    /// The interference matrix F has spectral radius >= 1: no power meets Gamma.
    #[error("SINR target unreachable at any power (spectral radius of F = {radius:.4} >= 1)")]
    SpectralRadius {
        /// Spectral radius of F.
        radius: f64,
    },
    /// Meeting Gamma needs more than the budget.
    #[error("SINR target needs {needed_w:.4} W, budget is {pmax_w:.4} W")]
    Budget {
        /// Minimum total power that meets every target.
        needed_w: f64,
        /// The budget Pmax.
        pmax_w: f64,
    },
    /// The LP solver stopped without a usable answer.
    #[error("LP solver: {0}")]
    Solver(String),
}

/// Allocates power by `policy`. Without the sensing symbol, `MaxP0` and
/// `Algorithm1` have no p0 to raise and return the minimum-power allocation.
pub fn allocate(problem: &PowerProblem, policy: Policy) -> Result<Allocation, Infeasible> {
    let _ = (problem, policy);
    todo!("helper: power")
}
