//! Power allocation (paper Secs. III-IV): the LP P2, the closed-form max-p0 rule,
//! Algorithm 1 as printed, and communication-centric minimum power.
//!
//! All policies work on a [`PowerProblem`]: the beam gains `g_kj = |h_k^H w_j|^2`
//! and target gains `c_j = |a^H(theta) w_j|^2` of one drop. Beam 0 is the
//! sensing beam (symbol s0), beams 1..=K serve the users. The SINR constraint (3)
//! is affine in `p`, so P2 is a linear program (docs/model.md §2).

mod algorithm1;
mod closed_form;
mod lp;
mod problem;

pub use algorithm1::algorithm1;
pub use closed_form::{max_p0, min_power, min_power_given_p0, p2_vertex, perron_root};
pub use lp::{lp_max_target_gain, lp_min_power_given_p0};
pub use problem::{Allocation, Infeasible, Policy, PowerProblem, SinrSystem, allocate};
