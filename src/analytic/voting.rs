//! Pd of local decisions fused by voting: eqs. (44)-(45), (28), (48)-(53) as
//! printed, and exact Poisson-binomial fusion of exact per-node laws.

use super::{Gram, LinkBudget};
use crate::detect::{local_threshold, paper_threshold};
use crate::fusion::{VotingRule, paper_kappa};
use crate::radio::TargetModel;
use crate::special::{binomial_sf, marcum_q, poisson_binomial_sf};

/// Pd of voting fusion, as printed and exact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VotingPd {
    /// Per-node Pd from eq. (28) with rho_r of eqs. (44)-(45) and threshold (27),
    /// averaged (eq. 49), kappa from eqs. (52)-(53), fused by the binomial of (48).
    pub paper: f64,
    /// kappa of the printed formulas.
    pub paper_kappa: usize,
    /// Exact per-node Pd (Swerling I: `Pfa^(1/(1+SNR))`; Swerling 0: Marcum Q),
    /// fused by the exact Poisson-binomial tail at `kappa`.
    pub exact: f64,
    /// kappa used by the exact computation (from `rule`; `PaperKappa` uses the
    /// exact mean per-node Pd).
    pub kappa: usize,
    /// The exact fused false-alarm rate at `kappa`: `P(Bin(n, node_pfa) >= kappa)`.
    pub fused_pfa: f64,
}

/// Exact Pd of one local detector with SNR `snr` at per-node false-alarm rate `pfa`.
pub fn local_pd(snr: f64, pfa: f64, target: TargetModel) -> f64 {
    match target {
        TargetModel::Swerling1 => pfa.powf(1.0 / (1.0 + snr)),
        TargetModel::Swerling0 => {
            marcum_q(1, (2.0 * snr).sqrt(), (2.0 * local_threshold(pfa)).sqrt())
        }
    }
}

/// Pd when `nodes` decide locally at per-node false-alarm rate `node_pfa` and
/// the CC counts their bits with `rule`.
pub fn voting(
    b: &LinkBudget,
    nodes: &[usize],
    node_pfa: f64,
    rule: VotingRule,
    target: TargetModel,
    gram: Gram,
) -> VotingPd {
    let n = nodes.len();
    if n == 0 {
        return VotingPd {
            paper: 0.0,
            paper_kappa: 1,
            exact: 0.0,
            kappa: 1,
            fused_pfa: 0.0,
        };
    }
    let l = b.frame_symbols as f64;
    let xi = paper_threshold(node_pfa);
    let pd_paper: Vec<f64> = nodes
        .iter()
        .map(|&r| {
            let rho = b.nodes[r].alpha_var * l * b.target_power * b.nodes[r].paper_local;
            marcum_q(1, rho.sqrt(), xi.sqrt())
        })
        .collect();
    let pd_hat = pd_paper.iter().sum::<f64>() / n as f64;
    let paper_kappa = paper_kappa(n, pd_hat, node_pfa);
    let paper = binomial_sf(n as u64, paper_kappa as u64, pd_hat);

    let mean_exact = nodes
        .iter()
        .map(|&r| local_pd(b.snr_local(r, l), node_pfa, target))
        .sum::<f64>()
        / n as f64;
    let kappa = rule.kappa(n, mean_exact, node_pfa);
    let exact = gram.expect(b.frame_symbols, |g| {
        let p: Vec<f64> = nodes
            .iter()
            .map(|&r| local_pd(b.snr_local(r, g), node_pfa, target))
            .collect();
        poisson_binomial_sf(&p, kappa)
    });
    VotingPd {
        paper,
        paper_kappa,
        exact,
        kappa,
        fused_pfa: binomial_sf(n as u64, kappa as u64, node_pfa),
    }
}
