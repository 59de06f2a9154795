//! The backhaul as it is built: stale reports skipped instead of queued
//! forever, shared aggregation segments, packets with headers, reliable
//! transport, node faults; and under every kind of limit, the simulated Pd
//! agrees with the exact Pd of what actually arrived (99.9% intervals).

use iaps::fusion::VotingRule;
use iaps::network::importance::PI0;
use iaps::network::transport::{Aggregation, Fault, Stale, Transport, TransportParams};
use iaps::network::{Fidelity, NetParams, PfaEstimator, PointSpec, RunMetrics, run_drops};
use iaps::node::CcFusion;
use iaps::node::ReportPolicy;
use iaps::presets::{default_params, link};
use iaps::sim::{Scheduling, SegmentConfig, SimTime};

fn run(net: &NetParams, drops: u64, frames: u64) -> RunMetrics {
    let p = default_params(-19.0);
    let mut spec = PointSpec::new(&p, net, 51, frames);
    spec.fidelity = Fidelity::Statistic;
    run_drops(&spec, drops, 0, |_| {}).unwrap().metrics
}

/// Asserts the simulated Pd is within 99.9% of the exact Pd of what arrived.
fn agrees_with_arrived(what: &str, m: &RunMetrics) {
    let (pd, _) = m.pd();
    let exact = m.pd_analytic_arrived();
    let n = m.detections().1 as f64;
    let se = (exact * (1.0 - exact) / n).sqrt().max(1e-9);
    eprintln!(
        "{what}: Pd {pd:.4}, exact given arrivals {exact:.4}, all-arrive exact {:.4}, late {}, lost {}, skipped {}, mean fused {:.2}",
        m.pd_analytic_exact(),
        m.late,
        m.lost,
        m.stale_skipped,
        m.fused_nodes_mean()
    );
    assert!(
        (pd - exact).abs() <= 3.29 * se,
        "{what}: Pd {pd:.4} vs {exact:.4}"
    );
}

fn decisions(capacity: Option<f64>, stale: Stale) -> NetParams {
    NetParams {
        frame_interval_s: 0.5e-3,
        deadline_s: 1e-3,
        uplinks: vec![link(capacity)],
        report: vec![ReportPolicy::Decision],
        transport: TransportParams {
            stale,
            ..TransportParams::default()
        },
        ..NetParams::default()
    }
}

#[test]
fn skipping_stale_bits_keeps_detection_below_the_needed_rate() {
    // A 12-byte decision fits the deadline at 120 kbit/s (0.8 ms), but a
    // frame every 0.5 ms needs about 192 kbit/s: sent anyway, every queue
    // grows and nearly every bit is late; skipped, about every other frame
    // still gets each node's bit in time.
    let unlimited = run(&decisions(None, Stale::Send), 8, 400).pd().0;
    let send = run(&decisions(Some(120e3), Stale::Send), 8, 400);
    let skip = run(&decisions(Some(120e3), Stale::Skip), 8, 400);
    eprintln!(
        "unlimited {unlimited:.4}, send {:.4} (late {}), skip {:.4} (skipped {})",
        send.pd().0,
        send.late,
        skip.pd().0,
        skip.stale_skipped
    );
    assert!(skip.pd().0 >= 0.3 * unlimited, "skip keeps at least 30%");
    assert!(send.pd().0 <= 0.05 * unlimited, "send loses nearly all");
    agrees_with_arrived("120 kbit/s, skip", &skip);
    agrees_with_arrived("120 kbit/s, send", &send);
}

fn statistics(aggregate: bool) -> NetParams {
    let mut net = NetParams {
        uplinks: vec![link(Some(1e6))],
        report: vec![ReportPolicy::Statistic],
        ..NetParams::default()
    };
    if aggregate {
        net.uplinks = vec![link(Some(1e8))];
        net.aggregation = vec![Aggregation {
            nodes: (0..=10).collect(),
            segment: SegmentConfig {
                capacity_bps: Some(1e6),
                latency: SimTime::from_micros(50),
                buffer_bytes: None,
                scheduling: Scheduling::Fifo,
            },
        }];
    }
    net
}

#[test]
fn eleven_nodes_sharing_one_segment_contend() {
    // 11 statistics of 19 B share 1 Mbit/s: 1.7 ms of serialization per
    // frame against a 1 ms frame interval; dedicated 1 Mbit/s links carry
    // each in 0.15 ms.
    let shared = run(&statistics(true), 4, 300);
    let dedicated = run(&statistics(false), 4, 300);
    let late = |m: &RunMetrics| m.late as f64 / m.reports as f64;
    eprintln!(
        "late: shared {:.3}, dedicated {:.3}",
        late(&shared),
        late(&dedicated)
    );
    assert!(
        late(&shared) > 0.5,
        "mostly late on a shared 1 Mbit/s segment"
    );
    assert!(
        late(&dedicated) < 0.01,
        "on time on dedicated 1 Mbit/s links"
    );
    assert_eq!(shared.segments.len(), 1);
    assert!(shared.segments[0].stats.offered >= shared.reports);
    agrees_with_arrived("shared segment", &shared);
}

#[test]
fn a_shared_segment_serves_what_can_still_arrive_when_skipping() {
    // The same 1 Mbit/s segment with `stale = "skip"`: the nodes cannot see
    // its queue, but the segment does not start a report that would reach
    // the CC after the deadline, so it serves about 5 reports per frame on
    // time (1 ms less propagation and latency, at 152 us each) instead of a
    // growing backlog late.
    let mut net = statistics(true);
    net.transport.stale = Stale::Skip;
    let skip = run(&net, 4, 300);
    let unlimited = run(&statistics(false), 4, 300).pd().0;
    eprintln!(
        "shared segment, skip: Pd {:.4} (unlimited {unlimited:.4}), {:.2} fused, {} discarded, {} late",
        skip.pd().0,
        skip.fused_nodes_mean(),
        skip.stale_discarded,
        skip.late
    );
    assert!(skip.late as f64 <= 0.01 * skip.reports as f64, "on time");
    assert!(skip.stale_discarded > 0, "the segment discards");
    let fused = skip.fused_nodes_mean();
    assert!((4.0..=8.0).contains(&fused), "about 5 fused, got {fused}");
    assert!(skip.pd().0 >= 0.5 * unlimited, "graceful, not a cliff");
    agrees_with_arrived("shared segment, skip", &skip);
}

#[test]
fn packets_add_one_header_each() {
    let base = NetParams {
        report: vec![ReportPolicy::Samples],
        ..NetParams::default()
    };
    let packed = NetParams {
        transport: TransportParams {
            mtu_bytes: Some(1500),
            packet_header_bytes: 40,
            ..TransportParams::default()
        },
        ..base.clone()
    };
    let (a, b) = (run(&base, 2, 20), run(&packed, 2, 20));
    let bytes = |m: &RunMetrics| m.uplinks.iter().map(|l| l.stats.offered_bytes).sum::<u64>();
    let msgs = |m: &RunMetrics| m.uplinks.iter().map(|l| l.stats.offered).sum::<u64>();
    // Every report is an f32 batch of 20 x 30 plus framing; count its packets.
    let per_message = bytes(&a) / a.reports;
    let t = &packed.transport;
    let expected = a.reports * t.wire_bytes(per_message);
    eprintln!(
        "{} messages of {per_message} B: {} B unpacketized, {} B in {} packets",
        a.reports,
        bytes(&a),
        bytes(&b),
        msgs(&b)
    );
    assert_eq!(bytes(&a) % a.reports, 0, "every batch has the same size");
    assert_eq!(bytes(&b), expected);
    assert_eq!(msgs(&b), a.reports * t.packets(per_message).len() as u64);
}

#[test]
fn reliable_transport_turns_loss_into_delay() {
    let lossy = |transport| {
        let mut up = link(Some(10e6));
        up.loss = 0.2;
        NetParams {
            uplinks: vec![up],
            report: vec![ReportPolicy::Statistic],
            deadline_s: 5e-3,
            transport: TransportParams {
                transport,
                rto: SimTime::from_micros(200),
                ..TransportParams::default()
            },
            ..NetParams::default()
        }
    };
    let datagram = run(&lossy(Transport::Datagram), 4, 300);
    let reliable = run(&lossy(Transport::Reliable), 4, 300);
    eprintln!(
        "datagram: lost {} of {}, delay {:.1} us; reliable: lost {}, {} retransmissions, delay {:.1} us",
        datagram.lost,
        datagram.reports,
        datagram.report_delay() * 1e6,
        reliable.lost,
        reliable.retransmissions,
        reliable.report_delay() * 1e6
    );
    assert!(datagram.lost as f64 > 0.15 * datagram.reports as f64);
    assert_eq!(reliable.lost, 0, "reliable loses nothing");
    assert!(reliable.retransmissions > 0);
    assert!(
        reliable.report_delay() > datagram.report_delay(),
        "and its reports take longer"
    );
    agrees_with_arrived("datagram, 20% loss", &datagram);
    agrees_with_arrived("reliable, 20% loss", &reliable);
}

#[test]
fn pd_follows_what_arrived_under_loss_outages_and_capacity() {
    use ReportPolicy::*;
    let mut lossy = link(Some(2e6));
    lossy.loss = 0.3;
    lossy.outages = vec![(SimTime::from_millis(20), SimTime::from_millis(60))];
    let net = NetParams {
        uplinks: vec![lossy],
        report: vec![Samples, Adaptive, Statistic, Decision],
        ..NetParams::default()
    };
    agrees_with_arrived("loss, outage, 2 Mbit/s, mixed policies", &run(&net, 8, 200));
    let skip = NetParams {
        transport: TransportParams {
            stale: Stale::Skip,
            ..TransportParams::default()
        },
        ..net
    };
    agrees_with_arrived("the same, skipping stale reports", &run(&skip, 8, 200));
}

#[test]
fn a_crashed_rap_is_missing_until_it_restarts() {
    // RAP 3 crashes at 20 ms and restarts at 60 ms of a 100-frame drop; RAP 5
    // crashes for good at 50 ms. The CC decides without them; the threshold
    // follows the mix, so the fused false-alarm rate still holds.
    let mut faults = vec![None; 11];
    faults[3] = Some(Fault {
        crash: SimTime::from_millis(20),
        restart: Some(SimTime::from_millis(60)),
    });
    faults[5] = Some(Fault {
        crash: SimTime::from_millis(50),
        restart: None,
    });
    let net = NetParams {
        faults,
        target_probability: 0.5,
        ..NetParams::default()
    };
    let m = run(&net, 6, 100);
    let frames: u64 = m.fused_nodes.iter().sum();
    eprintln!("fused reports per frame: {:?}", m.fused_nodes);
    // Frames 0-19: 11 reports; 20-49 and 60-99: RAP 5 or 3 missing; 50-59
    // both: 9 reports. (A frame's reports leave tens of us after its start.)
    let per_drop = |n: usize| m.fused_nodes.get(n).copied().unwrap_or(0) / 6;
    assert_eq!(frames, 600);
    assert_eq!(per_drop(11), 20);
    assert_eq!(per_drop(10), 30 + 40);
    assert_eq!(per_drop(9), 10);
    agrees_with_arrived("crash and restart", &m);
    let (fa, n) = m.false_alarms();
    eprintln!("false alarms {fa}/{n} at design 1e-5");
    assert!(fa <= 2, "fused Pfa target holds");
}

/// RAP 3 down from 20 to 60 ms, RAP 5 from 50 ms on (of 100-frame drops).
fn two_faults() -> Vec<Option<Fault>> {
    let mut faults = vec![None; 11];
    faults[3] = Some(Fault {
        crash: SimTime::from_millis(20),
        restart: Some(SimTime::from_millis(60)),
    });
    faults[5] = Some(Fault {
        crash: SimTime::from_millis(50),
        restart: None,
    });
    faults
}

#[test]
fn crashed_raps_keep_the_fused_pfa() {
    // Target-free frames only, importance-sampled, 1e5 frames per case: the
    // CC's threshold follows the mix that arrived, so the GLRT of soft
    // reports still meets its 1e-5 target exactly; votes over fewer nodes
    // have a smaller k-of-n tail, which the exact column follows frame by
    // frame. Both estimates' 99.9% intervals must contain the exact value.
    let p = default_params(-19.0);
    for (what, report, fusion) in [
        (
            "GLRT of statistics",
            ReportPolicy::Statistic,
            CcFusion::Glrt,
        ),
        (
            "OR of decisions",
            ReportPolicy::Decision,
            CcFusion::Vote(VotingRule::Or),
        ),
    ] {
        let net = NetParams {
            faults: two_faults(),
            target_probability: 0.0,
            report: vec![report],
            fusion,
            ..NetParams::default()
        };
        let mut spec = PointSpec::new(&p, &net, 52, 100);
        spec.fidelity = Fidelity::Statistic;
        spec.pfa_estimator = PfaEstimator::Importance;
        let m = run_drops(&spec, 1000, 0, |_| {}).unwrap().metrics;
        let fa = m.design().false_alarms;
        let (est, ci) = (fa.estimate(), fa.interval(0.999, 1.0 / PI0));
        let exact = m.pfa_analytic_arrived();
        eprintln!(
            "{what}, crashes: Pfa {est:.4e} [{:.4e}, {:.4e}] (99.9%), exact given arrivals {exact:.4e}, {} frames, mean fused {:.2}",
            ci.low,
            ci.high,
            fa.n,
            m.fused_nodes_mean()
        );
        assert_eq!(fa.n, 100_000);
        assert!(m.fused_nodes_mean() < 10.9, "the faults cut reports");
        assert!(ci.low <= exact && exact <= ci.high, "{what}");
        assert!(fa.rel_error() < 0.05, "{what}: relative error");
        match fusion {
            CcFusion::Glrt => assert!((exact - 1e-5).abs() < 1e-12, "GLRT meets 1e-5"),
            CcFusion::Vote(_) => {
                // OR of n nodes at q each: 1 - (1 - q)^n, between 9 and 11
                // nodes' worth.
                let q = 1.0 - (1.0 - 1e-5f64).powf(1.0 / 11.0);
                let or = |n: i32| 1.0 - (1.0 - q).powi(n);
                assert!(exact > or(9) && exact < or(11), "{what}: {exact}");
            }
        }
    }
}
