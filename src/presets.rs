//! Building blocks shared by tests, benches and the reference evaluation: the
//! paper's system at a given sigma_rcs^2 or physically calibrated, a standard
//! link, the Fig. 7 schemes.

use crate::design::NodePfa;
use crate::fusion::VotingRule;
use crate::network::NetParams;
use crate::params::NodeSet;
use crate::params::{Params, SensingScale, db_to_lin};
use crate::reference::{Fusion, Scheme};
use crate::sim::LinkConfig;

/// The paper's Fig. 7 radio system, `Params::paper()` (Pmax =
/// 30 dBm, Gamma = 15 dB, R = 10, K = 8, sensing noise 40 dBm) at
/// sigma_rcs^2 = `rcs_db`.
pub fn default_params(rcs_db: f64) -> Params {
    let mut p = Params::paper();
    p.sensing.scale = SensingScale::Paper {
        rcs_var: db_to_lin(rcs_db),
    };
    p
}

/// The paper's system with R = `raps` RAPs under the physical calibration:
/// the bistatic radar equation at 3.5 GHz for a target of `rcs_m2` and
/// sensing noise `sensing_dbm` (thermal noise is -104 dBm).
pub fn physical_params(raps: usize, rcs_m2: f64, sensing_dbm: f64) -> Params {
    let mut p = Params::paper();
    p.system.raps = raps;
    p.sensing.scale = SensingScale::Bistatic {
        rcs_m2,
        carrier_hz: crate::params::PHYSICAL_CARRIER_HZ,
    };
    p.noise.sensing_w = crate::params::dbm_to_w(sensing_dbm);
    p
}

/// The network's default link ([`NetParams::default_link`]: 50 us latency,
/// lossless) with capacity `capacity_bps` (None = unlimited).
pub fn link(capacity_bps: Option<f64>) -> LinkConfig {
    LinkConfig {
        capacity_bps,
        ..NetParams::default_link()
    }
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
        node_pfa: NodePfa::Target,
    };
    let vote_fused = Fusion::Voting {
        rule: VotingRule::PaperKappa,
        node_pfa: NodePfa::Fused,
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
