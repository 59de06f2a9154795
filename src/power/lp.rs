//! Linear programs solved with clarabel: P2 and P_A.

use super::{Allocation, Infeasible, PowerProblem};

/// P2: maximize `sum_j p_j c_j` subject to the SINR constraints (3), `1^T p <= Pmax`,
/// `p >= 0` (and `p0 = 0` without the sensing symbol).
pub fn lp_max_target_gain(problem: &PowerProblem) -> Result<Allocation, Infeasible> {
    let _ = problem;
    todo!("helper: power")
}

/// P_A as an LP: minimize `1^T p'` subject to the SINR constraints for a fixed `p0`.
pub fn lp_min_power_given_p0(problem: &PowerProblem, p0: f64) -> Result<Allocation, Infeasible> {
    let _ = (problem, p0);
    todo!("helper: power")
}
