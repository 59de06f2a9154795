//! k-out-of-n voting: rules, the paper's kappa (52-53) and error probability (48).

/// A counting rule over the n binary decisions that reach the CC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VotingRule {
    /// Declare a target if any node does (kappa = 1).
    Or,
    /// Declare a target if all nodes do (kappa = n).
    And,
    /// Declare a target if more than half do (kappa = floor(n/2) + 1).
    Majority,
    /// Declare a target if at least k do (k clamped to 1..=n).
    AtLeast(usize),
    /// The paper's kappa from the mean per-node Pd and Pfa, eqs. (52)-(53).
    PaperKappa,
}

impl VotingRule {
    /// The count threshold kappa for `n` voters; `pd_hat`, `pfa_hat` are the mean
    /// per-node probabilities (eqs. 49-50), used only by `PaperKappa`.
    pub fn kappa(&self, n: usize, pd_hat: f64, pfa_hat: f64) -> usize {
        let _ = (n, pd_hat, pfa_hat);
        todo!("helper: fusion")
    }

    /// The fused decision: `count >= kappa` (eq. 47 with ties to H1, as eq. 48 does).
    pub fn decide(kappa: usize, bits: &[bool]) -> bool {
        bits.iter().filter(|&&b| b).count() >= kappa
    }
}

/// Eqs. (52)-(53): `min(n, ceil(n / (1 + beta)))`, clamped to `1..=n`, finite
/// for every `pd_hat`, `pfa_hat` in [0, 1].
pub fn paper_kappa(n: usize, pd_hat: f64, pfa_hat: f64) -> usize {
    let _ = (n, pd_hat, pfa_hat);
    todo!("helper: fusion")
}

/// Eq. (48): the CC's error probability with equal priors,
/// `1/2 + 1/2 sum_{i<kappa} C(n,i) [pd^i (1-pd)^(n-i) - pfa^i (1-pfa)^(n-i)]`,
/// computed through binomial tails so it stays accurate for large n.
pub fn error_probability(n: usize, kappa: usize, pd_hat: f64, pfa_hat: f64) -> f64 {
    let _ = (n, kappa, pd_hat, pfa_hat);
    todo!("helper: fusion")
}

/// Exact `P(count >= kappa)` for independent nodes with probabilities `p`
/// (Poisson-binomial; binomial when all equal).
pub fn k_of_n_probability(p: &[f64], kappa: usize) -> f64 {
    let _ = (p, kappa);
    todo!("helper: fusion")
}
