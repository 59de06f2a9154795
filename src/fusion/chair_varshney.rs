//! Chair-Varshney weighted voting: the optimal fusion of independent bits.

/// The Chair-Varshney rule for nodes with known per-node Pd and Pfa: the fused
/// log-likelihood ratio `sum_r [u_r ln(Pd_r/Pfa_r) + (1-u_r) ln((1-Pd_r)/(1-Pfa_r))]`
/// compared with a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct ChairVarshney {
    /// Weight added when node r says 1: `ln(Pd_r / Pfa_r)`.
    pub w1: Vec<f64>,
    /// Weight added when node r says 0: `ln((1 - Pd_r) / (1 - Pfa_r))`.
    pub w0: Vec<f64>,
    /// Decide H1 when the LLR is >= this.
    pub threshold: f64,
}

impl ChairVarshney {
    /// The Bayes rule with prior `P(H1) = prior_h1` (threshold `ln(P(H0)/P(H1))`).
    pub fn bayes(pd: &[f64], pfa: &[f64], prior_h1: f64) -> Self {
        let _ = (pd, pfa, prior_h1);
        todo!("helper: fusion")
    }

    /// The Neyman-Pearson rule: the smallest threshold whose exact fused Pfa is
    /// at most `target` (no randomization, so the fused Pfa may fall below it).
    pub fn neyman_pearson(pd: &[f64], pfa: &[f64], target: f64) -> Self {
        let _ = (pd, pfa, target);
        todo!("helper: fusion")
    }

    /// The fused LLR of `bits`.
    pub fn llr(&self, bits: &[bool]) -> f64 {
        let _ = bits;
        todo!("helper: fusion")
    }

    /// The fused decision.
    pub fn decide(&self, bits: &[bool]) -> bool {
        self.llr(bits) >= self.threshold
    }

    /// Exact `P(decide H1)` when node r says 1 with probability `p[r]` independently.
    pub fn probability(&self, p: &[f64]) -> f64 {
        let _ = p;
        todo!("helper: fusion")
    }
}
