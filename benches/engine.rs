//! The speed targets of the engine (docs/performance.md lists each with its
//! measured median): a frame through the engine at sample and statistic
//! level, drop set-up with the LP and the closed form, the kernel's cost per
//! event, two threads against one, a paper-figure point at 1,000 drops, the
//! peak memory of a 2M-frame run, and cost against R and N L.
//!
//! `cargo bench --bench engine` runs them all; a group alone with e.g.
//! `cargo bench --bench engine -- frame/`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use iaps::network::{
    Fidelity, NetParams, PfaEstimator, PointSpec, drop_ctx, drop_scene, prepare_drop, run_drop,
    run_drops,
};
use iaps::params::Params;
use iaps::power::Policy;
use iaps::sim::{Kernel, SimTime};
use std::hint::black_box;
use std::time::Duration;

/// The paper's system (M = 16, N0 = N1 = 20, K = 8, R = 10, L = 30) with
/// unlimited links carrying f32 samples: every detector runs (the CC's GLRT
/// terms, the receivers' nothing else), plus the ROC's 11 levels.
fn spec(fidelity: Fidelity, frames: u64) -> PointSpec {
    let mut s = PointSpec::new(&Params::paper(), &NetParams::default(), 1, frames);
    s.fidelity = fidelity;
    s.roc = iaps::scenario::ROC_PFA.to_vec();
    s
}

/// Frames through a prepared drop: world build excluded (criterion's batched
/// set-up), everything per frame included.
fn frames(c: &mut Criterion) {
    let mut g = c.benchmark_group("frame");
    for (name, fidelity, n) in [
        ("sample_r10", Fidelity::Sample, 100u64),
        ("statistic_r10", Fidelity::Statistic, 2000),
        ("statistic_r10_importance", Fidelity::Statistic, 2000),
    ] {
        let mut s = spec(fidelity, n);
        if name.ends_with("importance") {
            s.pfa_estimator = PfaEstimator::Importance;
        }
        g.throughput(Throughput::Elements(n));
        g.bench_function(name, |b| {
            let ctx = drop_ctx(&s, 0).unwrap().unwrap();
            b.iter_batched(
                || prepare_drop(&s, ctx.clone()).world,
                |w| black_box(w.run(n).unwrap()),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

/// A drop's set-up with the LP and with the closed form, two ways:
/// `scene_*` is what the NumPy reference's set-up covers (scene, power
/// allocation, precoder: the kernels the targets were set against); `drop_*` is
/// everything a drop needs before and through its first frame (also the
/// detectors, the design at every level, the analytic Pd, the actors).
fn setup(c: &mut Criterion) {
    let mut g = c.benchmark_group("setup");
    for (name, policy) in [("lp", Policy::Lp), ("closed_form", Policy::MaxP0)] {
        let mut p = Params::paper();
        p.power.policy = policy;
        let mut s = PointSpec::new(&p, &NetParams::default(), 1, 0);
        s.fidelity = Fidelity::Statistic;
        s.roc = iaps::scenario::ROC_PFA.to_vec();
        let mut d = 0u64;
        g.bench_function(format!("scene_{name}"), |b| {
            b.iter(|| {
                d += 1;
                black_box(drop_scene(&s, d % 64).unwrap())
            })
        });
        g.bench_function(format!("drop_{name}"), |b| {
            b.iter(|| {
                d += 1;
                black_box(run_drop(&s, d % 64).unwrap())
            })
        });
    }
    g.finish();
}

/// The kernel alone: schedule and pop of events with a small payload, in a
/// steady state of 64 pending events (about what a drop keeps queued).
fn kernel(c: &mut Criterion) {
    let mut g = c.benchmark_group("kernel");
    let n = 10_000u64;
    g.throughput(Throughput::Elements(n));
    g.bench_function("event", |b| {
        b.iter(|| {
            let mut k: Kernel<(u64, u32)> = Kernel::new();
            for i in 0..64 {
                k.schedule(SimTime(i * 1000), (i, 0)).unwrap();
            }
            let mut popped = 0u64;
            while let Some((now, (i, x))) = k.pop() {
                popped += 1;
                if popped + 64 <= n {
                    let next = now + SimTime(1 + (i * 7919) % 5000);
                    k.schedule(next, (i + 64, x ^ 1)).unwrap();
                }
            }
            black_box(popped)
        })
    });
    g.finish();
}

/// Two threads against one on the same 32 drops (statistic level, 2,000
/// frames each): results are byte-identical (tested), time should halve.
fn threads(c: &mut Criterion) {
    let mut g = c.benchmark_group("threads");
    g.sample_size(10);
    let s = spec(Fidelity::Statistic, 2000);
    g.throughput(Throughput::Elements(32 * 2000));
    for t in [1usize, 2] {
        g.bench_function(format!("{t}"), |b| {
            b.iter(|| black_box(run_drops(&s, 32, t, |_| {}).unwrap()))
        });
    }
    g.finish();
}

/// One paper-figure point at the paper's 1,000 drops x 100 frames,
/// statistic level, both cores: the seven figures have about 350 such points.
fn figure_point(c: &mut Criterion) {
    let mut g = c.benchmark_group("figures");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    let s = spec(Fidelity::Statistic, 100);
    g.throughput(Throughput::Elements(1000 * 100));
    g.bench_function("point_1000_drops", |b| {
        b.iter(|| black_box(run_drops(&s, 1000, 0, |_| {}).unwrap()))
    });
    g.finish();
}

/// Peak resident memory after a 2M-frame run (printed once; the timing is a
/// by-product). Metrics stream, so memory does not grow with frames.
fn memory(c: &mut Criterion) {
    let mut g = c.benchmark_group("memory");
    g.sample_size(10);
    let s = spec(Fidelity::Statistic, 10_000);
    g.throughput(Throughput::Elements(200 * 10_000));
    let run = || black_box(run_drops(&s, 200, 0, |_| {}).unwrap());
    g.bench_function("rss_2m_frames", |b| {
        run();
        if let Some(hwm) = peak_rss_kib() {
            eprintln!(
                "memory/rss_2m_frames: peak RSS {:.1} MB",
                hwm as f64 / 1024.0
            );
        }
        b.iter(run)
    });
    g.finish();
}

/// `VmHWM` of this process (KiB), on Linux.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Cost per frame against R (1 to 100) and against N L, at both fidelities.
fn scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("scaling");
    g.sample_size(10);
    let cases: Vec<(String, usize, usize, usize)> = [1usize, 3, 10, 30, 100]
        .iter()
        .map(|&r| (format!("raps_{r}"), r, 20, 30))
        .chain(
            [(10usize, 30usize), (20, 60), (40, 60), (40, 120)]
                .iter()
                .map(|&(n, l)| (format!("nl_{}", n * l), 10, n, l)),
        )
        .collect();
    for fidelity in [Fidelity::Sample, Fidelity::Statistic] {
        let tag = if fidelity == Fidelity::Sample {
            "sample"
        } else {
            "statistic"
        };
        for (name, raps, n, l) in &cases {
            let mut p = Params::paper();
            p.system.raps = *raps;
            p.system.rap_antennas = *n;
            p.system.bs_rx_antennas = *n;
            p.system.frame_symbols = *l;
            let frames = if fidelity == Fidelity::Sample {
                20
            } else {
                500
            };
            let mut s = PointSpec::new(&p, &NetParams::default(), 1, frames);
            s.fidelity = fidelity;
            g.throughput(Throughput::Elements(frames));
            g.bench_function(format!("{tag}_{name}"), |b| {
                let ctx = (0..)
                    .find_map(|d| drop_ctx(&s, d).unwrap())
                    .expect("a feasible drop");
                b.iter_batched(
                    || prepare_drop(&s, ctx.clone()).world,
                    |w| black_box(w.run(frames).unwrap()),
                    BatchSize::SmallInput,
                )
            });
        }
    }
    g.finish();
}

criterion_group!(
    benches,
    frames,
    setup,
    kernel,
    threads,
    figure_point,
    memory,
    scaling
);
criterion_main!(benches);
