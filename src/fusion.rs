//! Decision fusion at the CC: k-out-of-n voting with the paper's kappa
//! (eqs. 47-53), OR/AND/majority, Chair-Varshney weighting, and per-node
//! thresholds chosen so that the *fused* false-alarm rate meets a target, and
//! the GLRT over a mix of soft and one-bit reports.

mod chair_varshney;
mod design;
mod mixed;
mod voting;

pub use chair_varshney::{ChairVarshney, MAX_STATES, MERGE_TOL, P_MAX, P_MIN, PRUNE_PROB};
pub use design::{node_pfa_for_fused, paper_kappa_design};
pub use mixed::{mixed_sf, mixed_threshold};
pub use voting::{VotingRule, error_probability, k_of_n_probability, paper_kappa};
