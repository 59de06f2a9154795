//! Preparing one drop for its frames: the detection design at every
//! false-alarm level, the analytic Pd, the biasing law of importance
//! sampling, the medium, the actors and the world that joins them.

use super::NetParams;
use super::config::per_node;
use super::importance::{BiasLaw, LevelDesign, Nominal};
use super::medium::{Fidelity, Medium};
use super::run::{PfaEstimator, PointSpec};
use super::world::{World, WorldConfig};
use crate::analytic::{Gram, LinkBudget, Report, centralized, mixed_glrt_pd, voting};
use crate::design::{NodeDesign, design_nodes};
use crate::fusion::{VotingRule, mixed_threshold};
use crate::node::{
    Cc, CcConfig, CcFusion, DropCtx, Level, NodeId, Receiver, ReceiverConfig, ReportPolicy,
};
use crate::params::Params;
use std::sync::Arc;

/// A drop ready to run.
pub struct Prepared {
    /// Its network, actors and medium.
    pub world: World,
    /// The analytic Pd of its fusion: (as printed, corrected, exact).
    pub analytic: (f64, f64, f64),
}

/// Prepares drop `ctx` of `spec` (see the module docs).
pub fn prepare_drop(spec: &PointSpec, ctx: Arc<DropCtx>) -> Prepared {
    let (p, net) = (spec.params.as_ref(), spec.net.as_ref());
    let nodes = net.nodes.nodes(p.system.raps);
    let (pfa, l) = (p.sensing.pfa, p.system.frame_symbols);
    let mut budget =
        LinkBudget::with_detectors(&ctx.scene, &ctx.w, p.noise.sensing_w, l, &ctx.detectors);
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
        let run_levels: Vec<(f64, f64)> = (levels.iter())
            .map(|l| (l.design.tau, l.design.q))
            .collect();
        bias_law(net, &nodes, &BiasLaw::component_levels(lowest), &design_at)
            .with_levels(&run_levels)
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
                skip_stale: net.transport.stale == super::transport::Stale::Skip,
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
    let arrived = super::ArrivedPd::new(budget, design, pfa, net.fusion, target);
    let cfg = WorldConfig {
        record_trace: spec.record_trace,
        record_frames: spec.record_frames,
        levels,
        arrived: Some(arrived),
    };
    let world = World::new(ctx, spec.net.clone(), medium, receivers, cc, cfg);
    Prepared {
        world,
        analytic: (pd_paper, pd_corrected, pd_exact),
    }
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
    let gw = r.checked_sub(1).map(|i| &ctx.direct[i]);
    let total: f64 = (0..QUANTIZATION_DRAWS)
        .map(|j| {
            let mut rng = ctx.stream(STREAM_ANALYTIC, &[r as u64, j]);
            let s = cn_matrix(&mut rng, beams, l, 1.0);
            let mut z = cn_matrix(&mut rng, rows, l, ctx.noise_w());
            if let Some(gw) = gw {
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
