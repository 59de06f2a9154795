//! Exact Pd of the CC's GLRT over a mix of soft and one-bit reports
//! (`fusion::mixed_threshold`), for the engine's result columns.

use super::{Gram, LinkBudget, local_pd};
use crate::radio::TargetModel;
use crate::special::{marcum_q, poisson_binomial_pmf, sum_exp_sf};

/// What node r reports, for the analytic Pd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Samples: the CC's centralized term (array gain N_r).
    Samples,
    /// The node's local statistic (array gain through its filter).
    Statistic,
    /// The node's bit at per-node rate q.
    Bit,
}

/// `P(sum_soft T_r + tau J > threshold | H1)` with `tau = -ln q`: soft terms
/// are exponentials with means `1 + SNR_r` (Swerling I) or scaled noncentral
/// chi-squares (Swerling 0); J counts the bits that fire, each with its exact
/// local Pd. Averaged over the symbol energy by `gram`.
pub fn mixed_glrt_pd(
    b: &LinkBudget,
    nodes: &[(usize, Report)],
    q: f64,
    threshold: f64,
    target: TargetModel,
    gram: Gram,
) -> f64 {
    let tau = -q.ln();
    gram.expect(b.frame_symbols, |g| {
        let snr = |r: usize, rep: Report| match rep {
            Report::Samples => b.snr_central(r, g),
            _ => b.snr_local(r, g),
        };
        let soft: Vec<f64> = nodes
            .iter()
            .filter(|(_, k)| *k != Report::Bit)
            .map(|&(r, k)| snr(r, k))
            .collect();
        let bits: Vec<f64> = nodes
            .iter()
            .filter(|(_, k)| *k == Report::Bit)
            .map(|&(r, k)| local_pd(snr(r, k), q, target))
            .collect();
        let pmf = poisson_binomial_pmf(&bits);
        pmf.iter()
            .enumerate()
            .map(|(j, &pj)| {
                let rest = threshold - j as f64 * tau;
                let tail = if soft.is_empty() {
                    f64::from(u8::from(rest < 0.0))
                } else if rest <= 0.0 {
                    1.0
                } else {
                    match target {
                        TargetModel::Swerling1 => {
                            let means: Vec<f64> = soft.iter().map(|s| 1.0 + s).collect();
                            sum_exp_sf(&means, rest)
                        }
                        TargetModel::Swerling0 => {
                            let lambda: f64 = soft.iter().sum();
                            marcum_q(
                                soft.len() as u32,
                                (2.0 * lambda).sqrt(),
                                (2.0 * rest).sqrt(),
                            )
                        }
                    }
                };
                pj * tail
            })
            .sum()
    })
}
