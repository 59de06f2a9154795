//! Backhaul link behaviour through the public API: exact serialization and
//! latency, FIFO queueing, drop-tail buffers, random loss, outage windows,
//! unlimited capacity and the counters.

use iaps::rng::{STREAM_TEST, stream};
use iaps::sim::{Link, LinkConfig, SimTime, Transmission};
use iaps::stats::binomial_acceptance;

const MS: SimTime = SimTime::from_millis(1);

fn ms(n: u64) -> SimTime {
    SimTime::from_millis(n)
}

fn link(cfg: LinkConfig) -> Link {
    Link::new(cfg, stream(11, &[STREAM_TEST, 0x6c]))
}

/// 1 Mbit/s, given latency, no header: 1000 bytes take exactly 8 ms.
fn mbps(latency: SimTime) -> LinkConfig {
    LinkConfig {
        capacity_bps: Some(1e6),
        latency,
        header_bytes: 0,
        ..Default::default()
    }
}

/// `(start, finish, arrive)` of a delivered message; panics otherwise.
fn delivered(t: Transmission) -> (SimTime, SimTime, SimTime) {
    match t {
        Transmission::Delivered {
            start,
            finish,
            arrive,
        } => (start, finish, arrive),
        t => panic!("expected Delivered, got {t:?}"),
    }
}

#[test]
fn a_batch_arrives_after_latency_plus_serialization() {
    let mut l = link(mbps(ms(2)));
    assert_eq!(
        l.send(ms(5), 1000),
        Transmission::Delivered {
            start: ms(5),
            finish: ms(13),
            arrive: ms(15)
        }
    );
    // 125 bytes at 1 Gbit/s take exactly 1 us.
    let cfg = LinkConfig {
        capacity_bps: Some(1e9),
        latency: SimTime(7),
        header_bytes: 0,
        ..Default::default()
    };
    let (_, _, arrive) = delivered(link(cfg).send(SimTime(3), 125));
    assert_eq!(arrive, SimTime(3 + 7 + 1_000_000));
    // With an 8-byte header, 992 payload bytes are 1000 on the wire.
    let mut l = link(LinkConfig {
        header_bytes: 8,
        ..mbps(ms(2))
    });
    assert_eq!(l.earliest_arrival(ms(5), 992), ms(15));
    assert_eq!(delivered(l.send(ms(5), 992)).2, ms(15));
    assert_eq!(l.stats().offered_bytes, 1000);
    assert_eq!(l.stats().delivered_bytes, 1000);
}

#[test]
fn back_to_back_messages_queue() {
    let mut l = link(mbps(ms(1)));
    let (s1, f1, a1) = delivered(l.send(SimTime::ZERO, 1000));
    assert_eq!((s1, f1, a1), (SimTime::ZERO, ms(8), ms(9)));
    assert_eq!(l.backlog(SimTime::ZERO), 1000);
    assert_eq!(l.earliest_arrival(ms(1), 500), ms(13));
    let (s2, f2, a2) = delivered(l.send(ms(1), 500));
    assert_eq!((s2, f2, a2), (f1, ms(12), ms(13)));
    assert_eq!(l.backlog(ms(8)), 500);
    // Idle from 12 ms: a message at 20 ms starts at once.
    assert_eq!(l.backlog(ms(12)), 0);
    assert_eq!(delivered(l.send(ms(20), 1000)), (ms(20), ms(28), ms(29)));
    assert_eq!(l.stats().busy_ps, ms(20).0);
    assert!((l.stats().utilization(ms(28)) - 20.0 / 28.0).abs() < 1e-12);
}

#[test]
fn drop_tail_refuses_a_burst_beyond_the_buffer() {
    let mut l = link(LinkConfig {
        buffer_bytes: Some(3000),
        ..mbps(SimTime::ZERO)
    });
    let burst: Vec<Transmission> = (0..5).map(|_| l.send(SimTime::ZERO, 1000)).collect();
    for (i, t) in burst[..3].iter().enumerate() {
        let k = i as u64;
        assert_eq!(delivered(*t), (ms(8 * k), ms(8 * k + 8), ms(8 * k + 8)));
    }
    assert_eq!(burst[3], Transmission::Dropped { backlog: 3000 });
    assert_eq!(burst[4], Transmission::Dropped { backlog: 3000 });
    // A message that would just fit is accepted once the first has left.
    assert_eq!(l.send(ms(7), 1), Transmission::Dropped { backlog: 3000 });
    assert_eq!(delivered(l.send(ms(8), 1000)), (ms(24), ms(32), ms(32)));
    let s = *l.stats();
    assert_eq!((s.offered, s.delivered, s.dropped, s.lost), (7, 4, 3, 0));
    assert_eq!(s.peak_queue_bytes, 3000);
    assert_eq!(l.backlog(ms(31)), 1000);
}

#[test]
fn random_loss_has_the_configured_rate() {
    const N: u64 = 100_000;
    let mut l = link(LinkConfig {
        loss: 0.3,
        ..Default::default()
    });
    for i in 0..N {
        match l.send(SimTime(i), 100) {
            Transmission::Lost { start, finish } => {
                assert_eq!((start, finish), (SimTime(i), SimTime(i)))
            }
            t => assert_eq!(delivered(t).2, SimTime(i)),
        }
    }
    let (lo, hi) = binomial_acceptance(N, 0.3, 0.999);
    let lost = l.stats().lost;
    assert!(lo <= lost && lost <= hi, "{lost} lost outside [{lo}, {hi}]");
    assert_eq!(l.stats().delivered + lost, N);

    let mut clean = link(LinkConfig::default());
    assert!((0..N).all(|i| matches!(clean.send(SimTime(i), 10), Transmission::Delivered { .. })));
    let mut dead = link(LinkConfig {
        loss: 1.0,
        ..mbps(MS)
    });
    assert_eq!(
        dead.send(SimTime::ZERO, 1000),
        Transmission::Lost {
            start: SimTime::ZERO,
            finish: ms(8)
        }
    );
    // A lost message still occupied the link.
    assert_eq!(dead.earliest_arrival(SimTime::ZERO, 1000), ms(17));
    assert_eq!(dead.stats().busy_ps, ms(8).0);
}

#[test]
fn outages_delay_transmissions_to_their_end() {
    let outages = vec![(ms(10), ms(20)), (ms(5), ms(6))];
    let mut l = link(LinkConfig {
        outages,
        ..mbps(MS)
    });
    // 4 ms fit before the outage at 5 ms.
    assert_eq!(
        delivered(l.send(SimTime::ZERO, 500)),
        (SimTime::ZERO, ms(4), ms(5))
    );
    // 8 ms fit neither in [4, 5) nor in [6, 10): wait for 20 ms.
    assert_eq!(delivered(l.send(ms(4), 1000)), (ms(20), ms(28), ms(29)));
    // Offered inside an outage: starts at its end.
    let mut l = link(LinkConfig {
        outages: vec![(ms(10), ms(20))],
        ..mbps(MS)
    });
    assert_eq!(delivered(l.send(ms(12), 1000)), (ms(20), ms(28), ms(29)));
    // Longer than the gap before the outage: waits for its end.
    let mut l = link(LinkConfig {
        outages: vec![(ms(10), ms(20))],
        ..mbps(MS)
    });
    assert_eq!(delivered(l.send(ms(3), 1000)), (ms(20), ms(28), ms(29)));
    // Unlimited capacity: blocked in [a, b), free at b.
    let mut l = link(LinkConfig {
        outages: vec![(ms(10), ms(20))],
        latency: MS,
        ..Default::default()
    });
    assert_eq!(delivered(l.send(ms(10), 100)), (ms(20), ms(20), ms(21)));
    assert_eq!(l.backlog(ms(15)), 108);
    assert_eq!(delivered(l.send(ms(20), 100)), (ms(20), ms(20), ms(21)));
    assert_eq!(delivered(l.send(ms(9), 100)).2, ms(21));
}

#[test]
fn unlimited_capacity_adds_only_latency() {
    // The buffer holds exactly one message: they never pile up.
    let buffer_bytes = Some((1 << 30) + 8);
    let mut l = link(LinkConfig {
        latency: SimTime(1234),
        buffer_bytes,
        ..Default::default()
    });
    for i in 0..1000u64 {
        let now = SimTime(i / 10);
        assert_eq!(l.earliest_arrival(now, 1 << 30), now + SimTime(1234));
        assert_eq!(
            delivered(l.send(now, 1 << 30)),
            (now, now, now + SimTime(1234))
        );
        assert_eq!(l.backlog(now), 0);
    }
    assert_eq!(l.stats().busy_ps, 0);
    assert_eq!(l.stats().delivered_bytes, 1000 * ((1 << 30) + 8));
    // A message larger than the whole buffer is always refused.
    assert_eq!(
        l.send(SimTime(100), 1 << 30 | 1),
        Transmission::Dropped { backlog: 0 }
    );
}

#[test]
fn counters_add_up() {
    let cfg = LinkConfig {
        capacity_bps: Some(1e8),
        latency: SimTime::from_micros(50),
        buffer_bytes: Some(20_000),
        loss: 0.1,
        outages: vec![(ms(3), ms(4))],
        header_bytes: 8,
    };
    let mut l = link(cfg);
    let (mut bytes, mut busy, mut peak, mut last) = (0, 0, 0, SimTime::ZERO);
    for i in 0..5000u64 {
        let (now, payload) = (SimTime::from_micros(2 * i), 100 + (i * 37) % 900);
        bytes += payload + 8;
        let backlog = l.backlog(now);
        match l.send(now, payload) {
            Transmission::Delivered {
                start,
                finish,
                arrive,
            } => {
                assert_eq!(arrive, finish + SimTime::from_micros(50));
                (busy, peak, last) = (
                    busy + (finish - start).0,
                    peak.max(backlog + payload + 8),
                    finish,
                );
            }
            Transmission::Lost { start, finish } => {
                (busy, peak, last) = (
                    busy + (finish - start).0,
                    peak.max(backlog + payload + 8),
                    finish,
                );
            }
            Transmission::Dropped { backlog: b } => assert_eq!(b, backlog),
        }
    }
    let s = *l.stats();
    assert_eq!(s.offered, 5000);
    assert_eq!(s.offered, s.delivered + s.lost + s.dropped);
    assert!(s.dropped > 0 && s.lost > 0, "{s:?}");
    assert_eq!(s.offered_bytes, bytes);
    assert_eq!((s.busy_ps, s.peak_queue_bytes), (busy, peak));
    assert!(s.peak_queue_bytes <= 20_000);
    // Offered load exceeds capacity, so the link is busy nearly all the time
    // except for the outage.
    let u = s.utilization(last);
    assert!(u > 0.9 && u <= 1.0, "{u}");
}

#[test]
fn earliest_arrival_leaves_state_alone() {
    let mut l = link(mbps(SimTime(5)));
    let before = *l.stats();
    let first = l.earliest_arrival(SimTime::ZERO, 1000);
    assert_eq!(first, SimTime(8_000_000_005));
    assert_eq!(l.earliest_arrival(SimTime::ZERO, 1000), first);
    assert_eq!(*l.stats(), before);
    assert_eq!(l.busy_until(), SimTime::ZERO);
    assert_eq!(delivered(l.send(SimTime::ZERO, 1000)).2, first);
    assert_eq!(l.busy_until(), ms(8));
}
