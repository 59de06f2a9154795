//! Running drops: build each drop's actors and links, run its frames, merge
//! the metrics in drop order.

use super::config::per_node;
use super::{NetParams, NodePfa, SymbolBook, SymbolDelivery, World};
use crate::analytic::{Gram, LinkBudget, Report, centralized, local_pd, mixed_glrt_pd, voting};
use crate::detect::LocalDetector;
use crate::fusion::{VotingRule, mixed_threshold, node_pfa_for_fused};
use crate::network::CcFusion;
use crate::network::RunMetrics;
use crate::node::ReportPolicy;
use crate::node::{Cc, Receiver};
use crate::params::Params;
use crate::power::allocate;
use crate::radio::{GeometryError, Scene};
use crate::rng::{STREAM_DROP, stream};
use crate::trace::{TraceRecord, capture};
use std::sync::Arc;

/// One drop's outcome.
#[derive(Debug, Clone)]
pub struct DropReport {
    /// Drop index.
    pub drop: u64,
    /// Whether the SINR targets could be met (if not, no frame ran).
    pub feasible: bool,
    /// What was measured.
    pub metrics: RunMetrics,
}

/// A run's merged metrics and its captured trace, in drop order.
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    /// Metrics over every drop.
    pub metrics: RunMetrics,
    /// Engine events captured by `trace::capture` (empty unless a capture
    /// layer is installed), tagged with their drop.
    pub trace: Vec<TraceRecord>,
}

/// Runs `frames` frames of drop `drop`: draws the scene, allocates power,
/// builds receivers, CC and links, and runs the event loop.
pub fn run_drop(
    params: &Arc<Params>,
    net: &Arc<NetParams>,
    book: &Arc<SymbolBook>,
    seed: u64,
    drop: u64,
    frames: u64,
) -> Result<DropReport, GeometryError> {
    let p = params.as_ref();
    let scene = Arc::new(Scene::draw(p, &mut stream(seed, &[STREAM_DROP, drop]))?);
    let Ok(alloc) = allocate(&scene.power_problem(p), p.power.policy) else {
        let metrics = RunMetrics {
            drops: 1,
            infeasible_drops: 1,
            ..RunMetrics::default()
        };
        return Ok(DropReport {
            drop,
            feasible: false,
            metrics,
        });
    };
    let w = scene.precoder(&alloc.p);
    let nodes = net.nodes.nodes(p.system.raps);
    let (pfa, noise, l) = (p.sensing.pfa, p.noise.sensing_w, p.system.frame_symbols);
    let q = match net.node_pfa {
        NodePfa::Fused => node_pfa_for_fused(nodes.len(), 1, pfa),
        NodePfa::Target => pfa,
    };
    let budget = LinkBudget::new(&scene, &w, noise, l, p.sensing.local_filter);
    let pd_hat = nodes
        .iter()
        .map(|&r| local_pd(budget.snr_local(r, l as f64), q, p.sensing.target))
        .sum::<f64>()
        / nodes.len().max(1) as f64;
    let receivers = nodes
        .iter()
        .map(|&r| {
            Receiver::new(
                r,
                LocalDetector::new(&scene, r, &w, noise, p.sensing.local_filter),
                -q.ln(),
                per_node(&net.report, r),
                net.sample_format,
                r > 0 && net.symbols == SymbolDelivery::Downlink,
                book.clone(),
                w.clone(),
                scene.a.clone(),
                seed,
                drop,
            )
        })
        .collect();
    let (pd_paper, pd_corrected, pd_exact) = analytic_pd(p, net, &budget, &nodes, q);
    let cc = Cc::new(
        scene.clone(),
        nodes.clone(),
        net.fusion,
        pfa,
        q,
        pd_hat,
        noise,
    );
    let world = World::new(
        seed,
        drop,
        params.clone(),
        net.clone(),
        scene,
        w,
        book.clone(),
        nodes,
        receivers,
        cc,
    );
    let mut metrics = world.run(frames);
    metrics.pd_paper_sum = pd_paper;
    metrics.pd_exact_sum = pd_exact;
    metrics.pd_corrected_sum = pd_corrected;
    Ok(DropReport {
        drop,
        feasible: true,
        metrics,
    })
}

/// The analytic Pd of the fusion the drop's reporting policies imply when every
/// report arrives: (as printed, corrected, exact). `adaptive` counts as samples (its best
/// case); under a voting rule every report counts as a bit at its local SNR.
fn analytic_pd(
    p: &Params,
    net: &NetParams,
    b: &LinkBudget,
    nodes: &[usize],
    q: f64,
) -> (f64, f64, f64) {
    let (pfa, target) = (p.sensing.pfa, p.sensing.target);
    let gram = Gram::Random(32);
    match net.fusion {
        CcFusion::Vote(rule) => {
            let v = voting(b, nodes, q, rule, target, gram);
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
            let threshold = mixed_threshold(nodes.len() - bits, bits, q, pfa);
            let exact = mixed_glrt_pd(b, &reports, q, threshold, target, gram);
            let (paper, corrected) = if bits == 0 {
                let c = centralized(b, nodes, pfa, target, Gram::Nominal);
                (c.paper, c.corrected)
            } else {
                let v = voting(b, nodes, q, VotingRule::PaperKappa, target, Gram::Nominal).paper;
                (v, v)
            };
            (paper, corrected, exact)
        }
    }
}

/// Runs drops `0..drops` on `threads` workers (0 = one per core). Each drop
/// runs on one worker with its events captured; workers send each drop's
/// report over a crossbeam channel, and reports and traces are merged in drop
/// order, so the result is identical for any thread count. `progress` is
/// called on this thread after each drop arrives.
pub fn run_drops(
    params: &Params,
    net: &NetParams,
    seed: u64,
    drops: u64,
    frames: u64,
    threads: usize,
    mut progress: impl FnMut(u64),
) -> Result<RunOutput, GeometryError> {
    let params = Arc::new(params.clone());
    let net = Arc::new(net.clone());
    let book = Arc::new(SymbolBook::new(seed, net.symbol_book));
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let threads = threads.min(drops.max(1) as usize);
    let (tx, rx) = crossbeam_channel::unbounded();
    let mut slots: Vec<Option<(DropReport, Vec<TraceRecord>)>> = (0..drops).map(|_| None).collect();
    std::thread::scope(|s| -> Result<(), GeometryError> {
        for t in 0..threads as u64 {
            let (tx, params, net, book) = (tx.clone(), &params, &net, &book);
            s.spawn(move || {
                let mut d = t;
                while d < drops {
                    let (report, trace) =
                        capture(d, || run_drop(params, net, book, seed, d, frames));
                    if tx.send((d, report.map(|r| (r, trace)))).is_err() {
                        return;
                    }
                    d += threads as u64;
                }
            });
        }
        drop(tx);
        for (d, r) in rx {
            slots[d as usize] = Some(r?);
            progress(d);
        }
        Ok(())
    })?;
    let mut out = RunOutput::default();
    for (report, trace) in slots.into_iter().flatten() {
        out.metrics.merge(report.metrics);
        out.trace.extend(trace);
    }
    Ok(out)
}
