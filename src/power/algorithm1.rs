//! Algorithm 1 exactly as printed: lower p0 by a fixed step, solving P_A each time.

use super::{Allocation, Infeasible, PowerProblem, lp_min_power_given_p0, min_power};

/// Algorithm 1 (Sec. IV-C) with step `step_w` (W), P_A solved by the LP at every step:
/// `p0' = Pmax`, `P_sum = p0'`; while `P_sum >= Pmax`: `p0 = p0' - step`, solve P_A,
/// `P_sum = ||p||_1` (including p0), `p0' = p0`. Output the last P_A solution.
///
/// Beyond the printed text: if `p0` would drop below 0 it is clamped to 0 for a final
/// try, and if that still needs `>= Pmax` the result is `Err(Budget)`; an infeasible
/// P_A (`rho(F) >= 1`) is returned at once; a non-positive or non-finite step is
/// `Err(Solver)`. `iterations` counts the loop passes (P_A solves). It lands within
/// one step below the closed-form [`super::max_p0`], after about `(Pmax - p0*) / step`
/// passes. Without the sensing symbol this is [`min_power`].
pub fn algorithm1(problem: &PowerProblem, step_w: f64) -> Result<Allocation, Infeasible> {
    if !problem.sensing_symbol {
        return min_power(problem);
    }
    if !(step_w.is_finite() && step_w > 0.0) {
        return Err(Infeasible::Solver(format!(
            "Algorithm 1 step {step_w} W must be > 0"
        )));
    }
    let pmax = problem.pmax_w;
    if !(pmax.is_finite() && pmax > 0.0) {
        return min_power(problem); // nothing to lower; typed Budget error unless p = 0 fits
    }
    let mut p0_prev = pmax;
    let mut p_sum = p0_prev;
    let mut iterations = 0;
    let mut last = None;
    while p_sum >= pmax {
        if p0_prev <= 0.0 {
            return Err(Infeasible::Budget {
                needed_w: p_sum,
                pmax_w: pmax,
            });
        }
        let p0 = (p0_prev - step_w).max(0.0);
        let alloc = lp_min_power_given_p0(problem, p0)?;
        iterations += 1;
        p_sum = alloc.p.sum();
        last = Some(alloc.p);
        p0_prev = p0;
    }
    Ok(Allocation {
        p: last.unwrap_or_else(|| nalgebra::DVector::zeros(problem.users() + 1)),
        iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::power::max_p0;
    use crate::power::problem::toy;

    #[test]
    fn lands_one_step_below_the_closed_form() {
        let pr = toy(2.0, 1.0, 0.05);
        let closed = max_p0(&pr).unwrap().p[0];
        for step in [0.1, 0.01, 0.003] {
            let a = algorithm1(&pr, step).unwrap();
            let gap = closed - a.p[0];
            assert!(
                (-1e-12..=step + 1e-9).contains(&gap),
                "step {step}: gap {gap}"
            );
            assert!(a.p.sum() < 1.0);
            assert_eq!(a.iterations, ((1.0 - a.p[0]) / step).round() as usize);
        }
    }

    #[test]
    fn infeasible_cases_are_typed() {
        assert!(matches!(
            algorithm1(&toy(2.0, 0.5, 0.05), 0.01),
            Err(Infeasible::Budget { .. })
        ));
        assert!(matches!(
            algorithm1(&toy(10.0, 1.0, 0.05), 0.01),
            Err(Infeasible::SpectralRadius { .. })
        ));
        assert!(matches!(
            algorithm1(&toy(2.0, 1.0, 0.05), 0.0),
            Err(Infeasible::Solver(_))
        ));
    }
}
