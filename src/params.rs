//! System parameters: the validated, plain-data description of one IAPS system.
//!
//! Quantities are SI and linear here (W, linear ratios, metres); the scenario
//! layer converts dBm and dB. Defaults follow the paper's Sec. V where it gives
//! a value and docs/model.md §1 explains where it does not.

use crate::detect::LocalFilter;
use crate::power::Policy;
use crate::radio::TargetModel;
use serde::{Deserialize, Serialize};

mod key;
mod validate;

pub(crate) use key::Errors;
pub use key::{ParamError, ParamKey};

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
/// noise far above the communication noise (docs/model.md §1), so they are
/// separate.
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

/// Pmax of the paper's Sec. V (dBm).
pub const PAPER_PMAX_DBM: f64 = 30.0;
/// Gamma, the users' SINR target, of the paper's Sec. V (dB).
pub const PAPER_SINR_DB: f64 = 15.0;
/// sigma_rcs^2 of the paper's Sec. V (dB).
pub const PAPER_RCS_DB: f64 = -16.0;
/// sigma_c^2 (dBm): thermal noise over 10 MHz (docs/model.md §1).
pub const PAPER_COMM_DBM: f64 = -104.0;
/// sigma_s^2 of the paper calibration (dBm): far above the communication
/// noise, as the paper's figures need (docs/model.md §1).
pub const PAPER_SENSING_DBM: f64 = 40.0;
/// Algorithm 1's power step (W), as in the paper; `paper()` allocates by LP
/// and uses it only when the policy is `Policy::Algorithm1`.
pub const PAPER_STEP_W: f64 = 0.01;
/// Radar cross section of the physical (bistatic) calibration (m^2).
pub const PHYSICAL_RCS_M2: f64 = 1.0;
/// Carrier of the physical (bistatic) calibration (Hz).
pub const PHYSICAL_CARRIER_HZ: f64 = 3.5e9;

impl Params {
    /// The paper's Sec. V system with the "paper" sensing calibration:
    /// M = 16, N0 = N1 = 20, K = 8, R = 10, L = 30, Pmax = [`PAPER_PMAX_DBM`],
    /// Gamma = [`PAPER_SINR_DB`], sigma_c^2 = [`PAPER_COMM_DBM`],
    /// sigma_s^2 = [`PAPER_SENSING_DBM`], sigma_rcs^2 = [`PAPER_RCS_DB`],
    /// Pfa = 1e-5, Swerling I, s0 on, P2 by LP. Every default of the
    /// radio system is written here (or in those constants) and nowhere else.
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
                pmax_w: dbm_to_w(PAPER_PMAX_DBM),
                sinr: db_to_lin(PAPER_SINR_DB),
                policy: Policy::Lp,
                rzf_lambda: None,
            },
            sensing: SensingParams {
                scale: SensingScale::Paper {
                    rcs_var: db_to_lin(PAPER_RCS_DB),
                },
                target: TargetModel::Swerling1,
                pfa: 1e-5,
                sensing_symbol: true,
                local_filter: LocalFilter::Whitened,
            },
            noise: NoiseParams {
                comm_w: dbm_to_w(PAPER_COMM_DBM),
                sensing_w: dbm_to_w(PAPER_SENSING_DBM),
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
}
