//! The scenario keys of the backhaul as it is built: packets and transport,
//! shared aggregation segments, node faults; indexed key paths in `--set`,
//! sweeps and variants; their defaults, round trip and errors.

use iaps::network::NetParams;
use iaps::network::transport::{Aggregation, Fault, Stale, Transport, TransportParams};
use iaps::scenario::Scenario;
use iaps::sim::{Scheduling, SegmentConfig, SimTime};
use toml::Value;

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

const BUILT: &str = r#"
[system]
raps = 4
[backhaul]
capacity_bps = 1e7
latency_s = 1e-4
mtu_bytes = 1500
packet_header_bytes = 40
transport = "reliable"
rto_s = 2e-3
jitter_s = 5e-6
stale = "skip"
[[backhaul.aggregation]]
nodes = [0, 2]
capacity_bps = 1e6
buffer_bytes = 9000
[[backhaul.aggregation]]
nodes = [3, 4]
latency_s = 1e-5
scheduling = "round_robin"
[[backhaul.node]]
id = 3
crash_s = 0.01
restart_s = 0.02
[[backhaul.node]]
id = 1
crash_s = 0.005
"#;

#[test]
fn every_new_key_reaches_the_network() {
    let n = parse(BUILT).base().unwrap().net;
    assert_eq!(
        n.transport,
        TransportParams {
            mtu_bytes: Some(1500),
            packet_header_bytes: 40,
            transport: Transport::Reliable,
            rto: SimTime::from_secs(2e-3),
            jitter: SimTime::from_secs(5e-6),
            stale: Stale::Skip,
            max_attempts: TransportParams::default().max_attempts,
        }
    );
    // A segment's keys not given are the [backhaul] link's.
    assert_eq!(
        n.aggregation,
        vec![
            Aggregation {
                nodes: vec![0, 2],
                segment: SegmentConfig {
                    capacity_bps: Some(1e6),
                    latency: SimTime::from_secs(1e-4),
                    buffer_bytes: Some(9000),
                    scheduling: Scheduling::Fifo,
                },
            },
            Aggregation {
                nodes: vec![3, 4],
                segment: SegmentConfig {
                    capacity_bps: Some(1e7),
                    latency: SimTime::from_secs(1e-5),
                    buffer_bytes: None,
                    scheduling: Scheduling::RoundRobin,
                },
            },
        ]
    );
    let crash = |c: f64, r: Option<f64>| {
        Some(Fault {
            crash: SimTime::from_secs(c),
            restart: r.map(SimTime::from_secs),
        })
    };
    assert_eq!(
        n.faults,
        vec![
            None,
            crash(0.005, None),
            None,
            crash(0.01, Some(0.02)),
            None
        ]
    );
    // "all" and "raps" name the nodes of the point's system.
    let s = parse(
        "[system]\nraps = 2\n[[backhaul.aggregation]]\nnodes = \"raps\"\n[[variant]]\nlabel = \"a\"\n[[variant]]\nlabel = \"b\"\n\"system.raps\" = 3\n\"backhaul.aggregation\" = [{ nodes = \"all\" }]\n",
    );
    let p = s.points().unwrap();
    assert_eq!(p[0].setup.net.aggregation[0].nodes, vec![1, 2]);
    assert_eq!(p[1].setup.net.aggregation[0].nodes, vec![0, 1, 2, 3]);
}

#[test]
fn defaults_add_nothing_and_are_written_out() {
    let s = parse("[run]\ndrops = 1\n");
    let n = s.base().unwrap().net;
    let d = NetParams::default();
    assert_eq!(
        (&n.transport, &n.aggregation, &n.faults),
        (&d.transport, &d.aggregation, &d.faults)
    );
    let out = s.resolved_toml();
    for line in [
        "mtu_bytes = \"unlimited\"",
        "packet_header_bytes = 0",
        "transport = \"datagram\"",
        "rto_s = 0.001",
        "jitter_s = 0.0",
        "stale = \"send\"",
    ] {
        assert!(out.contains(line), "`{line}` not in\n{out}");
    }
}

#[test]
fn resolved_toml_round_trips_with_segments_faults_and_indexed_axes() {
    let swept = format!(
        "{BUILT}[sweep]\n\"backhaul.aggregation[0].capacity_bps\" = [1e5, 1e6]\n[[variant]]\nlabel = \"two\"\n[[variant]]\nlabel = \"one\"\n\"backhaul.aggregation\" = [{{ nodes = \"all\", scheduling = \"round_robin\" }}]\n"
    );
    for text in [BUILT, swept.as_str()] {
        let s = parse(text);
        let out = s.resolved_toml();
        let again = Scenario::parse(&out, "resolved").unwrap_or_else(|e| panic!("{e}\n{out}"));
        assert_eq!(again.points().unwrap(), s.points().unwrap(), "{out}");
        assert_eq!(again.resolved_toml(), out);
    }
    let p = parse(&swept).points().unwrap();
    assert_eq!(p.len(), 4);
    let cap = |i: usize| p[i].setup.net.aggregation[0].segment.capacity_bps;
    assert_eq!((cap(0), cap(2)), (Some(1e5), Some(1e6)));
    // The variant replaces the entries after the coordinate is set: its one
    // segment inherits the [backhaul] capacity.
    assert_eq!(cap(1), Some(1e7));
    assert_eq!(p[1].setup.net.aggregation[0].nodes, vec![0, 1, 2, 3, 4]);
}

#[test]
fn a_segment_swept_with_the_backhaul_capacity_follows_it() {
    let s = parse(
        "[[backhaul.aggregation]]\nnodes = \"all\"\n[sweep]\n\"backhaul.capacity_bps\" = [1e5, 2e5]\n",
    );
    let p = s.points().unwrap();
    for (pt, c) in p.iter().zip([1e5, 2e5]) {
        assert_eq!(pt.setup.net.aggregation[0].segment.capacity_bps, Some(c));
        assert_eq!(pt.setup.net.uplinks[0].capacity_bps, Some(c));
    }
    // The resolved file leaves the swept value to each point.
    let out = s.resolved_toml();
    let agg = out.split("[[backhaul.aggregation]]").nth(1).unwrap();
    let agg = agg.split("\n\n").next().unwrap();
    assert!(!agg.contains("capacity_bps"), "{agg}");
    assert!(agg.contains("latency_s = 0.00005"), "{agg}");
}

#[test]
fn set_reaches_indexed_entries_and_fixes_related_axes() {
    let mut s = parse(
        "[[backhaul.aggregation]]\nnodes = \"all\"\n[[backhaul.node]]\nid = 2\n[sweep]\n\"backhaul.aggregation[0].capacity_bps\" = [1e5, 1e6]\n",
    );
    s.set("backhaul.node[0].capacity_bps=3e6").unwrap();
    s.set("backhaul.aggregation[0].latency_s=2e-4").unwrap();
    let p = s.points().unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].setup.net.uplinks[2].capacity_bps, Some(3e6));
    let seg = &p[1].setup.net.aggregation[0].segment;
    assert_eq!(
        (seg.capacity_bps, seg.latency),
        (Some(1e6), SimTime::from_secs(2e-4))
    );
    // Setting the whole list fixes it: the axis inside it goes.
    s.set("backhaul.aggregation=[{ nodes = [1, 2], capacity_bps = 5e5 }]")
        .unwrap();
    assert!(s.sweep.is_empty());
    let a = &s.base().unwrap().net.aggregation;
    assert_eq!(
        (a[0].nodes.clone(), a[0].segment.capacity_bps),
        (vec![1, 2], Some(5e5))
    );
    // A sweep over an entry's key, added by --set.
    s.set("sweep.backhaul.aggregation[0].capacity_bps=[1e6, 2e6, 4e6]")
        .unwrap();
    assert_eq!(s.points().unwrap().len(), 3);
    // Errors leave the scenario as it was.
    let before = s.clone();
    let e = s.set("backhaul.aggregation[0].nodes=[1, 99]").unwrap_err();
    assert_eq!(e.origin, "--set");
    assert_eq!(e.problems[0].key, "backhaul.aggregation[0].nodes");
    assert!(e.problems[0].message.contains("99 is not one"), "{e}");
    assert_eq!(s, before);
}

#[test]
fn problems_name_the_entry_its_line_and_both_keys() {
    let e = Scenario::parse(
        "[[backhaul.aggregation]]\nnodes = \"all\"\n\n[[backhaul.aggregation]]\nnodes = [4]\n",
        "bad.toml",
    )
    .unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    let p = &e.problems[0];
    assert_eq!(
        (p.key.as_str(), p.line),
        ("backhaul.aggregation[1].nodes", Some(5))
    );
    assert!(
        p.message
            .contains("node 4, which backhaul.aggregation[0].nodes lists too"),
        "{e}"
    );
    // A missing key is placed at its entry's header.
    let e = Scenario::parse(
        "[backhaul]\nloss = 0\n[[backhaul.aggregation]]\nlatency_s = 0\n",
        "bad.toml",
    )
    .unwrap_err();
    assert_eq!(
        (e.problems[0].key.as_str(), e.problems[0].line),
        ("backhaul.aggregation[0].nodes", Some(3))
    );
    assert_eq!(e.problems.len(), 1, "no cascade of the missing nodes: {e}");
    // A bad [backhaul] capacity is reported once, not again for the segment
    // that inherits it.
    let e = Scenario::parse(
        "[backhaul]\ncapacity_bps = 0\n[[backhaul.aggregation]]\nnodes = \"all\"\n",
        "bad.toml",
    )
    .unwrap_err();
    let keys: Vec<&str> = e.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["backhaul.capacity_bps"], "{e}");
    let e = Scenario::parse(
        "[backhaul]\nmtu_bytes = 30\npacket_header_bytes = 64\n",
        "bad.toml",
    )
    .unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("backhaul.mtu_bytes: value 30")
            && m.contains("backhaul.packet_header_bytes = 64"),
        "{m}"
    );
    // An integer range over a key of bytes yields integers.
    let s = parse(
        "[[backhaul.aggregation]]\nnodes = \"all\"\n[sweep]\n\"backhaul.aggregation[0].buffer_bytes\" = { from = 1000, to = 3000, step = 1000 }\n",
    );
    assert_eq!(s.sweep[0].values, [1000, 2000, 3000].map(Value::Integer));
}
