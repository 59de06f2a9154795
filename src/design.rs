//! Per-drop detection design, shared by the engine and the reference: the
//! per-node false-alarm rate q, the local threshold `tau = -ln q` (eq. 43
//! corrected, docs/model.md §6.4), the vote count rule and the mean local Pd
//! (eq. 49) that the paper's kappa (eqs. 52-53) needs.

use crate::analytic::{LinkBudget, local_pd};
use crate::detect::local_threshold;
use crate::fusion::{VotingRule, node_pfa_for_fused, paper_kappa_design};
use crate::radio::TargetModel;
use serde::{Deserialize, Serialize};

/// How the per-node false-alarm rate q behind every local threshold is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodePfa {
    /// q such that the *fused* decision meets the target: for GLRT fusion, OR
    /// over every node meets it exactly (`1 - (1 - q)^n = Pfa`), which is what
    /// a bit's weight in the mixed GLRT needs; for voting, the rule's kappa
    /// meets it (`P(Bin(n, q) >= kappa) = Pfa`; with the paper's kappa, a
    /// fixed point of kappa and q, `fusion::paper_kappa_design`).
    Fused,
    /// q = the target itself, as the paper does (the fused rate is then higher).
    Target,
}

/// The design of one drop's local detectors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeDesign {
    /// Per-node false-alarm rate.
    pub q: f64,
    /// Local threshold `-ln q` (the local statistic is Exp(1) under H0).
    pub tau: f64,
    /// The count rule the CC applies to the bits that arrive: the scheme's
    /// rule for `NodePfa::Target` (re-evaluated for the count that arrives),
    /// `AtLeast(kappa)` of the design for `NodePfa::Fused`.
    pub rule: VotingRule,
    /// Mean local Pd over the nodes at q (eq. 49), for the paper's kappa.
    pub pd_hat: f64,
}

impl NodeDesign {
    /// kappa for `n` bits that reached the CC.
    pub fn kappa(&self, n: usize) -> usize {
        self.rule.kappa(n, self.pd_hat, self.q)
    }
}

/// Designs the local detectors of `nodes` for fused false-alarm target `pfa`:
/// q by `node_pfa`, fused by `vote` (`None` is the GLRT over whatever
/// arrives, whose bits need q only). The mean local Pd uses the exact local
/// law at the nominal symbol energy (`L a^H W W^H a`).
pub fn design_nodes(
    b: &LinkBudget,
    nodes: &[usize],
    pfa: f64,
    target: TargetModel,
    node_pfa: NodePfa,
    vote: Option<VotingRule>,
) -> NodeDesign {
    let n = nodes.len();
    let l = b.frame_symbols as f64;
    let mean_pd = |q: f64| {
        nodes
            .iter()
            .map(|&r| local_pd(b.snr_local(r, l), q, target))
            .sum::<f64>()
            / n.max(1) as f64
    };
    let rule = vote.unwrap_or(VotingRule::Or);
    let (q, rule) = match (node_pfa, vote) {
        (NodePfa::Target, _) => (pfa, rule),
        (NodePfa::Fused, None) => (node_pfa_for_fused(n, 1, pfa), rule),
        (NodePfa::Fused, Some(VotingRule::PaperKappa)) => {
            let (kappa, q) = paper_kappa_design(n, pfa, mean_pd);
            (q, VotingRule::AtLeast(kappa))
        }
        (NodePfa::Fused, Some(r)) => {
            let kappa = r.kappa(n, 0.5, pfa);
            (
                node_pfa_for_fused(n, kappa, pfa),
                VotingRule::AtLeast(kappa),
            )
        }
    };
    NodeDesign {
        q,
        tau: local_threshold(q),
        rule,
        pd_hat: mean_pd(q),
    }
}
