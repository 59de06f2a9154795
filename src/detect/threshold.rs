//! Thresholds from exact null laws, and the paper's chi^2_2 threshold for comparison.

use crate::special::{gamma_isf_int, gamma_sf_int};

/// Threshold of the centralized statistic over `nodes` fused nodes: its H0 law is
/// Gamma(nodes, 1) = (1/2) chi^2 with 2 nodes dof (docs/model.md §6.3), not chi^2_2.
/// For Pfa = 1e-5: 11.51 (one node), 31.17 (eleven nodes).
pub fn glrt_threshold(nodes: usize, pfa: f64) -> f64 {
    gamma_isf_int(nodes as u32, pfa)
}

/// False-alarm rate of the centralized statistic over `nodes` nodes at `threshold`.
pub fn glrt_pfa(nodes: usize, threshold: f64) -> f64 {
    gamma_sf_int(nodes as u32, threshold)
}

/// Threshold of a local statistic: Exp(1) under H0, so `-ln(pfa)` (docs/model.md
/// item 4; the paper's eq. 43 would give twice that).
pub fn local_threshold(pfa: f64) -> f64 {
    -pfa.ln()
}

/// The paper's threshold, eq. (27): the chi^2_2 quantile `-2 ln(pfa)`
/// (23.03 at Pfa = 1e-5) whatever the number of nodes.
pub fn paper_threshold(pfa: f64) -> f64 {
    -2.0 * pfa.ln()
}
