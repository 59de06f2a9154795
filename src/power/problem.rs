//! The per-drop power allocation problem, policies and outcomes.

use super::closed_form::perron_root;
use crate::linalg::{CMat, CVec, dotc};
use nalgebra::{DMatrix, DVector, Dyn, LU};

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
    /// (M x (K+1), column 0 the sensing beam) and the transmit steering vector `a` (M):
    /// `g_kj = |h_k^H w~_j|^2` as in eq. (3), `c_j = |a^H w~_j|^2` as in eq. (32).
    ///
    /// # Panics
    /// If the dimensions disagree (a caller bug, not a property of the drop).
    pub fn from_beams(
        h: &CMat,
        w: &CMat,
        a: &CVec,
        noise_w: f64,
        sinr: f64,
        pmax_w: f64,
        sensing_symbol: bool,
    ) -> Self {
        let (k_users, beams) = (h.ncols(), w.ncols());
        assert_eq!(
            beams,
            k_users + 1,
            "w must have K+1 columns (beam 0 = sensing)"
        );
        assert_eq!(h.nrows(), w.nrows(), "h and w must have M rows");
        assert_eq!(a.len(), w.nrows(), "a must have M entries");
        let gains = DMatrix::from_fn(k_users, beams, |k, j| {
            dotc(h.column(k).as_slice(), w.column(j).as_slice()).norm_sqr()
        });
        let target_gain = DVector::from_fn(beams, |j, _| {
            dotc(a.as_slice(), w.column(j).as_slice()).norm_sqr()
        });
        Self {
            gains,
            target_gain,
            noise_w,
            sinr,
            pmax_w,
            sensing_symbol,
        }
    }

    /// Number of users K.
    pub fn users(&self) -> usize {
        self.gains.nrows()
    }

    /// SINR of every user, eq. (3), for powers `p` (K+1 entries, p[0] = p0).
    pub fn sinr_of(&self, p: &DVector<f64>) -> DVector<f64> {
        DVector::from_fn(self.users(), |k, _| {
            let row = self.gains.row(k);
            let interference: f64 = (0..row.len())
                .filter(|&j| j != k + 1)
                .map(|j| p[j] * row[j])
                .sum();
            p[k + 1] * row[k + 1] / (interference + self.noise_w)
        })
    }

    /// The SINR constraints (3) in affine form `p' >= F p' + u + p0 c'`, each row
    /// divided by the user's own gain `g_kk` (docs/model.md §2):
    /// `F_kl = Gamma g_kl / g_kk` (l != k, zero diagonal), `u_k = Gamma sigma^2 / g_kk`,
    /// `c'_k = Gamma g_k0 / g_kk`. Returns `(F, u, c')`.
    pub fn normalized(&self) -> (DMatrix<f64>, DVector<f64>, DVector<f64>) {
        let k_users = self.users();
        let g = &self.gains;
        let own = |k: usize| g[(k, k + 1)];
        let f = DMatrix::from_fn(k_users, k_users, |k, l| {
            if k == l {
                0.0
            } else {
                self.sinr * g[(k, l + 1)] / own(k)
            }
        });
        let u = DVector::from_fn(k_users, |k, _| self.sinr * self.noise_w / own(k));
        let c = DVector::from_fn(k_users, |k, _| self.sinr * g[(k, 0)] / own(k));
        (f, u, c)
    }

    /// Target gain `sum_j p_j c_j` of an allocation: the P1 objective up to the
    /// constant `sum_r N_r` (eq. 32).
    pub fn objective(&self, p: &DVector<f64>) -> f64 {
        self.target_gain.dot(p)
    }
}

/// The factored SINR system `(I - F) p' = u + p0 c' + s` of one drop (eq. 3 in the
/// normalized form of [`PowerProblem::normalized`]); `s >= 0` is the per-user slack.
///
/// Building it certifies feasibility: with `v = (I - F)^{-1} 1`, a finite `v >= 1`
/// proves `rho(F) <= 1 - 1/max(v) < 1` (Collatz-Wielandt, `F >= 0`), and then
/// `(I - F)^{-1} >= 0`, so every slack `s >= 0` gives nonnegative user powers.
#[derive(Debug, Clone)]
pub struct SinrSystem {
    f: DMatrix<f64>,
    u: DVector<f64>,
    c: DVector<f64>,
    lu: LU<f64, Dyn, Dyn>,
    /// Minimum user powers at `p0 = 0`: `y = (I - F)^{-1} u`.
    pub y: DVector<f64>,
    /// Extra user power per watt of `p0`: `z = (I - F)^{-1} c'`.
    pub z: DVector<f64>,
}

impl SinrSystem {
    /// Factors `I - F`; `Err(SpectralRadius)` if `rho(F) >= 1` (or gains are unusable).
    pub fn new(problem: &PowerProblem) -> Result<Self, Infeasible> {
        let (f, u, c) = problem.normalized();
        let k_users = f.nrows();
        let finite = |m: &[f64]| m.iter().all(|x| x.is_finite() && *x >= 0.0);
        if !(finite(f.as_slice()) && finite(u.as_slice()) && finite(c.as_slice())) {
            return Err(Infeasible::SpectralRadius {
                radius: f64::INFINITY,
            });
        }
        let lu = (DMatrix::identity(k_users, k_users) - &f).lu();
        let mut sys = Self {
            f,
            u,
            c,
            lu,
            y: DVector::zeros(0),
            z: DVector::zeros(0),
        };
        let fail = |f: &DMatrix<f64>| Infeasible::SpectralRadius {
            radius: perron_root(f),
        };
        let v = sys
            .solve(&DVector::repeat(k_users, 1.0))
            .ok_or_else(|| fail(&sys.f))?;
        if !v.iter().all(|x| *x >= 1.0 - 1e-9) {
            return Err(fail(&sys.f));
        }
        sys.y = sys
            .solve(&sys.u)
            .ok_or_else(|| fail(&sys.f))?
            .map(|x| x.max(0.0));
        sys.z = sys
            .solve(&sys.c)
            .ok_or_else(|| fail(&sys.f))?
            .map(|x| x.max(0.0));
        Ok(sys)
    }

    /// Solves `(I - F) x = rhs` with one step of iterative refinement.
    pub fn solve(&self, rhs: &DVector<f64>) -> Option<DVector<f64>> {
        let mut x = self.lu.solve(rhs)?;
        let r = rhs - (&x - &self.f * &x);
        x += self.lu.solve(&r)?;
        x.iter().all(|v| v.is_finite()).then_some(x)
    }

    /// User powers `p' = (I - F)^{-1} (u + p0 c' + s)`; `s = None` means zero slack (P_A).
    pub fn users(&self, p0: f64, slack: Option<&DVector<f64>>) -> DVector<f64> {
        let mut rhs = &self.u + &self.c * p0;
        if let Some(s) = slack {
            rhs += s;
        }
        // The certificate in `new` guarantees the solve succeeds; the fallback keeps it total.
        let p = self.solve(&rhs).unwrap_or_else(|| &self.y + &self.z * p0);
        p.map(|x| x.max(0.0))
    }

    /// The slack `(I - F) p' - u - p0 c'` of user powers `p'`: `>= 0` iff all meet Gamma.
    pub fn slack(&self, p0: f64, users: &DVector<f64>) -> DVector<f64> {
        users - &self.f * users - &self.u - &self.c * p0
    }

    /// The normalized system `(F, u, c')`.
    pub fn parts(&self) -> (&DMatrix<f64>, &DVector<f64>, &DVector<f64>) {
        (&self.f, &self.u, &self.c)
    }
}

/// A power allocation policy.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// P2 (eqs. 31-33), a linear program, at its optimum: computed exactly by
    /// its vertex solution ([`super::p2_vertex`]); clarabel's interior point
    /// ([`super::lp_max_target_gain`]) is the cross-check (docs/model.md §2).
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
    match policy {
        Policy::Lp => super::p2_vertex(problem),
        Policy::MaxP0 => super::max_p0(problem),
        Policy::Algorithm1 { step_w } => super::algorithm1(problem, step_w),
        Policy::MinPower => super::min_power(problem),
    }
}

/// A hand-checkable 2-user problem shared by the unit tests: `F = Gamma [[0, .1], [.2, 0]]`,
/// `u = Gamma 0.1`, sensing leakage `leak` into both users, target gains `[3, 1, 2]`.
#[cfg(test)]
pub(crate) fn toy(gamma: f64, pmax_w: f64, leak: f64) -> PowerProblem {
    PowerProblem {
        gains: DMatrix::from_row_slice(2, 3, &[leak, 1.0, 0.1, leak, 0.2, 1.0]),
        target_gain: DVector::from_vec(vec![3.0, 1.0, 2.0]),
        noise_w: 0.1,
        sinr: gamma,
        pmax_w,
        sensing_symbol: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::C64;

    #[test]
    fn from_beams_and_sinr_match_eq3() {
        let c = |re: f64, im: f64| C64::new(re, im);
        let h = CMat::from_row_slice(2, 2, &[c(1.0, 0.0), c(0.0, 1.0), c(0.0, 0.0), c(2.0, 0.0)]);
        let w = CMat::identity(2, 3);
        let a = CVec::from_vec(vec![c(1.0, 0.0), c(0.0, -1.0)]);
        let pr = PowerProblem::from_beams(&h, &w, &a, 0.5, 1.0, 1.0, true);
        // g_kj = |h_k^H e_j|^2 (w columns e_0, e_1, 0).
        assert_eq!(
            pr.gains,
            DMatrix::from_row_slice(2, 3, &[1.0, 0.0, 0.0, 1.0, 4.0, 0.0])
        );
        assert_eq!(pr.target_gain, DVector::from_vec(vec![1.0, 1.0, 0.0]));
        let t = toy(2.0, 1.0, 0.3);
        let p = DVector::from_vec(vec![0.5, 0.2, 0.4]);
        let s = t.sinr_of(&p);
        assert!((s[0] - 0.2 / (0.1 * 0.4 + 0.3 * 0.5 + 0.1)).abs() < 1e-15);
        assert!((s[1] - 0.4 / (0.2 * 0.2 + 0.3 * 0.5 + 0.1)).abs() < 1e-15);
    }

    #[test]
    fn spectral_radius_is_reported() {
        // Gamma = 10: F = [[0, 1], [2, 0]], rho = sqrt(2).
        match SinrSystem::new(&toy(10.0, 1.0, 0.0)) {
            Err(Infeasible::SpectralRadius { radius }) => {
                assert!((radius - 2f64.sqrt()).abs() < 1e-9, "{radius}")
            }
            other => panic!("{other:?}"),
        }
        assert!(
            (perron_root(&DMatrix::from_row_slice(2, 2, &[0.0, 0.2, 0.4, 0.0])) - 0.08f64.sqrt())
                .abs()
                < 1e-12
        );
    }
}
