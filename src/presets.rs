//! The embedded default run: the paper's Fig. 7 system at one sigma_rcs^2 under
//! a few backhaul settings, so that voting-level and GLRT-level fusion show up
//! from the links alone.

use crate::fusion::VotingRule;
use crate::network::{CcFusion, NetParams};
use crate::node::ReportPolicy;
use crate::params::{Params, SensingScale, db_to_lin};
use crate::reference::{Fusion, NodeSet, Scheme};
use crate::sim::{LinkConfig, SimTime};

/// The radio system of the default run: `Params::paper()` (Fig. 7: Pmax =
/// 30 dBm, Gamma = 15 dB, R = 10, K = 8, sensing noise 40 dBm) at
/// sigma_rcs^2 = `rcs_db`.
pub fn default_params(rcs_db: f64) -> Params {
    let mut p = Params::paper();
    p.sensing.scale = SensingScale::Paper {
        rcs_var: db_to_lin(rcs_db),
    };
    p
}

/// A link of `capacity_bps` (None = unlimited) with 50 us latency.
pub fn link(capacity_bps: Option<f64>) -> LinkConfig {
    LinkConfig {
        capacity_bps,
        latency: SimTime::from_secs(50e-6),
        ..LinkConfig::default()
    }
}

/// The backhaul settings of the default run, each a labelled [`NetParams`]:
/// unlimited links with samples (the centralized GLRT), and 10 Mbit/s links
/// with samples, decisions and the adaptive policy. One frame per ms, a 1 ms
/// decision budget, f32 samples (4.8 kB per node per frame, 38 Mbit/s).
pub fn default_settings() -> Vec<(String, NetParams)> {
    let mk = |label: &str, cap: Option<f64>, report: ReportPolicy| {
        let net = NetParams {
            uplinks: vec![link(cap)],
            downlinks: vec![link(cap)],
            report: vec![report],
            ..NetParams::default()
        };
        (label.to_string(), net)
    };
    vec![
        mk("unlimited, samples", None, ReportPolicy::Samples),
        mk("10 Mbit/s, samples", Some(10e6), ReportPolicy::Samples),
        mk("10 Mbit/s, decision", Some(10e6), ReportPolicy::Decision),
        mk("10 Mbit/s, adaptive", Some(10e6), ReportPolicy::Adaptive),
    ]
}

/// The curves of Fig. 7 for the link-free reference evaluation, plus voting
/// with the paper's per-node Pfa and with the fused-Pfa design.
pub fn fig7_schemes() -> Vec<Scheme> {
    use crate::power::Policy;
    let s = |label: &str, nodes, s0, policy, fusion| Scheme {
        label: label.into(),
        nodes,
        sensing_symbol: s0,
        policy,
        fusion,
    };
    let c = Fusion::Centralized;
    let vote = Fusion::Voting {
        rule: VotingRule::PaperKappa,
        fused_pfa: false,
    };
    let vote_fused = Fusion::Voting {
        rule: VotingRule::PaperKappa,
        fused_pfa: true,
    };
    vec![
        s("IAPS with s0", NodeSet::All, true, Policy::Lp, c),
        s("passive with s0", NodeSet::Raps, true, Policy::Lp, c),
        s("active with s0", NodeSet::Bs, true, Policy::Lp, c),
        s("IAPS w/o s0", NodeSet::All, false, Policy::Lp, c),
        s("passive w/o s0", NodeSet::Raps, false, Policy::Lp, c),
        s("active w/o s0", NodeSet::Bs, false, Policy::Lp, c),
        s("min P_total", NodeSet::All, false, Policy::MinPower, c),
        s(
            "IAPS voting, node Pfa",
            NodeSet::All,
            true,
            Policy::MaxP0,
            vote,
        ),
        s(
            "IAPS voting, fused Pfa",
            NodeSet::All,
            true,
            Policy::MaxP0,
            vote_fused,
        ),
    ]
}

/// `CcFusion` of the paper's limited-backhaul case: voting with its kappa.
pub fn paper_voting() -> CcFusion {
    CcFusion::Vote(VotingRule::PaperKappa)
}
