//! Per-node false-alarm rates chosen so that the fused false-alarm rate meets a target.

/// The per-node Pfa `q` (equal at every node) with `P(Bin(n, q) >= kappa) = target`.
pub fn node_pfa_for_fused(n: usize, kappa: usize, target: f64) -> f64 {
    let _ = (n, kappa, target);
    todo!("helper: fusion")
}

/// A fixed point of the paper's kappa rule and the fused-Pfa design: returns
/// `(kappa, node_pfa)` such that `kappa = paper_kappa(n, pd_hat(node_pfa), node_pfa)`
/// and the fused Pfa at `kappa` equals `target`. `pd_hat` maps a per-node Pfa to
/// the mean per-node Pd.
pub fn paper_kappa_design(n: usize, target: f64, pd_hat: impl Fn(f64) -> f64) -> (usize, f64) {
    let _ = (n, target, pd_hat);
    todo!("helper: fusion")
}
