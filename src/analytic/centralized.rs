//! Pd of the centralized GLRT: eq. (28) with eq. (30) as printed, corrected, exact.

use super::{Gram, LinkBudget};
use crate::detect::{glrt_threshold, paper_threshold};
use crate::radio::TargetModel;
use crate::special::{marcum_q, sum_exp_sf};

/// Pd of the centralized detector three ways.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CentralizedPd {
    /// Eq. (28) with rho of eq. (30) as printed and the chi^2_2 threshold (27).
    pub paper: f64,
    /// Eq. (28) with rho of eq. (30) without the `1/(N0 + R N1)` factor.
    pub corrected: f64,
    /// The exact Pd of the statistic the simulator computes, with the
    /// threshold from its exact null law, Gamma(n, 1).
    pub exact: f64,
}

/// Pd when the CC fuses the samples of `nodes` (indices into the budget).
pub fn centralized(
    b: &LinkBudget,
    nodes: &[usize],
    pfa: f64,
    target: TargetModel,
    gram: Gram,
) -> CentralizedPd {
    if nodes.is_empty() {
        return CentralizedPd {
            paper: 0.0,
            corrected: 0.0,
            exact: 0.0,
        };
    }
    let l = b.frame_symbols as f64;
    let xi = paper_threshold(pfa);
    // Eq. (30): rho = L sigma_rcs^2 / ((N0 + R N1) sigma^2) sum_r tr(B_r W^ B_r^H),
    // tr(B_r W^ B_r^H) = N_r a^H W^ a.
    let sum_snr: f64 = nodes.iter().map(|&r| b.snr_central(r, l)).sum();
    let antennas: f64 = nodes.iter().map(|&r| b.nodes[r].central_gain).sum();
    let paper = marcum_q(1, (sum_snr / antennas).sqrt(), xi.sqrt());
    let corrected = marcum_q(1, sum_snr.sqrt(), xi.sqrt());
    let n = nodes.len();
    let t = glrt_threshold(n, pfa);
    let exact = gram.expect(b.frame_symbols, |g| match target {
        TargetModel::Swerling1 => {
            let means: Vec<f64> = nodes.iter().map(|&r| 1.0 + b.snr_central(r, g)).collect();
            sum_exp_sf(&means, t)
        }
        TargetModel::Swerling0 => {
            let lambda: f64 = nodes.iter().map(|&r| b.snr_central(r, g)).sum();
            marcum_q(n as u32, (2.0 * lambda).sqrt(), (2.0 * t).sqrt())
        }
    });
    CentralizedPd {
        paper,
        corrected,
        exact,
    }
}
