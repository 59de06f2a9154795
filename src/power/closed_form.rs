//! Closed forms: minimum power given p0 (P_A) and the largest feasible p0.

use super::{Allocation, Infeasible, PowerProblem};

/// P_A in closed form: the minimum user powers for a given `p0`, solving
/// `(I - F) p' = u + p0 c` (model-notes). Returns the full K+1 vector.
pub fn min_power_given_p0(problem: &PowerProblem, p0: f64) -> Result<Allocation, Infeasible> {
    let _ = (problem, p0);
    todo!("helper: power")
}

/// Communication-centric minimum total power, p0 = 0.
pub fn min_power(problem: &PowerProblem) -> Result<Allocation, Infeasible> {
    min_power_given_p0(problem, 0.0)
}

/// The largest p0 such that the minimum user powers plus p0 use exactly Pmax.
pub fn max_p0(problem: &PowerProblem) -> Result<Allocation, Infeasible> {
    let _ = problem;
    todo!("helper: power")
}
