//! Algorithm 1 exactly as printed: lower p0 by a fixed step, solving P_A each time.

use super::{Allocation, Infeasible, PowerProblem};

/// Algorithm 1 with step `step_w` (W), P_A solved by the LP at every step.
pub fn algorithm1(problem: &PowerProblem, step_w: f64) -> Result<Allocation, Infeasible> {
    let _ = (problem, step_w);
    todo!("helper: power")
}
