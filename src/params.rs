//! System parameters: the validated, plain-data description of one IAPS system.
//!
//! Quantities are SI and linear here (W, linear ratios, metres); the scenario
//! layer converts dBm and dB. Defaults follow the paper's Sec. V where it gives
//! a value and `../shared/model-notes.md` where it does not.

use crate::detect::LocalFilter;
use crate::power::Policy;
use crate::radio::TargetModel;
use serde::{Deserialize, Serialize};

/// Array sizes and frame length (paper Sec. II-A).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemParams {
    /// M: BS transmit antennas.
    pub tx_antennas: usize,
    /// N0: BS receive antennas (active sensing).
    pub bs_rx_antennas: usize,
    /// N1: receive antennas at each RAP (passive sensing).
    pub rap_antennas: usize,
    /// K: single-antenna users.
    pub users: usize,
    /// R: receive access points.
    pub raps: usize,
    /// L: symbols per frame, the detection window.
    pub frame_symbols: usize,
    /// delta: antenna spacing in wavelengths, eqs. (5), (6), (9).
    pub spacing: f64,
}

/// Which sensing nodes a scheme uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeSet {
    /// BS and every RAP: IAPS.
    All,
    /// The BS only: active sensing.
    Bs,
    /// The RAPs only: passive sensing.
    Raps,
}

impl NodeSet {
    /// Node indices (0 = BS) for a system with `raps` RAPs.
    pub fn nodes(self, raps: usize) -> Vec<usize> {
        match self {
            NodeSet::All => (0..=raps).collect(),
            NodeSet::Bs => vec![0],
            NodeSet::Raps => (1..=raps).collect(),
        }
    }
}

/// Where the nodes are (paper Sec. V, Fig. 5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeometryParams {
    /// Side of the square region (m); random nodes are uniform in it.
    pub region_m: f64,
    /// Minimum distance between any two nodes, and between a node and the
    /// target (m). The paper gives none; it also clips the path-loss model.
    pub min_distance_m: f64,
    /// Target position; `None` puts it at the centre of the region.
    pub target: Option<[f64; 2]>,
    /// BS position; `None` draws it.
    pub bs: Option<[f64; 2]>,
    /// RAP positions; `None` draws them. If given, must hold R entries.
    pub raps: Option<Vec<[f64; 2]>>,
    /// User positions; `None` draws them. If given, must hold K entries.
    pub users: Option<Vec<[f64; 2]>>,
    /// Orientation of every array axis (rad from the x axis). Angles theta and
    /// phi_r are measured from broadside, so `sin(theta)` is the direction's
    /// component along the array axis.
    pub array_axis_rad: f64,
}

/// How strong the target echo is at each node.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SensingScale {
    /// The paper's model, eq. (8): `alpha_r ~ CN(0, sigma_rcs^2)` at every node,
    /// with no path loss; pair it with the sensing noise of the paper calibration.
    Paper {
        /// sigma_rcs^2 (linear).
        rcs_var: f64,
    },
    /// Bistatic radar equation: `E|alpha_r|^2 = lambda^2 sigma / ((4 pi)^3 d_t^2 d_r^2)`
    /// with d_t the BS-target and d_r the target-node distance (array gains are
    /// in the steering vectors). Pair it with thermal sensing noise.
    Bistatic {
        /// Radar cross section sigma (m^2).
        rcs_m2: f64,
        /// Carrier frequency (Hz).
        carrier_hz: f64,
    },
}

/// Detection settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SensingParams {
    /// Echo strength model.
    pub scale: SensingScale,
    /// Swerling 0 or Swerling I.
    pub target: TargetModel,
    /// Design false-alarm probability of the fused decision.
    pub pfa: f64,
    /// Whether the dedicated sensing symbol s0 is transmitted.
    pub sensing_symbol: bool,
    /// How a RAP suppresses the direct path before its local statistic.
    pub local_filter: LocalFilter,
}

/// Power budget and allocation (Secs. III-IV).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PowerParams {
    /// Pmax (W).
    pub pmax_w: f64,
    /// Gamma, the users' SINR target (linear).
    pub sinr: f64,
    /// Allocation policy.
    pub policy: Policy,
    /// RZF regularization lambda of eq. (10); `None` means `K sigma_c^2 / Pmax`.
    pub rzf_lambda: Option<f64>,
}

/// Noise powers. The paper uses one sigma_n^2; its figures need the sensing
/// noise far above the communication noise (model-notes), so they are separate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NoiseParams {
    /// sigma_c^2 at each user (W), in the SINR (3).
    pub comm_w: f64,
    /// sigma_s^2 at each sensing receive antenna (W), in eqs. (4) and (7).
    pub sensing_w: f64,
}

/// Everything that defines one IAPS system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Arrays and frame.
    pub system: SystemParams,
    /// Node positions.
    pub geometry: GeometryParams,
    /// Power allocation.
    pub power: PowerParams,
    /// Target and detection.
    pub sensing: SensingParams,
    /// Noise powers.
    pub noise: NoiseParams,
}

/// dBm to W.
pub fn dbm_to_w(dbm: f64) -> f64 {
    10f64.powf((dbm - 30.0) / 10.0)
}

/// dB to linear.
pub fn db_to_lin(db: f64) -> f64 {
    10f64.powf(db / 10.0)
}

/// A parameter outside its valid range, named by its key path.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{key} = {value}: {expected}")]
pub struct ParamError {
    /// Key path, e.g. `system.users`.
    pub key: &'static str,
    /// The offending value, printed.
    pub value: String,
    /// The valid range, in words.
    pub expected: String,
}

impl Params {
    /// The paper's Sec. V system with the "paper" sensing calibration:
    /// M = 16, N0 = N1 = 20, K = 8, R = 10, L = 30, Pmax = 30 dBm, Gamma = 15 dB,
    /// sigma_c^2 = -104 dBm (10 MHz thermal), sigma_s^2 = 40 dBm,
    /// sigma_rcs^2 = -16 dB, Pfa = 1e-5, Swerling I, s0 on, P2 by LP.
    pub fn paper() -> Self {
        Params {
            system: SystemParams {
                tx_antennas: 16,
                bs_rx_antennas: 20,
                rap_antennas: 20,
                users: 8,
                raps: 10,
                frame_symbols: 30,
                spacing: 0.5,
            },
            geometry: GeometryParams {
                region_m: 500.0,
                min_distance_m: 10.0,
                target: None,
                bs: None,
                raps: None,
                users: None,
                array_axis_rad: 0.0,
            },
            power: PowerParams {
                pmax_w: dbm_to_w(30.0),
                sinr: db_to_lin(15.0),
                policy: Policy::Lp,
                rzf_lambda: None,
            },
            sensing: SensingParams {
                scale: SensingScale::Paper {
                    rcs_var: db_to_lin(-16.0),
                },
                target: TargetModel::Swerling1,
                pfa: 1e-5,
                sensing_symbol: true,
                local_filter: LocalFilter::Whitened,
            },
            noise: NoiseParams {
                comm_w: dbm_to_w(-104.0),
                sensing_w: dbm_to_w(40.0),
            },
        }
    }

    /// Number of sensing nodes, BS included: R + 1.
    pub fn nodes(&self) -> usize {
        self.system.raps + 1
    }

    /// Receive antennas of node `r` (0 is the BS).
    pub fn rx_antennas(&self, r: usize) -> usize {
        if r == 0 {
            self.system.bs_rx_antennas
        } else {
            self.system.rap_antennas
        }
    }

    /// The RZF lambda in force.
    pub fn rzf_lambda(&self) -> f64 {
        self.power
            .rzf_lambda
            .unwrap_or(self.system.users as f64 * self.noise.comm_w / self.power.pmax_w)
    }

    /// Checks every range; returns all violations, not just the first.
    pub fn validate(&self) -> Result<(), Vec<ParamError>> {
        let mut errs = Vec::new();
        let mut need = |ok: bool, key: &'static str, value: String, expected: &str| {
            if !ok {
                errs.push(ParamError {
                    key,
                    value,
                    expected: expected.to_string(),
                });
            }
        };
        let s = &self.system;
        need(
            s.tx_antennas >= 1,
            "system.tx_antennas",
            s.tx_antennas.to_string(),
            "must be >= 1",
        );
        need(
            s.bs_rx_antennas >= 1,
            "system.bs_rx_antennas",
            s.bs_rx_antennas.to_string(),
            "must be >= 1",
        );
        need(
            s.rap_antennas >= 1,
            "system.rap_antennas",
            s.rap_antennas.to_string(),
            "must be >= 1",
        );
        need(
            s.users >= 1 && s.users <= s.tx_antennas,
            "system.users",
            s.users.to_string(),
            &format!("must be in 1..={} (K <= M, paper Sec. II-A)", s.tx_antennas),
        );
        need(
            s.raps <= 1024,
            "system.raps",
            s.raps.to_string(),
            "must be in 0..=1024",
        );
        need(
            s.frame_symbols >= 1,
            "system.frame_symbols",
            s.frame_symbols.to_string(),
            "must be >= 1",
        );
        need(
            s.spacing > 0.0 && s.spacing.is_finite(),
            "system.spacing",
            s.spacing.to_string(),
            "must be > 0 (wavelengths)",
        );
        let g = &self.geometry;
        need(
            g.region_m > 0.0 && g.region_m.is_finite(),
            "geometry.region_m",
            g.region_m.to_string(),
            "must be > 0",
        );
        need(
            g.min_distance_m >= 0.0 && g.min_distance_m < g.region_m / 2.0,
            "geometry.min_distance_m",
            g.min_distance_m.to_string(),
            "must be in [0, region_m / 2)",
        );
        if let Some(r) = &g.raps {
            need(
                r.len() == s.raps,
                "geometry.raps",
                format!("{} positions", r.len()),
                &format!("must list system.raps = {} positions", s.raps),
            );
        }
        if let Some(u) = &g.users {
            need(
                u.len() == s.users,
                "geometry.users",
                format!("{} positions", u.len()),
                &format!("must list system.users = {} positions", s.users),
            );
        }
        let p = &self.power;
        need(
            p.pmax_w > 0.0 && p.pmax_w.is_finite(),
            "power.pmax",
            p.pmax_w.to_string(),
            "must be > 0 W",
        );
        need(
            p.sinr > 0.0 && p.sinr.is_finite(),
            "power.sinr",
            p.sinr.to_string(),
            "must be > 0 (linear)",
        );
        if let Policy::Algorithm1 { step_w } = p.policy {
            need(
                step_w > 0.0 && step_w < p.pmax_w,
                "power.step",
                step_w.to_string(),
                "must be in (0, pmax) W",
            );
        }
        if let Some(l) = p.rzf_lambda {
            need(
                l >= 0.0 && l.is_finite(),
                "power.rzf_lambda",
                l.to_string(),
                "must be >= 0",
            );
        }
        let se = &self.sensing;
        need(
            se.pfa > 0.0 && se.pfa < 1.0,
            "sensing.pfa",
            se.pfa.to_string(),
            "must be in (0, 1)",
        );
        match se.scale {
            SensingScale::Paper { rcs_var } => need(
                rcs_var >= 0.0 && rcs_var.is_finite(),
                "sensing.rcs",
                rcs_var.to_string(),
                "must be >= 0 (linear)",
            ),
            SensingScale::Bistatic { rcs_m2, carrier_hz } => {
                need(
                    rcs_m2 >= 0.0 && rcs_m2.is_finite(),
                    "sensing.rcs_m2",
                    rcs_m2.to_string(),
                    "must be >= 0 m^2",
                );
                need(
                    carrier_hz > 0.0 && carrier_hz.is_finite(),
                    "sensing.carrier_hz",
                    carrier_hz.to_string(),
                    "must be > 0 Hz",
                );
            }
        }
        if se.local_filter == LocalFilter::Projection {
            need(
                s.raps == 0 || s.rap_antennas > s.tx_antennas,
                "sensing.local_filter",
                "projection".into(),
                "projection needs rap_antennas > tx_antennas (N1 > M) to leave a null space",
            );
        }
        let n = &self.noise;
        need(
            n.comm_w > 0.0 && n.comm_w.is_finite(),
            "noise.comm",
            n.comm_w.to_string(),
            "must be > 0 W",
        );
        need(
            n.sensing_w > 0.0 && n.sensing_w.is_finite(),
            "noise.sensing",
            n.sensing_w.to_string(),
            "must be > 0 W",
        );
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_defaults_are_valid() {
        Params::paper().validate().unwrap();
    }

    #[test]
    fn every_violation_is_reported_with_its_key() {
        let mut p = Params::paper();
        p.system.users = 17;
        p.sensing.pfa = 0.0;
        p.noise.sensing_w = -1.0;
        let errs = p.validate().unwrap_err();
        let keys: Vec<_> = errs.iter().map(|e| e.key).collect();
        assert_eq!(keys, ["system.users", "sensing.pfa", "noise.sensing"]);
        assert!(errs[0].to_string().contains("1..=16"));
    }
}
