//! Running drops: build each drop's context, prepare it (`prepare.rs`), run
//! its frames, merge the metrics in drop order.

use super::medium::Fidelity;
use super::metrics::FrameRecord;
use super::prepare::{Prepared, prepare_drop};
use super::world::EngineError;
use super::{NetParams, RunMetrics};
use crate::linalg::CMat;
use crate::node::{DropCtx, DropId, drop_stream};
use crate::params::Params;
use crate::power::allocate;
use crate::radio::{GeometryError, Scene};
use crate::rng::STREAM_DROP;
use crate::trace::TraceEvent;
use std::sync::Arc;

/// How a point's target-free frames estimate the false-alarm rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PfaEstimator {
    /// Count false alarms among frames drawn from the true law.
    Direct,
    /// Draw target-free frames from a biasing law and weight them by the
    /// likelihood ratio (`network::importance`).
    Importance,
}

/// Everything the engine needs to run the drops of one sweep point.
#[derive(Debug, Clone)]
pub struct PointSpec {
    /// The radio system.
    pub params: Arc<Params>,
    /// The network.
    pub net: Arc<NetParams>,
    /// Seed of every random stream.
    pub seed: u64,
    /// Sweep point index (for drop identities and random streams).
    pub point: u32,
    /// Variant index (for drop identities and random streams).
    pub variant: u32,
    /// Frames per drop.
    pub frames: u64,
    /// Sample or statistic level.
    pub fidelity: Fidelity,
    /// How target-free frames estimate Pfa.
    pub pfa_estimator: PfaEstimator,
    /// Common random numbers across points and variants.
    pub common_random_numbers: bool,
    /// Further fused false-alarm levels to decide at (the ROC), besides
    /// `params.sensing.pfa`.
    pub roc: Vec<f64>,
    /// Keep every trace event (for trace files).
    pub record_trace: bool,
    /// Keep a record of every decided frame (tests, diagnostics).
    pub record_frames: bool,
}

impl PointSpec {
    /// Point 0, variant 0 of `params` and `net`: `frames` sample-level frames
    /// per drop, direct Pfa, no ROC, nothing recorded.
    pub fn new(params: &Params, net: &NetParams, seed: u64, frames: u64) -> Self {
        PointSpec {
            params: Arc::new(params.clone()),
            net: Arc::new(net.clone()),
            seed,
            point: 0,
            variant: 0,
            frames,
            fidelity: Fidelity::Sample,
            pfa_estimator: PfaEstimator::Direct,
            common_random_numbers: false,
            roc: Vec::new(),
            record_trace: false,
            record_frames: false,
        }
    }

    /// The identity of drop `drop` of this point.
    pub fn drop_id(&self, drop: u64) -> DropId {
        DropId {
            point: self.point,
            variant: self.variant,
            drop,
        }
    }
}

/// Why a drop could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DropError {
    /// Its nodes could not be placed.
    #[error("{id}: {source}")]
    Geometry {
        /// The drop.
        id: DropId,
        /// The placement error.
        source: GeometryError,
    },
    /// The engine failed (a bug).
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// One drop's outcome.
#[derive(Debug, Clone)]
pub struct DropReport {
    /// Which drop.
    pub id: DropId,
    /// Whether the SINR targets could be met (if not, no frame ran).
    pub feasible: bool,
    /// What was measured.
    pub metrics: RunMetrics,
    /// Its trace events (empty unless recording).
    pub trace: Vec<TraceEvent>,
    /// Its decided frames (empty unless recording).
    pub frames: Vec<FrameRecord>,
}

/// A run's merged metrics and each drop's trace, in drop order.
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    /// Metrics over every drop.
    pub metrics: RunMetrics,
    /// The trace events of each drop (empty unless recording).
    pub traces: Vec<(DropId, Vec<TraceEvent>)>,
    /// Every decided frame (empty unless recording).
    pub frames: Vec<FrameRecord>,
}

/// Drop `drop` of `spec` as far as its power allocation: its scene and
/// precoder `W`, or `None` when the SINR targets cannot be met. This is the
/// set-up the speed targets compare with NumPy's (docs/performance.md).
pub fn drop_scene(spec: &PointSpec, drop: u64) -> Result<Option<(Scene, CMat)>, DropError> {
    let id = spec.drop_id(drop);
    let p = spec.params.as_ref();
    let common = spec.common_random_numbers;
    let scene = Scene::draw(p, &mut drop_stream(spec.seed, id, common, STREAM_DROP, &[]))
        .map_err(|source| DropError::Geometry { id, source })?;
    let Ok(alloc) = allocate(&scene.power_problem(p), p.power.policy) else {
        return Ok(None);
    };
    let w = scene.precoder(&alloc.p);
    Ok(Some((scene, w)))
}

/// The context of drop `drop` of `spec`: its scene and, after power
/// allocation, its precoder ([`drop_scene`]) and the nodes' detectors.
/// `None` when the SINR targets cannot be met.
pub fn drop_ctx(spec: &PointSpec, drop: u64) -> Result<Option<Arc<DropCtx>>, DropError> {
    let Some((scene, w)) = drop_scene(spec, drop)? else {
        return Ok(None);
    };
    let (id, common) = (spec.drop_id(drop), spec.common_random_numbers);
    let ctx = DropCtx::new(id, spec.seed, common, spec.params.clone(), scene, w);
    Ok(Some(Arc::new(ctx)))
}

/// Runs drop `drop` of `spec`: draws the scene, allocates power, designs the
/// detectors, builds receivers, CC and links, and runs the event loop.
pub fn run_drop(spec: &PointSpec, drop: u64) -> Result<DropReport, DropError> {
    let Some(ctx) = drop_ctx(spec, drop)? else {
        let metrics = RunMetrics {
            drops: 1,
            infeasible_drops: 1,
            ..RunMetrics::default()
        };
        return Ok(DropReport {
            id: spec.drop_id(drop),
            feasible: false,
            metrics,
            trace: Vec::new(),
            frames: Vec::new(),
        });
    };
    let id = ctx.id;
    let Prepared { world, analytic } = prepare_drop(spec, ctx);
    let out = world.run(spec.frames)?;
    let mut metrics = out.metrics;
    (
        metrics.pd_paper_sum,
        metrics.pd_corrected_sum,
        metrics.pd_exact_sum,
    ) = analytic;
    Ok(DropReport {
        id,
        feasible: true,
        metrics,
        trace: out.trace,
        frames: out.frames,
    })
}

/// Runs drops `0..drops` of `spec` on `threads` workers (0 = one per core)
/// and merges them in drop order, so the result is identical for any thread
/// count. `progress` is called on this thread after each drop is merged.
pub fn run_drops(
    spec: &PointSpec,
    drops: u64,
    threads: usize,
    mut progress: impl FnMut(u64),
) -> Result<RunOutput, DropError> {
    let mut out = RunOutput::default();
    crate::pool::ordered_map(
        drops,
        threads,
        |d| run_drop(spec, d),
        |d, report| {
            let report = report?;
            out.metrics.merge(&report.metrics);
            if spec.record_trace {
                out.traces.push((report.id, report.trace));
            }
            out.frames.extend(report.frames);
            progress(d);
            Ok::<(), DropError>(())
        },
    )?;
    Ok(out)
}
