//! Network parameters: timing, links, reporting policies, CC fusion.

use crate::design::NodePfa;
use crate::node::{CcFusion, ReportPolicy, SampleFormat, SymbolFormat};
use crate::params::NodeSet;
use crate::sim::LinkConfig;
use serde::{Deserialize, Serialize};

/// How the RAPs learn the frame's symbols, which their local statistics need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolDelivery {
    /// They know them without a message (for example from a shared seed).
    Known,
    /// The CC sends each frame's symbols over the downlink (Sec. IV), in
    /// `symbol_format`; their bytes count on the link.
    Downlink,
}

/// Everything about the network beyond the radio system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetParams {
    /// Symbol duration (s): L symbols make a frame's air time.
    pub symbol_time_s: f64,
    /// Time between frame starts (s), at least L symbol times.
    pub frame_interval_s: f64,
    /// Decision budget after the frame's end (s): the CC's deadline.
    pub deadline_s: f64,
    /// Add geometric propagation delays (BS -> target -> node) to observations.
    pub propagation: bool,
    /// Uplink (node -> CC) of node r at index r (0 = BS); shorter lists repeat
    /// their last entry.
    pub uplinks: Vec<LinkConfig>,
    /// Downlink (CC -> RAP r) at index r (index 0 unused); shorter lists repeat
    /// their last entry.
    pub downlinks: Vec<LinkConfig>,
    /// Reporting policy of node r at index r; shorter lists repeat their last entry.
    pub report: Vec<ReportPolicy>,
    /// Number format of sample batches.
    pub sample_format: SampleFormat,
    /// How RAPs learn the symbols.
    pub symbols: SymbolDelivery,
    /// Number format of the symbols the CC sends the RAPs over the downlink.
    pub symbol_format: SymbolFormat,
    /// The per-node false-alarm rate design.
    pub node_pfa: NodePfa,
    /// Fusion at the CC.
    pub fusion: CcFusion,
    /// Which nodes take part.
    pub nodes: NodeSet,
    /// Probability that a frame has a target.
    pub target_probability: f64,
}

impl Default for NetParams {
    /// 10 MHz symbols (0.1 us), one sensing frame per millisecond, a 1 ms
    /// decision budget, unlimited lossless links, every node sending samples
    /// as f32, symbols known, fused-Pfa design, GLRT fusion, all nodes, half
    /// the frames with a target.
    fn default() -> Self {
        NetParams {
            symbol_time_s: 1e-7,
            frame_interval_s: 1e-3,
            deadline_s: 1e-3,
            propagation: true,
            uplinks: vec![LinkConfig::default()],
            downlinks: vec![LinkConfig::default()],
            report: vec![ReportPolicy::Samples],
            sample_format: SampleFormat::F32,
            symbols: SymbolDelivery::Known,
            symbol_format: SymbolFormat::F32,
            node_pfa: NodePfa::Fused,
            fusion: CcFusion::Glrt,
            nodes: NodeSet::All,
            target_probability: 0.5,
        }
    }
}

/// The entry for `r` of a per-node list, repeating the last entry.
pub(crate) fn per_node<T: Clone>(list: &[T], r: usize) -> T {
    list.get(r)
        .or(list.last())
        .expect("non-empty per-node list")
        .clone()
}

impl NetParams {
    /// Checks every range; returns all violations, not just the first.
    pub fn validate(&self) -> Result<(), Vec<crate::params::ParamError>> {
        let mut errs = Vec::new();
        let mut need = |ok: bool, key: &'static str, value: String, expected: &str| {
            if !ok {
                errs.push(crate::params::ParamError {
                    key,
                    value,
                    expected: expected.to_string(),
                });
            }
        };
        let pos = |x: f64| x > 0.0 && x.is_finite();
        need(
            pos(self.symbol_time_s),
            "backhaul.symbol_time_s",
            self.symbol_time_s.to_string(),
            "must be > 0 s",
        );
        need(
            pos(self.frame_interval_s),
            "backhaul.frame_interval_s",
            self.frame_interval_s.to_string(),
            "must be > 0 s",
        );
        need(
            self.deadline_s >= 0.0 && self.deadline_s.is_finite(),
            "backhaul.deadline_s",
            self.deadline_s.to_string(),
            "must be >= 0 s",
        );
        for (key, links) in [
            ("backhaul.uplinks", &self.uplinks),
            ("backhaul.downlinks", &self.downlinks),
        ] {
            need(
                !links.is_empty(),
                key,
                "[]".into(),
                "must list at least one link",
            );
            for l in links {
                if let Some(c) = l.capacity_bps {
                    need(
                        pos(c),
                        key,
                        format!("capacity_bps = {c}"),
                        "capacity must be > 0 bit/s or unlimited",
                    );
                }
                need(
                    (0.0..=1.0).contains(&l.loss),
                    key,
                    format!("loss = {}", l.loss),
                    "loss must be in [0, 1]",
                );
                need(
                    l.outages.iter().all(|(a, b)| a <= b),
                    key,
                    "outages".into(),
                    "each outage needs start <= end",
                );
            }
        }
        need(
            !self.report.is_empty(),
            "backhaul.report",
            "[]".into(),
            "must list at least one policy",
        );
        need(
            (0.0..=1.0).contains(&self.target_probability),
            "run.target_probability",
            self.target_probability.to_string(),
            "must be in [0, 1]",
        );
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        NetParams::default().validate().unwrap();
        let mut n = NetParams::default();
        n.uplinks[0].capacity_bps = Some(0.0);
        n.target_probability = 2.0;
        let keys: Vec<_> = n.validate().unwrap_err().iter().map(|e| e.key).collect();
        assert_eq!(keys, ["backhaul.uplinks", "run.target_probability"]);
    }
}
