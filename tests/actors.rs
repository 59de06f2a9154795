//! The actors alone, driven input by input without the engine: the CC decides
//! at the deadline on what arrived and calls later reports late; a RAP
//! computes the same statistic whether its symbols come before or after its
//! observation; the adaptive policy picks samples, statistic or bit from the
//! arrival times its uplink quotes.

use iaps::design::{NodePfa, design_nodes};
use iaps::analytic::LinkBudget;
use iaps::detect::{LocalDetector, LocalFilter};
use iaps::fusion::mixed_threshold;
use iaps::network::{FrameTruth, NetParams, PointSpec, drop_ctx, node_signal};
use iaps::node::{
    Cc, CcConfig, CcFusion, CcInput, DropCtx, Message, NodeId, Receiver, ReceiverConfig, Report,
    ReportPolicy, SampleFormat, Sender,
};
use iaps::presets::default_params;
use iaps::rng::STREAM_SYMBOLS;
use iaps::sim::SimTime;
use std::sync::Arc;

/// Drop 0 of the paper's system (R = 10, thermal sensing noise, so the
/// direct path is strong), with its frame 3 drawn.
fn drop0() -> (Arc<DropCtx>, FrameTruth) {
    let mut p = default_params(-10.0);
    p.noise.sensing_w = iaps::params::dbm_to_w(-104.0);
    let spec = PointSpec::new(&p, &NetParams::default(), 21, 10);
    let ctx = drop_ctx(&spec, 0).unwrap().expect("feasible drop");
    let truth = FrameTruth::draw(&ctx, 3, 1.0);
    (ctx, truth)
}

fn cc(ctx: &Arc<DropCtx>, expected: &[usize]) -> (Cc, f64) {
    let b = LinkBudget::new(&ctx.scene, &ctx.w, ctx.noise_w(), 30, LocalFilter::Whitened);
    let pfa = 1e-3;
    let d = design_nodes(&b, expected, pfa, ctx.params.sensing.target, NodePfa::Fused, None);
    let cfg = CcConfig {
        expected: expected.iter().map(|&r| NodeId::from_index(r)).collect(),
        fusion: CcFusion::Glrt,
        pfa,
        design: d,
    };
    (Cc::new(ctx.clone(), cfg), d.q)
}

fn statistic(node: usize, t: f64) -> Message<Report> {
    Message {
        frame: 3,
        from: Sender::Node(NodeId::from_index(node)),
        payload: Report::Statistic(t),
    }
}

#[test]
fn the_cc_decides_at_the_deadline_with_one_report_missing() {
    let (ctx, truth) = drop0();
    let (mut cc, q) = cc(&ctx, &[0, 1, 2]);
    cc.on_frame(3, &truth.x, truth.u.clone());
    let t = SimTime::from_micros(10);
    assert_eq!(cc.on_report(t, statistic(0, 4.0)), CcInput::Stored);
    assert_eq!(cc.on_report(t, statistic(2, 5.5)), CcInput::Stored);
    let deadline = SimTime::from_millis(1);
    let d = cc.on_deadline(deadline, 3).expect("the frame is open");
    assert_eq!((d.frame, d.at), (3, deadline));
    assert_eq!((d.soft, d.bits, d.missing), (2, 0, 1));
    assert_eq!(d.statistic, 9.5);
    let th = mixed_threshold(2, 0, q, 1e-3);
    assert_eq!(d.threshold, th);
    assert_eq!(d.declared, 9.5 > th);
    // Deciding twice is impossible: the frame is closed.
    assert_eq!(cc.on_deadline(deadline, 3), None);
}

#[test]
fn a_report_after_the_decision_comes_back_late() {
    let (ctx, truth) = drop0();
    let (mut cc, _) = cc(&ctx, &[0, 1]);
    cc.on_frame(3, &truth.x, truth.u.clone());
    assert_eq!(cc.on_report(SimTime(5), statistic(0, 1.0)), CcInput::Stored);
    // The last expected report completes the frame at once.
    let CcInput::Decided(d) = cc.on_report(SimTime(7), statistic(1, 2.0)) else {
        panic!("the frame completes");
    };
    assert_eq!((d.at, d.missing, d.soft), (SimTime(7), 0, 2));
    assert_eq!(cc.on_report(SimTime(9), statistic(1, 2.0)), CcInput::Late);
    // A frame the CC never opened is late too (nothing to fuse it into).
    let mut other = statistic(0, 1.0);
    other.frame = 99;
    assert_eq!(cc.on_report(SimTime(9), other), CcInput::Late);
}

fn rap(ctx: &Arc<DropCtx>, policy: ReportPolicy, via_downlink: bool) -> Receiver {
    let cfg = ReceiverConfig {
        node: NodeId::rap(2),
        policy,
        format: SampleFormat::F32,
        filter: LocalFilter::Whitened,
        tau: 6.9,
        via_downlink,
    };
    Receiver::new(ctx.clone(), cfg)
}

#[test]
fn downlink_symbols_before_or_after_the_observation_give_the_same_statistic() {
    let (ctx, truth) = drop0();
    let z = node_signal(&ctx, 3, NodeId::rap(2), &truth);
    let want = LocalDetector::new(&ctx.scene, 2, &ctx.w, ctx.noise_w(), LocalFilter::Whitened)
        .statistic(&z, &truth.x, &truth.u);
    let deadline = SimTime::from_millis(1);
    let mut eta = |_: u64| SimTime::ZERO;
    let expect_one = |out: Vec<Message<Report>>| {
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].from, Sender::Node(NodeId::rap(2)));
        match out[0].payload {
            Report::Statistic(t) => t,
            ref other => panic!("a statistic, not {:?}", other.kind()),
        }
    };
    // Symbols first: the observation completes the report.
    let mut early = rap(&ctx, ReportPolicy::Statistic, true);
    assert!(early.on_symbols(3, truth.indices.clone(), &mut eta).is_empty());
    let t_early = expect_one(early.on_observe(3, z.clone(), deadline, &mut eta));
    // Observation first: it waits for the symbols.
    let mut late = rap(&ctx, ReportPolicy::Statistic, true);
    assert!(late.on_observe(3, z.clone(), deadline, &mut eta).is_empty());
    let t_late = expect_one(late.on_symbols(3, truth.indices.clone(), &mut eta));
    // Without a downlink the node selects them itself from the public book.
    let mut own = rap(&ctx, ReportPolicy::Statistic, false);
    let t_own = expect_one(own.on_observe(3, z, deadline, &mut eta));
    assert_eq!(t_early, want);
    assert_eq!(t_late, want);
    assert_eq!(t_own, want);
    let count = ctx.w.ncols() * 30;
    let selected = ctx
        .symbols
        .select(&mut ctx.stream(STREAM_SYMBOLS, &[3]), count);
    assert_eq!(selected, truth.indices, "the BS's own selection");
}

#[test]
fn adaptive_sends_the_richest_report_its_uplink_can_deliver_in_time() {
    let (ctx, truth) = drop0();
    let z = node_signal(&ctx, 3, NodeId::rap(2), &truth);
    let deadline = SimTime::from_micros(500);
    // A scripted uplink: arrival = 1 us per byte after t = 0.
    let kind = |budget_bytes: u64| {
        let mut quoted = Vec::new();
        let mut eta = |bytes: u64| {
            quoted.push(bytes);
            if bytes <= budget_bytes {
                deadline
            } else {
                deadline.plus(SimTime(1))
            }
        };
        let mut r = rap(&ctx, ReportPolicy::Adaptive, false);
        let out = r.on_observe(3, z.clone(), deadline, &mut eta);
        assert_eq!(out.len(), 1);
        (out[0].payload.kind().name(), quoted)
    };
    let (samples, q) = kind(u64::MAX);
    assert_eq!(samples, "samples");
    assert_eq!(q.len(), 1, "samples fit: nothing else is quoted");
    let batch = q[0];
    assert!(batch > 20 * 30 * 8, "an f32 batch of 20 x 30 is about 4.8 kB: {batch}");
    let (stat, q) = kind(batch - 1);
    assert_eq!(stat, "statistic");
    assert_eq!(q.len(), 2);
    let stat_bytes = q[1];
    let (bit, q) = kind(stat_bytes - 1);
    assert_eq!(bit, "decision");
    assert_eq!(q, [batch, stat_bytes], "the bit is the fallback, never quoted");
}
