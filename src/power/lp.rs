//! Linear programs solved with clarabel: P2 and P_A.
//!
//! The SINR constraints (3) are affine in `p`; each row is divided by the user's own
//! gain `g_kk` ([`PowerProblem::normalized`]) and powers are measured in units of a
//! problem scale, because raw gains (~1e-10) and noise (~1e-13 W) are badly scaled.
//!
//! **Post-processing.** An interior-point answer may miss a constraint by ~1e-9
//! relative. We read the LP's `p0` (clamped to `>= 0`) and its per-user slacks
//! `s = (I - F) p' - u - p0 c'` (clamped to `>= 0`), then rebuild the user powers
//! exactly as `p' = (I - F)^{-1} (u + p0 c' + s)` ([`SinrSystem::users`]), so every
//! user meets Gamma to rounding. For P2, if the rebuilt total exceeds Pmax, `(p0, s)`
//! are shrunk by the common factor that restores `1^T p = Pmax` (shrinking slack
//! keeps every SINR feasible). The objective moves by the solver's tolerance (~1e-9).

use super::closed_form::{check_budget, fit_budget, with_p0};
use super::{Allocation, Infeasible, PowerProblem, SinrSystem};
use clarabel::algebra::*;
use clarabel::solver::*;
use nalgebra::DVector;

/// P2: maximize `sum_j p_j c_j` subject to the SINR constraints (3), `1^T p <= Pmax`,
/// `p >= 0` (and `p0 = 0` without the sensing symbol): eqs. (31)-(33) as an LP.
///
/// Feasibility is certified first by the closed form ([`SinrSystem::new`], then
/// `1^T (I - F)^{-1} u <= Pmax`), which types the error as `SpectralRadius` or
/// `Budget`; a solver verdict of infeasible after that, or any other non-solved
/// status, is `Infeasible::Solver`.
pub fn lp_max_target_gain(problem: &PowerProblem) -> Result<Allocation, Infeasible> {
    let sys = SinrSystem::new(problem)?;
    let base = sys.y.sum();
    check_budget(problem, base)?;
    let k_users = problem.users();
    let scale = problem.pmax_w;
    if scale <= 0.0 {
        return Ok(Allocation {
            p: DVector::zeros(k_users + 1),
            iterations: 0,
        });
    }
    // Variables: [p0, p1..pK] / scale, or [p1..pK] / scale without s0.
    let off = usize::from(problem.sensing_symbol);
    let n = k_users + off;
    let c = &problem.target_gain;
    let cmax = c.iter().skip(1 - off).fold(0.0, |m: f64, &v| m.max(v));
    let q: Vec<f64> = (1 - off..=k_users)
        .map(|j| if cmax > 0.0 { -c[j] / cmax } else { 0.0 })
        .collect();
    let mut lp = Rows::new(n);
    sinr_rows(&mut lp, &sys, off, 0.0, scale);
    lp.push((0..n).map(|i| (i, 1.0)).collect(), 1.0);
    for i in 0..n {
        lp.push(vec![(i, -1.0)], 0.0);
    }
    let (x, iterations) = lp.solve(&q)?;
    let p0 = if off == 1 { x[0].max(0.0) * scale } else { 0.0 };
    let users = DVector::from_fn(k_users, |k, _| x[k + off] * scale);
    let mut s = sys.slack(p0, &users).map(|v| v.max(0.0));
    let mut p = with_p0(p0, &sys.users(p0, Some(&s)));
    let total = p.sum();
    if total > problem.pmax_w && total > base {
        let t = (problem.pmax_w - base) / (total - base);
        s *= t;
        p = with_p0(p0 * t, &sys.users(p0 * t, Some(&s)));
    }
    Ok(Allocation {
        p: fit_budget(problem, p),
        iterations,
    })
}

/// P_A as an LP: minimize `1^T p'` subject to the SINR constraints (3) for a fixed
/// `p0` (K variables). No budget constraint: the total may exceed Pmax (Algorithm 1
/// compares it with Pmax itself). Same post-processing as P2 (module docs).
pub fn lp_min_power_given_p0(problem: &PowerProblem, p0: f64) -> Result<Allocation, Infeasible> {
    let sys = SinrSystem::new(problem)?;
    let p0 = if p0.is_finite() { p0.max(0.0) } else { 0.0 };
    let k_users = problem.users();
    let (_, u, c) = sys.parts();
    let scale = match u.sum() + p0 * c.sum() {
        s if s > 0.0 && s.is_finite() => s,
        _ => 1.0,
    };
    let mut lp = Rows::new(k_users);
    sinr_rows(&mut lp, &sys, 0, p0, scale);
    for i in 0..k_users {
        lp.push(vec![(i, -1.0)], 0.0);
    }
    let (x, iterations) = lp.solve(&vec![1.0; k_users])?;
    let users = DVector::from_fn(k_users, |k, _| x[k] * scale);
    let s = sys.slack(p0, &users).map(|v| v.max(0.0));
    Ok(Allocation {
        p: with_p0(p0, &sys.users(p0, Some(&s))),
        iterations,
    })
}

/// The K normalized SINR rows `-p_k + sum_l F_kl p_l + c'_k p0 <= -u_k` in units of
/// `scale`. With `off = 1` variable 0 is `p0`; with `off = 0` the fixed `p0_w` moves
/// to the right-hand side.
fn sinr_rows(lp: &mut Rows, sys: &SinrSystem, off: usize, p0_w: f64, scale: f64) {
    let (f, u, c) = sys.parts();
    for k in 0..f.nrows() {
        let mut row: Vec<(usize, f64)> = (0..f.ncols())
            .map(|l| (l + off, if l == k { -1.0 } else { f[(k, l)] }))
            .collect();
        if off == 1 {
            row.push((0, c[k]));
        }
        lp.push(row, -(u[k] + c[k] * p0_w) / scale);
    }
}

/// A small LP `min q^T x s.t. A x <= b` in clarabel's form (`A x + s = b`, `s >= 0`).
struct Rows {
    n: usize,
    triplets: (Vec<usize>, Vec<usize>, Vec<f64>),
    b: Vec<f64>,
}

impl Rows {
    fn new(n: usize) -> Self {
        Self {
            n,
            triplets: (Vec::new(), Vec::new(), Vec::new()),
            b: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<(usize, f64)>, rhs: f64) {
        let i = self.b.len();
        for (j, v) in row.into_iter().filter(|(_, v)| *v != 0.0) {
            self.triplets.0.push(i);
            self.triplets.1.push(j);
            self.triplets.2.push(v);
        }
        self.b.push(rhs);
    }

    /// Solves; returns `x` and the solver's iteration count.
    fn solve(self, q: &[f64]) -> Result<(Vec<f64>, usize), Infeasible> {
        let m = self.b.len();
        let (ii, jj, vv) = self.triplets;
        let a = CscMatrix::new_from_triplets(m, self.n, ii, jj, vv);
        let p = CscMatrix::<f64>::zeros((self.n, self.n));
        let cones = [NonnegativeConeT(m)];
        let settings = DefaultSettingsBuilder::default()
            .verbose(false)
            .tol_gap_abs(1e-11)
            .tol_gap_rel(1e-11)
            .tol_feas(1e-10)
            .build()
            .map_err(|e| Infeasible::Solver(e.to_string()))?;
        let mut solver = DefaultSolver::new(&p, q, &a, &self.b, &cones, settings)
            .map_err(|e| Infeasible::Solver(e.to_string()))?;
        solver.solve();
        let sol = &solver.solution;
        match sol.status {
            SolverStatus::Solved | SolverStatus::AlmostSolved
                if sol.x.iter().all(|v| v.is_finite()) =>
            {
                Ok((sol.x.clone(), sol.iterations as usize))
            }
            status => Err(Infeasible::Solver(format!(
                "clarabel stopped with status {status} although the closed form is feasible"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::power::problem::toy;
    use crate::power::{min_power_given_p0, p2_vertex};

    #[test]
    fn lp_matches_the_vertex_solution_and_is_feasible() {
        for (leak, s0) in [(0.0, true), (0.05, true), (0.5, true), (0.05, false)] {
            let pr = PowerProblem {
                sensing_symbol: s0,
                ..toy(2.0, 1.0, leak)
            };
            let lp = lp_max_target_gain(&pr).unwrap();
            let exact = pr.objective(&p2_vertex(&pr).unwrap().p);
            assert!(
                (pr.objective(&lp.p) / exact - 1.0).abs() < 1e-7,
                "leak {leak} s0 {s0}"
            );
            assert!(lp.p.sum() <= 1.0 && lp.p.min() >= 0.0 && (s0 || lp.p[0] == 0.0));
            assert!(pr.sinr_of(&lp.p).iter().all(|s| *s >= 2.0 * (1.0 - 1e-9)));
        }
    }

    #[test]
    fn lp_min_power_matches_closed_form() {
        let pr = toy(2.0, 1.0, 0.05);
        for p0 in [0.0, 0.3, 2.0] {
            let lp = lp_min_power_given_p0(&pr, p0).unwrap();
            let cf = min_power_given_p0(&pr, p0).unwrap();
            assert!((&lp.p - &cf.p).amax() <= 1e-7 * cf.p.amax(), "p0 {p0}");
        }
    }

    #[test]
    fn infeasible_lps_are_typed() {
        assert!(matches!(
            lp_max_target_gain(&toy(10.0, 1.0, 0.0)),
            Err(Infeasible::SpectralRadius { .. })
        ));
        assert!(matches!(
            lp_max_target_gain(&toy(2.0, 0.1, 0.0)),
            Err(Infeasible::Budget { .. })
        ));
        assert!(matches!(
            lp_min_power_given_p0(&toy(10.0, 1.0, 0.0), 0.0),
            Err(Infeasible::SpectralRadius { .. })
        ));
    }
}
