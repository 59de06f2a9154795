//! A sensing receiver: adds its noise, computes its local statistic when it
//! knows the symbols, and reports according to its policy.

use super::ReportPolicy;
use crate::detect::LocalDetector;
use crate::linalg::{CMat, CVec, mul};
use crate::network::SymbolBook;
use crate::radio::target_waveform;
use crate::sim::{Message, Payload, SampleBatch, SampleFormat, SimTime};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Node r's receiver state for one drop.
#[derive(Debug)]
pub struct Receiver {
    /// Node index (0 = BS).
    pub node: usize,
    det: LocalDetector,
    /// Local threshold `-ln q`.
    tau: f64,
    policy: ReportPolicy,
    format: SampleFormat,
    /// Whether the symbols come over the downlink (else the node selects them
    /// itself from the public book, as the BS does).
    via_downlink: bool,
    book: Arc<SymbolBook>,
    w: CMat,
    a: CVec,
    seed: u64,
    drop: u64,
    /// Observations waiting for their frame's symbols.
    waiting: BTreeMap<u64, (CMat, SimTime)>,
    /// Symbols that arrived before the observation.
    early: BTreeMap<u64, Vec<u16>>,
}

impl Receiver {
    /// A receiver for node `node` with detector `det`, threshold `tau`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        node: usize,
        det: LocalDetector,
        tau: f64,
        policy: ReportPolicy,
        format: SampleFormat,
        via_downlink: bool,
        book: Arc<SymbolBook>,
        w: CMat,
        a: CVec,
        seed: u64,
        drop: u64,
    ) -> Self {
        Receiver {
            node,
            det,
            tau,
            policy,
            format,
            via_downlink,
            book,
            w,
            a,
            seed,
            drop,
            waiting: BTreeMap::new(),
            early: BTreeMap::new(),
        }
    }

    fn message(&self, frame: u64, payload: Payload) -> Message {
        Message {
            frame,
            node: self.node as u32,
            payload,
        }
    }

    /// Frame `frame`'s observation `z` (noise included) is complete at `now`;
    /// `deadline` is the CC's deadline for it and `eta(bytes)` the arrival time
    /// the uplink would give a message of that many bytes.
    pub fn on_observe(
        &mut self,
        frame: u64,
        z: CMat,
        deadline: SimTime,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Vec<Message> {
        let wants_samples = match self.policy {
            ReportPolicy::Samples => true,
            ReportPolicy::Adaptive => {
                let msg = self.message(
                    frame,
                    Payload::Samples(SampleBatch::quantize(&z, self.format)),
                );
                if eta(msg.encoded_len()) <= deadline {
                    return vec![msg];
                }
                false
            }
            _ => false,
        };
        if wants_samples {
            return vec![self.message(
                frame,
                Payload::Samples(SampleBatch::quantize(&z, self.format)),
            )];
        }
        let indices = if self.via_downlink {
            match self.early.remove(&frame) {
                Some(ix) => ix,
                None => {
                    self.waiting.insert(frame, (z, deadline));
                    return Vec::new();
                }
            }
        } else {
            self.book
                .select(self.seed, self.drop, frame, self.w.ncols() * z.ncols())
        };
        vec![self.local_report(frame, &z, &indices, deadline, eta)]
    }

    /// Frame `frame`'s symbol indices arrived over the downlink.
    pub fn on_symbols(
        &mut self,
        frame: u64,
        indices: Vec<u16>,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Vec<Message> {
        match self.waiting.remove(&frame) {
            Some((z, deadline)) => vec![self.local_report(frame, &z, &indices, deadline, eta)],
            None => {
                self.early.insert(frame, indices);
                Vec::new()
            }
        }
    }

    /// The local statistic (eq. 42) from the symbols, sent as a statistic or a bit.
    fn local_report(
        &self,
        frame: u64,
        z: &CMat,
        indices: &[u16],
        deadline: SimTime,
        eta: &mut dyn FnMut(u64) -> SimTime,
    ) -> Message {
        let x = mul(&self.w, &self.book.symbols(indices, self.w.ncols()));
        let u = target_waveform(&self.a, &x);
        let t = self.det.statistic(z, &x, &u);
        let stat = self.message(frame, Payload::Statistic(t));
        let bit = self.message(frame, Payload::Decision(t > self.tau));
        match self.policy {
            ReportPolicy::Statistic => stat,
            ReportPolicy::Adaptive if eta(stat.encoded_len()) <= deadline => stat,
            _ => bit,
        }
    }
}
