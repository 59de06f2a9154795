//! Running drops: build each drop's context, actors and links, run its
//! frames, merge the metrics in drop order.

use super::config::per_node;
use super::importance::{BiasLaw, LevelDesign, Nominal};
use super::medium::{Fidelity, Medium};
use super::metrics::FrameRecord;
use super::world::{EngineError, World, WorldConfig};
use super::{NetParams, RunMetrics};
use crate::analytic::{Gram, LinkBudget, Report, centralized, mixed_glrt_pd, voting};
use crate::design::{NodeDesign, design_nodes};
use crate::detect::LocalDetector;
use crate::fusion::{VotingRule, mixed_threshold};
use crate::node::{
    Cc, CcConfig, CcFusion, DropCtx, DropId, Level, NodeId, Receiver, ReceiverConfig, ReportPolicy,
    drop_stream,
};
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

/// The context of drop `drop` of `spec`: its scene and, after power
/// allocation, its precoder. `None` when the SINR targets cannot be met.
pub fn drop_ctx(spec: &PointSpec, drop: u64) -> Result<Option<Arc<DropCtx>>, DropError> {
    let id = spec.drop_id(drop);
    let p = spec.params.as_ref();
    let common = spec.common_random_numbers;
    let scene = Scene::draw(p, &mut drop_stream(spec.seed, id, common, STREAM_DROP, &[]))
        .map_err(|source| DropError::Geometry { id, source })?;
    let Ok(alloc) = allocate(&scene.power_problem(p), p.power.policy) else {
        return Ok(None);
    };
    let w = scene.precoder(&alloc.p);
    let (noise, filter) = (p.noise.sensing_w, p.sensing.local_filter);
    let detectors = (0..scene.nodes())
        .map(|r| LocalDetector::new(&scene, r, &w, noise, filter))
        .collect();
    Ok(Some(Arc::new(DropCtx {
        id,
        seed: spec.seed,
        common,
        params: spec.params.clone(),
        scene,
        w,
        detectors,
    })))
}

/// Runs drop `drop` of `spec`: draws the scene, allocates power, designs the
/// detectors, builds receivers, CC and links, and runs the event loop.
pub fn run_drop(spec: &PointSpec, drop: u64) -> Result<DropReport, DropError> {
    let (p, net) = (spec.params.as_ref(), spec.net.as_ref());
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
    let nodes = net.nodes.nodes(p.system.raps);
    let (pfa, l) = (p.sensing.pfa, p.system.frame_symbols);
    let mut budget = LinkBudget::new(
        &ctx.scene,
        &ctx.w,
        p.noise.sensing_w,
        l,
        p.sensing.local_filter,
    );
    if spec.fidelity == Fidelity::Sample && net.sample_format.is_integer() {
        for &r in &nodes {
            if matches!(
                per_node(&net.report, r),
                ReportPolicy::Samples | ReportPolicy::Adaptive
            ) {
                budget.nodes[r].quantization_w = quantization_noise(&ctx, r, net.sample_format);
            }
        }
    }
    let target = p.sensing.target;
    let design_at = |pfa: f64| {
        let d = design_nodes(
            &budget,
            &nodes,
            pfa,
            target,
            net.node_pfa,
            net.fusion.vote(),
        );
        Level { pfa, design: d }
    };
    let levels: Vec<Level> = std::iter::once(pfa)
        .chain(spec.roc.iter().copied())
        .map(design_at)
        .collect();
    let design = levels[0].design;
    let (pd_paper, pd_corrected, pd_exact) = analytic_pd(p, net, &budget, &nodes, &design);
    let observers: Vec<NodeId> = nodes.iter().map(|&r| NodeId::from_index(r)).collect();
    let bias = (spec.pfa_estimator == PfaEstimator::Importance).then(|| {
        let lowest = levels.iter().map(|l| l.pfa).fold(pfa, f64::min);
        bias_law(net, &nodes, &BiasLaw::component_levels(lowest), &design_at)
    });
    let medium = Medium::new(&ctx, spec.fidelity, bias, observers.clone());
    let receivers = nodes
        .iter()
        .map(|&r| {
            let cfg = ReceiverConfig {
                node: NodeId::from_index(r),
                policy: per_node(&net.report, r),
                format: net.sample_format,
                tau: design.tau,
            };
            Receiver::new(ctx.clone(), cfg)
        })
        .collect();
    let cc = Cc::new(
        ctx.clone(),
        CcConfig {
            expected: observers,
            fusion: net.fusion,
            levels: levels.clone(),
        },
    );
    let cfg = WorldConfig {
        record_trace: spec.record_trace,
        record_frames: spec.record_frames,
        levels,
    };
    let world = World::new(ctx, spec.net.clone(), medium, receivers, cc, cfg);
    let out = world.run(spec.frames)?;
    let mut metrics = out.metrics;
    metrics.pd_paper_sum = pd_paper;
    metrics.pd_exact_sum = pd_exact;
    metrics.pd_corrected_sum = pd_corrected;
    Ok(DropReport {
        id,
        feasible: true,
        metrics,
        trace: out.trace,
        frames: out.frames,
    })
}

/// Draws behind the quantization noise of a node's batches.
const QUANTIZATION_DRAWS: u64 = 8;

/// The mean quantization noise per sample (`step^2 / 6`) of node r's batches
/// in integer `format`: the step is the batch's largest real or imaginary
/// part over `qmax`, dominated by the direct path `G_r X` and the noise, so
/// it is estimated from a few target-free batches drawn from the node's
/// analytic stream.
fn quantization_noise(ctx: &DropCtx, r: usize, format: crate::node::SampleFormat) -> f64 {
    use crate::linalg::{cn_matrix, mul};
    use crate::node::SampleBatch;
    use crate::rng::STREAM_ANALYTIC;
    let rows = ctx.scene.b[r].len();
    let (beams, l) = (ctx.w.ncols(), ctx.frame_symbols());
    let gw = (r > 0).then(|| mul(&ctx.scene.g[r - 1], &ctx.w));
    let total: f64 = (0..QUANTIZATION_DRAWS)
        .map(|j| {
            let mut rng = ctx.stream(STREAM_ANALYTIC, &[r as u64, j]);
            let s = cn_matrix(&mut rng, beams, l, 1.0);
            let mut z = cn_matrix(&mut rng, rows, l, ctx.noise_w());
            if let Some(gw) = &gw {
                z += mul(gw, &s);
            }
            SampleBatch::quantize(&z, format).quantization_var()
        })
        .sum();
    total / QUANTIZATION_DRAWS as f64
}

/// The biasing law of a drop's target-free frames, designed for the nominal
/// report mix (every report arrives, adaptive counted as soft) at
/// `component_levels`.
fn bias_law(
    net: &NetParams,
    nodes: &[usize],
    component_levels: &[f64],
    design_at: &dyn Fn(f64) -> Level,
) -> BiasLaw {
    let bits = nodes
        .iter()
        .filter(|&&r| per_node(&net.report, r) == ReportPolicy::Decision)
        .count();
    let soft = nodes.len() - bits;
    let nominal = match net.fusion {
        CcFusion::Glrt => Nominal::Glrt { soft, bits },
        CcFusion::Vote(_) => Nominal::Vote { bits: nodes.len() },
    };
    let levels: Vec<LevelDesign> = component_levels
        .iter()
        .map(|&alpha| {
            let d = design_at(alpha).design;
            let threshold = match nominal {
                Nominal::Glrt { soft, bits } => mixed_threshold(soft, bits, d.q, alpha),
                Nominal::Vote { bits } => d.kappa(bits) as f64,
            };
            LevelDesign {
                alpha,
                tau: d.tau,
                q: d.q,
                threshold,
            }
        })
        .collect();
    BiasLaw::new(nominal, &levels)
}

/// The analytic Pd of the fusion the drop's reporting policies imply when every
/// report arrives: (as printed, corrected, exact). `adaptive` counts as samples (its best
/// case); under a voting rule every report counts as a bit at its local SNR.
fn analytic_pd(
    p: &Params,
    net: &NetParams,
    b: &LinkBudget,
    nodes: &[usize],
    d: &NodeDesign,
) -> (f64, f64, f64) {
    let (pfa, target) = (p.sensing.pfa, p.sensing.target);
    let gram = Gram::Random(32);
    match net.fusion {
        CcFusion::Vote(_) => {
            let v = voting(b, nodes, d.q, d.rule, target, gram);
            (v.paper, v.paper, v.exact)
        }
        CcFusion::Glrt => {
            let reports: Vec<(usize, Report)> = nodes
                .iter()
                .map(|&r| {
                    let kind = match per_node(&net.report, r) {
                        ReportPolicy::Samples | ReportPolicy::Adaptive => Report::Samples,
                        ReportPolicy::Statistic => Report::Statistic,
                        ReportPolicy::Decision => Report::Bit,
                    };
                    (r, kind)
                })
                .collect();
            let bits = reports.iter().filter(|(_, k)| *k == Report::Bit).count();
            let threshold = mixed_threshold(nodes.len() - bits, bits, d.q, pfa);
            let exact = mixed_glrt_pd(b, &reports, d.q, threshold, target, gram);
            let (paper, corrected) = if bits == 0 {
                let c = centralized(b, nodes, pfa, target, Gram::Nominal);
                (c.paper, c.corrected)
            } else {
                let v = voting(b, nodes, d.q, VotingRule::PaperKappa, target, Gram::Nominal).paper;
                (v, v)
            };
            (paper, corrected, exact)
        }
    }
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
