//! Detection probability three ways, side by side: the paper's formulas as
//! printed (eq. 28 with eqs. 30, 44, 45), the corrected ones (eq. 30 without
//! the `1/(N0 + R N1)` factor), and exact laws (Swerling I: sums of
//! exponentials; Swerling 0: Marcum Q), for any subset of nodes.

mod budget;
mod centralized;
mod mixed;
mod voting;

pub use budget::{Gram, LinkBudget, NodeBudget};
pub use centralized::{CentralizedPd, centralized};
pub use mixed::{Report, mixed_glrt_pd};
pub use voting::{VotingPd, local_pd, voting};
