//! The keys that parameter validation names, and its error type.

use crate::sim::LinkKey;
use std::fmt;

/// A validated key of [`Params`](super::Params) or
/// [`NetParams`](crate::network::NetParams): what a [`ParamError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKey {
    /// `system.tx_antennas`, M.
    TxAntennas,
    /// `system.bs_rx_antennas`, N0.
    BsRxAntennas,
    /// `system.rap_antennas`, N1.
    RapAntennas,
    /// `system.users`, K.
    Users,
    /// `system.raps`, R.
    Raps,
    /// `system.frame_symbols`, L.
    FrameSymbols,
    /// `system.spacing`, delta.
    Spacing,
    /// `geometry.region_m`.
    RegionM,
    /// `geometry.min_distance_m`.
    MinDistanceM,
    /// `geometry.raps`: the RAP positions.
    RapPositions,
    /// `geometry.users`: the user positions.
    UserPositions,
    /// `power.pmax`, Pmax in W.
    Pmax,
    /// `power.sinr`, Gamma (linear).
    Sinr,
    /// `power.step`, Algorithm 1's step in W.
    Step,
    /// `power.rzf_lambda`.
    RzfLambda,
    /// `sensing.pfa`.
    Pfa,
    /// `sensing.rcs`, sigma_rcs^2 (linear) of the paper calibration.
    Rcs,
    /// `sensing.rcs_m2` of the bistatic calibration.
    RcsM2,
    /// `sensing.carrier_hz` of the bistatic calibration.
    CarrierHz,
    /// `sensing.local_filter`.
    LocalFilter,
    /// `noise.comm`, sigma_c^2 in W.
    CommNoise,
    /// `noise.sensing`, sigma_s^2 in W.
    SensingNoise,
    /// `backhaul.symbol_time_s`.
    SymbolTime,
    /// `backhaul.frame_interval_s`.
    FrameInterval,
    /// `backhaul.deadline_s`.
    Deadline,
    /// `backhaul.uplinks`: the list itself (it must not be empty).
    Uplinks,
    /// `backhaul.downlinks`: the list itself (it must not be empty).
    Downlinks,
    /// A setting of the uplink at index `node` of `NetParams::uplinks` (node
    /// `node`'s, or every node's when it is the list's only entry).
    Uplink {
        /// Index in the list.
        node: usize,
        /// The link's key.
        key: LinkKey,
    },
    /// A setting of the downlink at index `node` of `NetParams::downlinks`.
    Downlink {
        /// Index in the list.
        node: usize,
        /// The link's key.
        key: LinkKey,
    },
    /// `backhaul.report`: the list of policies.
    Report,
    /// `run.target_probability`.
    TargetProbability,
    /// `backhaul.mtu_bytes` (against `backhaul.packet_header_bytes`).
    MtuBytes,
    /// `backhaul.rto_s` (with reliable transport).
    RtoS,
    /// The nodes of aggregation segment `entry`.
    AggregationNodes {
        /// Index among the segments.
        entry: usize,
    },
    /// A setting of aggregation segment `entry` (`capacity_bps`,
    /// `latency_s` or `buffer_bytes`).
    Segment {
        /// Index among the segments.
        entry: usize,
        /// The setting, named as a link's.
        key: LinkKey,
    },
    /// The fault of node `node` (its restart before its crash).
    Fault {
        /// The node.
        node: usize,
    },
}

impl ParamKey {
    /// The library's key path, e.g. `system.users`, `power.pmax`,
    /// `backhaul.uplinks[3].loss`.
    pub fn path(&self) -> String {
        let s = match self {
            ParamKey::TxAntennas => "system.tx_antennas",
            ParamKey::BsRxAntennas => "system.bs_rx_antennas",
            ParamKey::RapAntennas => "system.rap_antennas",
            ParamKey::Users => "system.users",
            ParamKey::Raps => "system.raps",
            ParamKey::FrameSymbols => "system.frame_symbols",
            ParamKey::Spacing => "system.spacing",
            ParamKey::RegionM => "geometry.region_m",
            ParamKey::MinDistanceM => "geometry.min_distance_m",
            ParamKey::RapPositions => "geometry.raps",
            ParamKey::UserPositions => "geometry.users",
            ParamKey::Pmax => "power.pmax",
            ParamKey::Sinr => "power.sinr",
            ParamKey::Step => "power.step",
            ParamKey::RzfLambda => "power.rzf_lambda",
            ParamKey::Pfa => "sensing.pfa",
            ParamKey::Rcs => "sensing.rcs",
            ParamKey::RcsM2 => "sensing.rcs_m2",
            ParamKey::CarrierHz => "sensing.carrier_hz",
            ParamKey::LocalFilter => "sensing.local_filter",
            ParamKey::CommNoise => "noise.comm",
            ParamKey::SensingNoise => "noise.sensing",
            ParamKey::SymbolTime => "backhaul.symbol_time_s",
            ParamKey::FrameInterval => "backhaul.frame_interval_s",
            ParamKey::Deadline => "backhaul.deadline_s",
            ParamKey::Uplinks => "backhaul.uplinks",
            ParamKey::Downlinks => "backhaul.downlinks",
            ParamKey::Uplink { node, key } => return format!("backhaul.uplinks[{node}].{key}"),
            ParamKey::Downlink { node, key } => {
                return format!("backhaul.downlinks[{node}].{key}");
            }
            ParamKey::Report => "backhaul.report",
            ParamKey::TargetProbability => "run.target_probability",
            ParamKey::MtuBytes => "backhaul.mtu_bytes",
            ParamKey::RtoS => "backhaul.rto_s",
            ParamKey::AggregationNodes { entry } => {
                return format!("backhaul.aggregation[{entry}].nodes");
            }
            ParamKey::Segment { entry, key } => {
                return format!("backhaul.aggregation[{entry}].{key}");
            }
            ParamKey::Fault { node } => return format!("backhaul.faults[{node}]"),
        };
        s.to_string()
    }
}

impl fmt::Display for ParamKey {
    /// The key path, [`ParamKey::path`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// A parameter outside its valid range, named by its key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{key} = {value}: {expected}")]
pub struct ParamError {
    /// Which parameter.
    pub key: ParamKey,
    /// The offending value, printed.
    pub value: String,
    /// The valid range, in words.
    pub expected: String,
}

/// Collects [`ParamError`]s: `need(ok, key, value, expected)` records one
/// when `ok` is false.
#[derive(Debug, Default)]
pub(crate) struct Errors(pub Vec<ParamError>);

impl Errors {
    /// Records a violation of `key` unless `ok`.
    pub(crate) fn need(&mut self, ok: bool, key: ParamKey, value: impl ToString, expected: &str) {
        if !ok {
            self.0.push(ParamError {
                key,
                value: value.to_string(),
                expected: expected.to_string(),
            });
        }
    }

    /// `Ok` if nothing was recorded.
    pub(crate) fn result(self) -> Result<(), Vec<ParamError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}
