//! The message-passing engine: fusion emerges from the links. Unlimited
//! samples reproduce the centralized GLRT frame by frame; runs are
//! deterministic whatever the thread count; adaptive reporting climbs from
//! voting level to GLRT level as capacity grows.

use iaps::detect::{glrt, glrt_threshold};
use iaps::linalg::CMat;
use iaps::network::{
    Fidelity, Medium, NetParams, PointSpec, RunMetrics, SymbolDelivery, drop_ctx, run_drops,
};
use iaps::node::{NodeId, Observation, ReportPolicy, SampleFormat};
use iaps::presets::{default_params, link};

fn net(capacity: Option<f64>, report: ReportPolicy) -> NetParams {
    NetParams {
        uplinks: vec![link(capacity)],
        downlinks: vec![link(capacity)],
        report: vec![report],
        ..NetParams::default()
    }
}

#[test]
fn unlimited_samples_equal_the_centralized_glrt_frame_by_frame() {
    let p = default_params(-19.0);
    let mut n = net(None, ReportPolicy::Samples);
    n.sample_format = SampleFormat::F64;
    let (seed, drops, frames) = (5, 3, 60);
    let mut spec = PointSpec::new(&p, &n, seed, frames);
    spec.record_frames = true;
    let out = run_drops(&spec, drops, 2, |_| {}).unwrap();
    assert_eq!(out.frames.len() as u64, drops * frames);
    let nodes: Vec<usize> = (0..=p.system.raps).collect();
    let threshold = glrt_threshold(nodes.len(), p.sensing.pfa);
    let (mut declared, mut checked) = (0, 0);
    for d in 0..drops {
        let ctx = drop_ctx(&spec, d).unwrap().expect("feasible");
        let ids: Vec<NodeId> = nodes.iter().map(|&r| NodeId::from_index(r)).collect();
        let medium = Medium::new(&ctx, Fidelity::Sample, None, ids.clone());
        for rec in out.frames.iter().filter(|f| f.drop == d) {
            let mut truth = medium.draw_frame(&ctx, rec.frame, n.target_probability);
            let z: Vec<CMat> = ids
                .iter()
                .map(
                    |&id| match medium.observe(&ctx, rec.frame, id, &mut truth) {
                        Observation::Samples(z) => z,
                        other => panic!("sample level gives samples, not {other:?}"),
                    },
                )
                .collect();
            let obs: Vec<(usize, &CMat)> = nodes.iter().map(|&r| (r, &z[r])).collect();
            let s = truth.s.as_ref().unwrap();
            let x = &ctx.w * s;
            let u = truth.symbols.u.as_ref().unwrap();
            let stat = glrt(&ctx.scene, &x, u, &obs, p.noise.sensing_w);
            assert_eq!(rec.target, truth.target);
            assert_eq!(rec.soft as usize, nodes.len());
            assert!(
                (rec.statistic - stat).abs() <= 1e-9 * stat.max(1.0),
                "frame {}: {} vs {stat}",
                rec.frame,
                rec.statistic
            );
            assert!((rec.threshold - threshold).abs() <= 1e-9 * threshold);
            assert_eq!(
                rec.declared,
                stat > threshold,
                "drop {d} frame {}",
                rec.frame
            );
            declared += usize::from(rec.declared);
            checked += 1;
        }
    }
    assert!(
        declared > 10 && declared < checked,
        "both outcomes occur: {declared}/{checked}"
    );
}

fn summary(m: &RunMetrics) -> String {
    format!(
        "{:?}",
        (
            m.detections(),
            m.false_alarms(),
            m.late,
            m.lost,
            m.latency(),
            m.bytes_per_frame(),
            &m.uplinks
        )
    )
}

#[test]
fn runs_do_not_depend_on_the_thread_count() {
    let p = default_params(-19.0);
    let mut n = net(Some(20e6), ReportPolicy::Adaptive);
    n.symbols = SymbolDelivery::Downlink;
    n.uplinks[0].loss = 0.05;
    let one = run_drops(&PointSpec::new(&p, &n, 9, 40), 4, 1, |_| {}).unwrap();
    let two = run_drops(&PointSpec::new(&p, &n, 9, 40), 4, 2, |_| {}).unwrap();
    assert_eq!(one.metrics, two.metrics);
    assert_eq!(summary(&one.metrics), summary(&two.metrics));
    assert!(one.metrics.lost > 0);
    // Statistic level, importance-sampled, with the ROC: the same.
    let mut spec = PointSpec::new(&p, &n, 9, 400);
    spec.fidelity = iaps::network::Fidelity::Statistic;
    spec.pfa_estimator = iaps::network::PfaEstimator::Importance;
    spec.roc = vec![1e-6, 1e-3];
    let one = run_drops(&spec, 6, 1, |_| {}).unwrap();
    let two = run_drops(&spec, 6, 2, |_| {}).unwrap();
    assert_eq!(one.metrics, two.metrics);
}

#[test]
fn adaptive_reporting_climbs_from_voting_to_glrt_level_with_capacity() {
    // One frame per ms, a 1 ms budget and 50 us latency leave about 0.95 ms to
    // serialize a report: a one-bit report (4 B + 8 B header) needs about
    // 101 kbit/s, a statistic (11 B + 8 B) about 160 kbit/s, an f32 batch
    // (4.8 kB) about 41 Mbit/s.
    let p = default_params(-19.0);
    let (seed, drops, frames) = (3, 16, 250);
    let run = |n: &NetParams| {
        run_drops(&PointSpec::new(&p, n, seed, frames), drops, 0, |_| {})
            .unwrap()
            .metrics
    };
    let voting = run(&net(None, ReportPolicy::Decision));
    let glrt_level = run(&net(None, ReportPolicy::Samples));
    let caps = [120e3, 140e3, 200e3, 1e6, 10e6, 100e6, 1e9, 10e9];
    let mut prev: Option<(f64, f64)> = None;
    let mut pds = Vec::new();
    for &c in &caps {
        let m = run(&net(Some(c), ReportPolicy::Adaptive));
        let (pd, ci) = m.pd();
        eprintln!(
            "adaptive at {c:e} bit/s: Pd {pd:.4} [{:.4}, {:.4}], late {}, bits {}",
            ci.low, ci.high, m.late, m.fused.bits
        );
        if let Some((_, prev_low)) = prev {
            // Non-decreasing within the 95% intervals.
            assert!(ci.high >= prev_low, "Pd fell at {c:e} bit/s");
        }
        prev = Some((pd, ci.low));
        pds.push((pd, ci));
    }
    let (v, vci) = voting.pd();
    let (g, gci) = glrt_level.pd();
    eprintln!(
        "voting {v:.4} [{:.4}, {:.4}], GLRT {g:.4} [{:.4}, {:.4}]",
        vci.low, vci.high, gci.low, gci.high
    );
    assert!(
        gci.low > vci.high,
        "GLRT level must exceed voting level here"
    );
    // Lowest capacity: bits only, voting level; highest: samples, GLRT level.
    assert!(pds[0].1.contains(v) || vci.contains(pds[0].0));
    let last = pds.last().unwrap();
    assert!(last.1.contains(g) || gci.contains(last.0));
}

#[test]
fn engine_pd_matches_the_exact_analytic_pd_of_its_fusion() {
    // Mixed reports on unlimited links: BS samples, RAPs alternate statistic
    // and decision; the exact Pd of the mixed GLRT averaged over drops.
    // Binomial acceptance at the mean is conservative for a Poisson-binomial
    // count (its variance is smaller); 99.9% confidence.
    let p = default_params(-19.0);
    let mut n = net(None, ReportPolicy::Samples);
    n.report = vec![
        ReportPolicy::Samples,
        ReportPolicy::Statistic,
        ReportPolicy::Decision,
    ];
    n.report
        .extend([ReportPolicy::Statistic, ReportPolicy::Decision].repeat(5));
    let m = run_drops(&PointSpec::new(&p, &n, 13, 400), 24, 0, |_| {})
        .unwrap()
        .metrics;
    let (k, trials) = m.detections();
    let exact = m.pd_analytic_exact();
    let (lo, hi) = iaps::stats::binomial_acceptance(trials, exact, 0.999);
    eprintln!(
        "mixed reports: Pd {k}/{trials} = {:.4}, exact {exact:.4}, range [{lo}, {hi}]",
        k as f64 / trials as f64
    );
    assert!((lo..=hi).contains(&k));
}
