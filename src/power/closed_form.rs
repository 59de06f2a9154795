//! Closed forms: minimum power given p0 (P_A), the largest feasible p0, and the
//! exact vertex solution of P2 (used to cross-check the LP).

use super::{Allocation, Infeasible, PowerProblem, SinrSystem};
use nalgebra::{DMatrix, DVector};

/// P_A in closed form: the minimum user powers for a given `p0`, solving
/// `(I - F) p' = u + p0 c'` (docs/model.md §2; P_A in Algorithm 1).
/// Returns the full K+1 vector `[p0, p']`.
///
/// P_A has no budget constraint, so the only error is `SpectralRadius`
/// (`rho(F) >= 1`: no power meets Gamma); the total may exceed Pmax. A negative
/// or non-finite `p0` is treated as 0.
pub fn min_power_given_p0(problem: &PowerProblem, p0: f64) -> Result<Allocation, Infeasible> {
    let sys = SinrSystem::new(problem)?;
    let p0 = if p0.is_finite() { p0.max(0.0) } else { 0.0 };
    Ok(Allocation {
        p: with_p0(p0, &sys.users(p0, None)),
        iterations: 1,
    })
}

/// Communication-centric minimum total power, p0 = 0: `p' = (I - F)^{-1} u`.
/// `Err(Budget)` if that exceeds Pmax.
pub fn min_power(problem: &PowerProblem) -> Result<Allocation, Infeasible> {
    let alloc = min_power_given_p0(problem, 0.0)?;
    check_budget(problem, alloc.p.sum())?;
    Ok(alloc)
}

/// The largest p0 such that the minimum user powers plus p0 use exactly Pmax
/// (Lemma 3's rule, the limit of Algorithm 1 as the step goes to 0).
///
/// With `p' = y + p0 z`, `y = (I - F)^{-1} u`, `z = (I - F)^{-1} c'` (one LU, two
/// right-hand sides): `p0 = (Pmax - 1^T y) / (1 + 1^T z)`; `Err(Budget)` if negative.
/// Without the sensing symbol this is [`min_power`].
pub fn max_p0(problem: &PowerProblem) -> Result<Allocation, Infeasible> {
    if !problem.sensing_symbol {
        return min_power(problem);
    }
    let sys = SinrSystem::new(problem)?;
    let base = sys.y.sum();
    check_budget(problem, base)?;
    let p0 = ((problem.pmax_w - base) / (1.0 + sys.z.sum())).max(0.0);
    let p = with_p0(p0, &sys.users(p0, None));
    Ok(Allocation {
        p: fit_budget(problem, p),
        iterations: 1,
    })
}

/// P2 solved exactly without an LP solver: what `Policy::Lp` allocates, checked
/// against clarabel's [`super::lp_max_target_gain`] (tests/power_allocation_meets_sinr.rs).
///
/// Every feasible point is `p' = T (u + p0 c' + s)` with `T = (I - F)^{-1} >= 0` and
/// slack `s >= 0`, so P2 becomes: maximize a linear function of `(p0, s) >= 0` under
/// the single budget row `p0 + 1^T p' <= Pmax`. Its optimum spends the whole
/// leftover budget `Pmax - 1^T y` on the one variable with the best objective per
/// watt: `p0` gives `(c_0 + c_u^T z) / (1 + 1^T z)`, slack `s_k` gives
/// `c_u^T T e_k / 1^T T e_k`, where `c_u` are the users' target gains.
pub fn p2_vertex(problem: &PowerProblem) -> Result<Allocation, Infeasible> {
    let sys = SinrSystem::new(problem)?;
    let base = sys.y.sum();
    check_budget(problem, base)?;
    let k_users = problem.users();
    let c = &problem.target_gain;
    let cu = c.rows(1, k_users).into_owned();
    let leftover = (problem.pmax_w - base).max(0.0);
    // Candidate 0: all leftover on p0 (only with the sensing symbol).
    let mut best = (f64::NEG_INFINITY, None::<usize>);
    if problem.sensing_symbol {
        best = ((c[0] + cu.dot(&sys.z)) / (1.0 + sys.z.sum()), None);
    }
    for k in 0..k_users {
        let col = sys.users(0.0, Some(&unit(k_users, k))) - &sys.y;
        let ratio = cu.dot(&col) / col.sum();
        if ratio.is_finite() && ratio > best.0 {
            best = (ratio, Some(k));
        }
    }
    let p = match best.1 {
        None => {
            let p0 = leftover / (1.0 + sys.z.sum());
            with_p0(p0, &sys.users(p0, None))
        }
        Some(k) => {
            let col_sum = (sys.users(0.0, Some(&unit(k_users, k))) - &sys.y).sum();
            let s = unit(k_users, k) * (leftover / col_sum);
            with_p0(0.0, &sys.users(0.0, Some(&s)))
        }
    };
    Ok(Allocation {
        p: fit_budget(problem, p),
        iterations: 1,
    })
}

/// `Err(Budget)` if the minimum total `needed_w` exceeds Pmax (or Pmax is unusable).
pub(crate) fn check_budget(problem: &PowerProblem, needed_w: f64) -> Result<(), Infeasible> {
    let pmax_w = problem.pmax_w;
    if needed_w.is_finite() && pmax_w.is_finite() && needed_w <= pmax_w {
        Ok(())
    } else {
        Err(Infeasible::Budget { needed_w, pmax_w })
    }
}

/// Scales `p` down to the budget if rounding left it a hair above Pmax. Only
/// called on allocations whose excess is a rounding error; scaling every power by
/// `t < 1` changes each SINR by a relative `O((1 - t) sigma^2 / interference)`.
pub(crate) fn fit_budget(problem: &PowerProblem, p: DVector<f64>) -> DVector<f64> {
    let total = p.sum();
    if total > problem.pmax_w && total > 0.0 {
        p * (problem.pmax_w / total)
    } else {
        p
    }
}

/// `[p0, users...]`.
pub(crate) fn with_p0(p0: f64, users: &DVector<f64>) -> DVector<f64> {
    DVector::from_iterator(
        users.len() + 1,
        std::iter::once(p0).chain(users.iter().copied()),
    )
}

fn unit(n: usize, k: usize) -> DVector<f64> {
    let mut e = DVector::zeros(n);
    e[k] = 1.0;
    e
}

/// Perron root of a nonnegative matrix by power iteration on `I + F` (same Perron
/// vector, root shifted by 1, primitive when `F` is irreducible). Returns the
/// Collatz-Wielandt upper bound `max_i (F x)_i / x_i` at the final iterate.
pub fn perron_root(f: &DMatrix<f64>) -> f64 {
    let n = f.nrows();
    if n == 0 {
        return 0.0;
    }
    let mut x = DVector::repeat(n, 1.0 / n as f64);
    for _ in 0..2000 {
        let next = &x + f * &x;
        let norm = next.sum();
        if !(norm.is_finite() && norm > 0.0) {
            return f64::INFINITY;
        }
        x = next / norm;
    }
    let fx = f * &x;
    (0..n)
        .map(|i| if x[i] > 0.0 { fx[i] / x[i] } else { 0.0 })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::power::problem::toy;

    #[test]
    fn min_power_solves_the_2x2_system() {
        // F = [[0, .2], [.4, 0]], u = [.2, .2]: p' = [.24, .28] / .92, every SINR = Gamma.
        let pr = toy(2.0, 1.0, 0.0);
        let a = min_power(&pr).unwrap();
        assert!((a.p[1] - 0.24 / 0.92).abs() < 1e-15 && (a.p[2] - 0.28 / 0.92).abs() < 1e-15);
        assert_eq!(a.p[0], 0.0);
        assert!(
            pr.sinr_of(&a.p)
                .iter()
                .all(|s| (s / 2.0 - 1.0).abs() < 1e-14)
        );
        assert!(matches!(
            min_power(&toy(2.0, 0.5, 0.0)),
            Err(Infeasible::Budget { .. })
        ));
    }

    #[test]
    fn max_p0_spends_the_budget_with_equality() {
        let pr = toy(2.0, 1.0, 0.05);
        let a = max_p0(&pr).unwrap();
        assert!((a.p.sum() - 1.0).abs() < 1e-14 && a.p[0] > 0.0);
        assert!(
            pr.sinr_of(&a.p)
                .iter()
                .all(|s| (s / 2.0 - 1.0).abs() < 1e-12)
        );
        // Raising p0 by a hair breaks the budget: min power at p0 + eps exceeds Pmax.
        let more = min_power_given_p0(&pr, a.p[0] + 1e-9).unwrap();
        assert!(more.p.sum() > 1.0);
        let no_s0 = PowerProblem {
            sensing_symbol: false,
            ..pr.clone()
        };
        assert_eq!(max_p0(&no_s0).unwrap(), min_power(&no_s0).unwrap());
    }

    #[test]
    fn p2_vertex_beats_a_grid_of_feasible_points() {
        // Target gains [3, 1, 2]: with leakage, user 2's beam can beat the sensing beam.
        for leak in [0.0, 0.05, 0.5] {
            let pr = toy(2.0, 1.0, leak);
            let best = pr.objective(&p2_vertex(&pr).unwrap().p);
            let sys = SinrSystem::new(&pr).unwrap();
            for i in 0..=40 {
                for j in 0..=40 {
                    let (p0, s) = (
                        i as f64 / 40.0,
                        DVector::from_vec(vec![j as f64 / 40.0, 0.0]),
                    );
                    for s in [s.clone(), DVector::from_vec(vec![0.0, s[0]])] {
                        let p = with_p0(p0, &sys.users(p0, Some(&s)));
                        if p.sum() <= 1.0 {
                            assert!(pr.objective(&p) <= best * (1.0 + 1e-12), "leak {leak}");
                        }
                    }
                }
            }
        }
    }
}
