//! Detectors: the centralized GLRT at the CC (eqs. 24-25), the local whitened
//! GLRT at a node (eqs. 35-42), soft fusion of local statistics, and thresholds
//! from each statistic's exact null law (docs/model.md §6.3-6.4).
//!
//! Every statistic here is normalized so that, under H0 and given the frame's
//! symbols, one node contributes exactly an Exp(1) variable: the centralized
//! statistic over n nodes is Gamma(n, 1), the local one Exp(1).

mod centralized;
mod local;
mod soft;
mod threshold;

pub use centralized::{glrt, glrt_literal, glrt_term, matched};
pub use local::{LocalDetector, LocalFilter};
pub use soft::WeightedSum;
pub use threshold::{glrt_pfa, glrt_threshold, local_threshold, paper_threshold};
