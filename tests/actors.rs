//! The actors alone, driven input by input without the engine: the CC decides
//! at the deadline on what arrived and calls later reports late; a RAP
//! computes the same statistic whether its symbols come before or after its
//! observation; the adaptive policy picks samples, statistic or bit from the
//! arrival times its uplink quotes.

use iaps::analytic::LinkBudget;
use iaps::design::{NodePfa, design_nodes};
use iaps::detect::LocalFilter;
use iaps::fusion::mixed_threshold;
use iaps::network::{Fidelity, FrameTruth, Medium, NetParams, PointSpec, drop_ctx};
use iaps::node::{
    Cc, CcConfig, CcFusion, CcInput, DropCtx, FrameSymbols, Level, Message, NodeId, Observation,
    Receiver, ReceiverConfig, Report, ReportPolicy, SampleFormat, Sender, SymbolBlock,
    SymbolFormat,
};
use iaps::presets::default_params;
use iaps::sim::SimTime;
use std::sync::Arc;

/// Drop 0 of the paper's system (R = 10, thermal sensing noise, so the
/// direct path is strong), with its frame 3 drawn and RAP 2's observation.
fn drop0() -> (Arc<DropCtx>, FrameTruth, Observation) {
    let mut p = default_params(-10.0);
    p.noise.sensing_w = iaps::params::dbm_to_w(-104.0);
    let spec = PointSpec::new(&p, &NetParams::default(), 21, 10);
    let ctx = drop_ctx(&spec, 0).unwrap().expect("feasible drop");
    let medium = Medium::new(&ctx, Fidelity::Sample, None, vec![NodeId::rap(2)]);
    let mut truth = medium.draw_frame(&ctx, 3, 1.0);
    let z = medium.observe(&ctx, 3, NodeId::rap(2), &mut truth);
    (ctx, truth, z)
}

fn cc(ctx: &Arc<DropCtx>, expected: &[usize]) -> (Cc, f64) {
    let b = LinkBudget::new(&ctx.scene, &ctx.w, ctx.noise_w(), 30, LocalFilter::Whitened);
    let pfa = 1e-3;
    let d = design_nodes(
        &b,
        expected,
        pfa,
        ctx.params.sensing.target,
        NodePfa::Fused,
        None,
    );
    let cfg = CcConfig {
        expected: expected.iter().map(|&r| NodeId::from_index(r)).collect(),
        fusion: CcFusion::Glrt,
        levels: vec![Level { pfa, design: d }],
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
    let (ctx, truth, _) = drop0();
    let (mut cc, q) = cc(&ctx, &[0, 1, 2]);
    cc.on_frame(3, truth.symbols.clone());
    let t = SimTime::from_micros(10);
    assert_eq!(cc.on_report(t, &statistic(0, 4.0)), CcInput::Stored);
    assert_eq!(cc.on_report(t, &statistic(2, 5.5)), CcInput::Stored);
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
    let (ctx, truth, _) = drop0();
    let (mut cc, _) = cc(&ctx, &[0, 1]);
    cc.on_frame(3, truth.symbols.clone());
    assert_eq!(
        cc.on_report(SimTime(5), &statistic(0, 1.0)),
        CcInput::Stored
    );
    // The last expected report completes the frame at once.
    let CcInput::Decided(d) = cc.on_report(SimTime(7), &statistic(1, 2.0)) else {
        panic!("the frame completes");
    };
    assert_eq!((d.at, d.missing, d.soft), (SimTime(7), 0, 2));
    assert_eq!(cc.on_report(SimTime(9), &statistic(1, 2.0)), CcInput::Late);
    // A frame the CC never opened is late too (nothing to fuse it into).
    let mut other = statistic(0, 1.0);
    other.frame = 99;
    assert_eq!(cc.on_report(SimTime(9), &other), CcInput::Late);
}

fn rap(ctx: &Arc<DropCtx>, policy: ReportPolicy) -> Receiver {
    let cfg = ReceiverConfig {
        node: NodeId::rap(2),
        policy,
        format: SampleFormat::F32,
        tau: 6.9,
        skip_stale: false,
    };
    Receiver::new(ctx.clone(), cfg)
}

#[test]
fn downlink_symbols_before_or_after_the_observation_give_the_same_statistic() {
    let (ctx, truth, obs) = drop0();
    let Observation::Samples(z) = &obs else {
        panic!("sample level")
    };
    let sym = &truth.symbols;
    let want = ctx
        .detector(NodeId::rap(2))
        .statistic(z, &sym.xu, sym.u.as_ref().unwrap());
    let deadline = SimTime::from_millis(1);
    let mut eta = |_: u64| SimTime::ZERO;
    let expect_one = |out: Option<Message<Report>>| {
        let out = out.expect("one report");
        assert_eq!(out.from, Sender::Node(NodeId::rap(2)));
        match out.payload {
            Report::Statistic(t) => t,
            ref other => panic!("a statistic, not {:?}", other.kind()),
        }
    };
    // What the downlink carries: the symbols in f64, decoded by the RAP.
    let block = SymbolBlock::encode(truth.s.as_ref().unwrap(), SymbolFormat::F64);
    let told: Arc<FrameSymbols> = block.decode(&ctx.w, &ctx.scene.a);
    // Symbols first: the observation completes the report.
    let mut early = rap(&ctx, ReportPolicy::Statistic);
    assert!(early.on_symbols(3, told.clone(), &mut eta).is_none());
    let t_early = expect_one(early.on_observe(3, obs.clone(), None, deadline, &mut eta));
    // Observation first: it waits for the symbols.
    let mut late = rap(&ctx, ReportPolicy::Statistic);
    assert!(
        late.on_observe(3, obs.clone(), None, deadline, &mut eta)
            .is_none()
    );
    let t_late = expect_one(late.on_symbols(3, told, &mut eta));
    // Known symbols (no downlink): at once.
    let mut known = rap(&ctx, ReportPolicy::Statistic);
    let t_known = expect_one(known.on_observe(3, obs, Some(sym), deadline, &mut eta));
    assert_eq!(t_early, t_late);
    assert!(
        (t_early - want).abs() <= 1e-9 * want.max(1.0),
        "{t_early} vs {want}"
    );
    assert_eq!(t_known, want);
}

#[test]
fn adaptive_sends_the_richest_report_its_uplink_can_deliver_in_time() {
    let (ctx, truth, obs) = drop0();
    let deadline = SimTime::from_micros(500);
    // A scripted uplink: a message of up to `budget_bytes` arrives by the
    // deadline, a larger one 1 ps after it.
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
        let mut r = rap(&ctx, ReportPolicy::Adaptive);
        let known = Some(&truth.symbols);
        let out = r.on_observe(3, obs.clone(), known, deadline, &mut eta);
        let out = out.expect("one report");
        (out.payload.kind().name(), quoted)
    };
    let (samples, q) = kind(u64::MAX);
    assert_eq!(samples, "samples");
    assert_eq!(q.len(), 1, "samples fit: nothing else is quoted");
    let batch = q[0];
    assert!(
        batch > 20 * 30 * 8,
        "an f32 batch of 20 x 30 is about 4.8 kB: {batch}"
    );
    let (stat, q) = kind(batch - 1);
    assert_eq!(stat, "statistic");
    assert_eq!(q.len(), 2);
    let stat_bytes = q[1];
    let (bit, q) = kind(stat_bytes - 1);
    assert_eq!(bit, "decision");
    assert_eq!(
        q,
        [batch, stat_bytes],
        "the bit is the fallback, never quoted"
    );
}
