//! The whitened local filter's real false-alarm rate at a design of 1e-5
//! (paper eq. 42; docs/model.md §6.4, docs/whitened_study.md), measured two
//! independent ways on the same drops:
//!
//! * **Conditional Monte Carlo** (no rare event). Given a frame's symbols S
//!   the direct path leaves the deterministic residual
//!   `mu = q^H G X conj(u) / (sigma ||q|| ||u||)`, so `T = |mu + w|^2` with
//!   `w ~ CN(0, 1)` and `P(T > tau | S) = Q1(sqrt(2 |mu|^2), sqrt(2 tau))`.
//!   This program draws S itself (i.i.d. CN(0, 1), not through the engine),
//!   computes mu from the scene and averages Q1.
//! * **Importance sampling through the engine**: one RAP reporting its local
//!   statistic, GLRT fusion of that single soft report (so the fused decision
//!   is exactly `T > tau`), no targets, `PfaEstimator::Importance`: the
//!   weighted Pfa and its 99.9% interval.
//!
//! A third, deterministic value checks the first. With
//! `c = W^H G^H q / (sigma ||q||)` and `e = W^H a / ||W^H a||`, `mu` is
//! `conj(e^H c) sqrt(g) + CN(0, rho)` with `g = ||u||^2 / ||W^H a||^2 ~
//! Gamma(L, 1)` and `rho = ||c||^2 - |e^H c|^2`: a part of the direct path
//! coherent with the target waveform (mean energy `kappa L`, `kappa =
//! |e^H c|^2`) and an incoherent one. So the rate is
//! `E_g Q1(sqrt(2 kappa g / (1 + rho)), sqrt(2 tau / (1 + rho)))`, evaluated
//! with a 64-point Gauss-Laguerre rule ("quadrature" below).
//!
//! System: the paper's (M = 16, N1 = 20, K = 8, L = 30, Pmax = 30 dBm,
//! Gamma = 15 dB, LP power allocation) with one RAP, the physical
//! calibration (bistatic, thermal -104 dBm communication noise), seed 1. INR
//! is `lambda_max(G W W^H G^H) / sigma^2`; docs/validation.md's "largest
//! INR" column is `10 log10(1 + INR)` (the largest eigenvalue of
//! `(G W W^H G^H + sigma^2 I) / sigma^2`), printed as "1+INR".
//!
//! It prints markdown tables:
//! 1. five fixed drops, sensing noise -104 to -40 dBm: the rate as a
//!    multiple of the design, conditional MC and IS (1e5 weighted frames),
//!    then every value with its error, the quadrature and whether the IS
//!    99.9% interval holds the conditional MC value;
//! 2. IS at sample level on one drop;
//! 3. `projection` and `cancel` on the same drops at -68 dBm;
//! 4. 200 random drops per noise level: the spread of INR and of the
//!    per-drop rate (mean, median, 90th percentile, max), and the IS estimate
//!    of the mean (4000 weighted frames per drop);
//! 5. the same 200 drops, each at a fixed INR (sigma^2 set per drop);
//! 6. the drop of docs/validation.md's older whitened table (equal power on
//!    every beam, `tests/common::scene_equal_power(physical(1), 22)`) at
//!    designs 1e-2, 1e-3 and 1e-5, by quadrature (and conditional MC at 1e-5).
//!
//! Run: `cargo run --release --example whitened_pfa` takes about 2 minutes
//! on one core (146 s measured on a shared machine). `-- --threads N`
//! spreads drops over N threads (0: every core); `-- --quick` divides every
//! frame count by 10 and uses 50 drops.

use iaps::detect::{LocalDetector, LocalFilter};
use iaps::linalg::{C64, CMat, CVec, cn_matrix, dotc};
use iaps::network::importance::PI0;
use iaps::network::{Fidelity, NetParams, PfaEstimator, PointSpec, drop_ctx, run_drop, run_drops};
use iaps::node::{CcFusion, DropCtx, ReportPolicy};
use iaps::params::{NodeSet, PHYSICAL_RCS_M2, Params, dbm_to_w};
use iaps::presets::physical_params;
use iaps::radio::Scene;
use iaps::rng::{ChaCha8Rng, STREAM_TEST, stream};
use iaps::special::{GammaQuadrature, marcum_q};
use iaps::stats::WeightedSums;
use std::time::Instant;

const SEED: u64 = 1;
const DESIGN: f64 = 1e-5;
/// Confidence of every interval printed.
const CONFIDENCE: f64 = 0.999;
const FIXED_DROPS: u64 = 5;
/// The drop whose IS also runs at sample level.
const SAMPLE_DROP: u64 = 2;
/// Noise of the `projection` / `cancel` check.
const CHECK_DBM: f64 = -68.0;

/// The study's system: one RAP, physical calibration, sensing noise `dbm`.
fn params(noise_dbm: f64, filter: LocalFilter) -> Params {
    let mut p = physical_params(1, PHYSICAL_RCS_M2, noise_dbm);
    p.sensing.local_filter = filter;
    p
}

/// The RAP alone reports its statistic; the CC's GLRT over that one soft
/// report is `T > -ln Pfa`; no frame has a target.
fn net() -> NetParams {
    NetParams {
        report: vec![ReportPolicy::Statistic],
        fusion: CcFusion::Glrt,
        nodes: NodeSet::Raps,
        target_probability: 0.0,
        ..NetParams::default()
    }
}

fn spec(p: &Params, frames: u64, fidelity: Fidelity) -> PointSpec {
    let mut s = PointSpec::new(p, &net(), SEED, frames);
    s.fidelity = fidelity;
    s.pfa_estimator = PfaEstimator::Importance;
    s
}

/// The RAP's direct-path residual for one filter and noise power.
struct Residual {
    /// `W^H G^H q / (sigma ||q||)` (zero for `cancel`): `mu = c^H S conj(u) / ||u||`.
    c: CVec,
    /// `W^H a`: `u = S^T conj(W^H a)`.
    wa: CVec,
}

impl Residual {
    fn new(scene: &Scene, w: &CMat, det: &LocalDetector, noise_w: f64) -> Self {
        let wa = w.adjoint() * &scene.a;
        let q = det.filter();
        let c = if det.cancels() {
            CVec::zeros(wa.len())
        } else {
            let gq = scene.g[0].adjoint() * q;
            (w.adjoint() * gq).unscale(noise_w.sqrt() * q.norm())
        };
        Residual { c, wa }
    }

    /// mu for symbols `s`.
    fn mu(&self, s: &CMat) -> C64 {
        let u = s.transpose() * self.wa.conjugate();
        let v = s * u.conjugate();
        dotc(self.c.as_slice(), v.as_slice()) / u.norm()
    }

    /// `(kappa, rho)`: the coherent part's energy per unit symbol energy and
    /// the incoherent part's variance.
    fn split(&self) -> (f64, f64) {
        let e = self.wa.unscale(self.wa.norm());
        let kappa = dotc(e.as_slice(), self.c.as_slice()).norm_sqr();
        (kappa, (self.c.norm_squared() - kappa).max(0.0))
    }

    /// The rate by quadrature over `g ~ Gamma(L, 1)`.
    fn quadrature(&self, l: usize, tau: f64) -> f64 {
        let (kappa, rho) = self.split();
        let b = (2.0 * tau / (1.0 + rho)).sqrt();
        GammaQuadrature::cached(l as f64, 64)
            .expect(|g| marcum_q(1, (2.0 * kappa * g / (1.0 + rho)).sqrt(), b))
    }
}

/// A conditional Monte Carlo estimate.
#[derive(Clone, Copy)]
struct Cmc {
    mean: f64,
    se: f64,
}

/// The mean of `Q1(sqrt(2 |mu|^2), sqrt(2 tau))` over `frames` fresh symbol matrices.
fn conditional_mc(res: &Residual, l: usize, tau: f64, frames: u64, rng: &mut ChaCha8Rng) -> Cmc {
    let b = (2.0 * tau).sqrt();
    let (mut s1, mut s2) = (0.0, 0.0);
    for _ in 0..frames {
        let s = cn_matrix(rng, res.wa.len(), l, 1.0);
        let p = marcum_q(1, std::f64::consts::SQRT_2 * res.mu(&s).norm(), b);
        s1 += p;
        s2 += p * p;
    }
    let n = frames as f64;
    let mean = s1 / n;
    Cmc {
        mean,
        se: ((s2 / n - mean * mean).max(0.0) / n).sqrt(),
    }
}

/// A stream for conditional MC, apart from every engine stream.
fn mc_rng(table: u64, drop: u64, point: u64) -> ChaCha8Rng {
    stream(SEED, &[STREAM_TEST, table, drop, point])
}

/// `lambda_max(G W W^H G^H)`.
fn lambda_max(ctx: &DropCtx) -> f64 {
    let cov = ctx.scene.interference_covariance(1, &ctx.w, 0.0);
    cov.symmetric_eigenvalues()
        .iter()
        .copied()
        .fold(0.0, f64::max)
}

fn db(x: f64) -> f64 {
    10.0 * x.log10()
}

/// `x` as a multiple of the design, 3 significant digits.
fn times(x: f64) -> String {
    let r = x / DESIGN;
    if r >= 100.0 {
        format!("{r:.0}")
    } else if r >= 10.0 {
        format!("{r:.1}")
    } else {
        format!("{r:.2}")
    }
}

/// The IS 99.9% interval.
fn interval(fa: &WeightedSums) -> (f64, f64) {
    let i = fa.interval(CONFIDENCE, 1.0 / PI0);
    (i.low, i.high)
}

/// Spread of per-drop rates (as multiples of the design).
struct Spread {
    mean: f64,
    median: f64,
    p90: f64,
    max: f64,
    over2: f64,
    over10: f64,
    /// Share of the sum carried by the top 5% of drops.
    top5: f64,
}

fn spread(rates: &[f64]) -> Spread {
    let mut r: Vec<f64> = rates.iter().map(|x| x / DESIGN).collect();
    r.sort_by(f64::total_cmp);
    let n = r.len();
    let sum: f64 = r.iter().sum();
    let frac = |t: f64| r.iter().filter(|&&x| x > t).count() as f64 / n as f64;
    let top = n.div_ceil(20);
    Spread {
        mean: sum / n as f64,
        median: if n % 2 == 1 {
            r[n / 2]
        } else {
            0.5 * (r[n / 2 - 1] + r[n / 2])
        },
        p90: r[(9 * n).div_ceil(10) - 1],
        max: r[n - 1],
        over2: frac(2.0),
        over10: frac(10.0),
        top5: r[n - top..].iter().sum::<f64>() / sum,
    }
}

fn quantile(x: &[f64], p: f64) -> f64 {
    let mut s = x.to_vec();
    s.sort_by(f64::total_cmp);
    s[((p * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1]
}

struct Config {
    threads: usize,
    fixed_frames: u64,
    sample_frames: u64,
    random_drops: u64,
    random_mc_frames: u64,
    random_is_frames: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let threads = args
        .iter()
        .position(|a| a == "--threads")
        .and_then(|i| args.get(i + 1))
        .map_or(1, |t| t.parse().expect("--threads N"));
    let k = if quick { 10 } else { 1 };
    let cfg = Config {
        threads,
        fixed_frames: 100_000 / k,
        sample_frames: 50_000 / k,
        random_drops: if quick { 50 } else { 200 },
        random_mc_frames: 2000 / k,
        random_is_frames: 4000 / k,
    };
    let start = Instant::now();
    let noise: Vec<f64> = (0..=16).map(|i| -104.0 + 4.0 * i as f64).collect();
    println!(
        "# Whitened local filter, real Pfa at a design of {DESIGN:.0e} (tau = {:.4})\n",
        -DESIGN.ln()
    );
    fixed_drops(&cfg, &noise);
    sample_level(&cfg, &noise);
    exact_filters(&cfg);
    random_drops_by_noise(&cfg, &noise);
    random_drops_by_inr(&cfg);
    older_table_drop(&cfg);
    println!("total {:.0} s", start.elapsed().as_secs_f64());
}

/// One drop at one noise: INR, residual split, conditional MC, quadrature, IS.
struct Point {
    inr: f64,
    /// Mean energy of the coherent residual.
    kappa_l: f64,
    rho: f64,
    mc: Cmc,
    quad: f64,
    is: WeightedSums,
}

fn fixed_point(cfg: &Config, d: u64, i: usize, dbm: f64, filter: LocalFilter) -> Point {
    let p = params(dbm, filter);
    let s = spec(&p, cfg.fixed_frames, Fidelity::Statistic);
    let ctx = drop_ctx(&s, d).expect("layout").expect("feasible drop");
    let (l, tau) = (ctx.frame_symbols(), -DESIGN.ln());
    let res = Residual::new(&ctx.scene, &ctx.w, &ctx.detectors[1], ctx.noise_w());
    let (kappa, rho) = res.split();
    let kappa_l = kappa * l as f64;
    let table = 1 + filter as u64;
    let mc = conditional_mc(
        &res,
        l,
        tau,
        cfg.fixed_frames,
        &mut mc_rng(table, d, i as u64),
    );
    let is = run_drop(&s, d)
        .expect("engine")
        .metrics
        .design()
        .false_alarms;
    Point {
        inr: lambda_max(&ctx) / ctx.noise_w(),
        kappa_l,
        rho,
        mc,
        quad: res.quadrature(l, tau),
        is,
    }
}

fn fixed_drops(cfg: &Config, noise: &[f64]) {
    let t = Instant::now();
    let mut grid: Vec<Vec<Point>> = Vec::new();
    let jobs = FIXED_DROPS * noise.len() as u64;
    let mut flat = Vec::new();
    iaps::pool::ordered_map(
        jobs,
        cfg.threads,
        |j| {
            let (d, i) = (j / noise.len() as u64, (j % noise.len() as u64) as usize);
            fixed_point(cfg, d, i, noise[i], LocalFilter::Whitened)
        },
        |_, p| {
            flat.push(p);
            Ok::<(), ()>(())
        },
    )
    .expect("no error");
    let mut it = flat.into_iter();
    for _ in 0..FIXED_DROPS {
        grid.push(it.by_ref().take(noise.len()).collect());
    }
    println!(
        "## 1. Five fixed drops (seed {SEED}, drops 0-4): rate / design, conditional MC / IS\n"
    );
    println!(
        "INR of drop d at noise n: INR(-104 dBm) - (n + 104) dB. IS: {} weighted frames per cell; conditional MC: {} symbol draws.\n",
        cfg.fixed_frames, cfg.fixed_frames
    );
    let mut head = String::from("| noise (dBm) |");
    let mut rule = String::from("| --- |");
    for (d, g) in grid.iter().enumerate() {
        head += &format!(" drop {d} (INR {:.1} dB at -104) |", db(g[0].inr));
        rule += " --- |";
    }
    println!("{head}\n{rule}");
    for (i, dbm) in noise.iter().enumerate() {
        let mut line = format!("| {dbm:.0} |");
        for g in &grid {
            line += &format!(" {} / {} |", times(g[i].mc.mean), times(g[i].is.estimate()));
        }
        println!("{line}");
    }
    println!(
        "\nDetails (kappa L: mean energy of the coherent residual; rho: variance of the incoherent one):\n"
    );
    println!(
        "| drop | noise (dBm) | INR (dB) | 1+INR (dB) | kappa L | rho | conditional MC | quadrature | IS | IS 99.9% interval | z | MC in interval |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let (mut inside, mut zmax) = (0, 0.0f64);
    for (d, g) in grid.iter().enumerate() {
        for (i, p) in g.iter().enumerate() {
            let (lo, hi) = interval(&p.is);
            let ok = (lo..=hi).contains(&p.mc.mean);
            inside += usize::from(ok);
            let z = (p.is.estimate() - p.mc.mean) / p.is.std_error().hypot(p.mc.se);
            zmax = zmax.max(z.abs());
            println!(
                "| {d} | {:.0} | {:.1} | {:.1} | {:.2e} | {:.2e} | {:.4e} ± {:.1e} | {:.4e} | {:.4e} ± {:.1e} | [{:.3e}, {:.3e}] | {:+.2} | {} |",
                noise[i],
                db(p.inr),
                db(1.0 + p.inr),
                p.kappa_l,
                p.rho,
                p.mc.mean,
                p.mc.se,
                p.quad,
                p.is.estimate(),
                p.is.std_error(),
                lo,
                hi,
                z,
                if ok { "yes" } else { "NO" }
            );
        }
    }
    let all = grid.iter().map(Vec::len).sum::<usize>();
    let (qmax, hits): (f64, u64) = grid.iter().flatten().fold((0.0, 0), |(m, h), p| {
        (
            m.max((p.mc.mean / p.quad - 1.0).abs() / (p.mc.se / p.quad)),
            h + p.is.hits,
        )
    });
    println!(
        "\nConditional MC inside the IS 99.9% interval: {inside} / {all}; largest |z| (IS - MC over their combined error) {zmax:.2}; \
         largest |MC - quadrature| / se(MC) {qmax:.2}; mean IS hits per cell {:.0}. ({:.0} s)\n",
        hits as f64 / all as f64,
        t.elapsed().as_secs_f64()
    );
}

fn sample_level(cfg: &Config, noise: &[f64]) {
    let t = Instant::now();
    println!(
        "## 2. Drop {SAMPLE_DROP} with IS at sample level ({} weighted frames per row)\n",
        cfg.sample_frames
    );
    println!(
        "| noise (dBm) | conditional MC | IS, sample level | 99.9% interval | MC in interval |"
    );
    println!("| --- | --- | --- | --- | --- |");
    let mut rows = Vec::new();
    iaps::pool::ordered_map(
        noise.len() as u64,
        cfg.threads,
        |i| {
            let dbm = noise[i as usize];
            let p = params(dbm, LocalFilter::Whitened);
            let s = spec(&p, cfg.sample_frames, Fidelity::Sample);
            let ctx = drop_ctx(&s, SAMPLE_DROP)
                .expect("layout")
                .expect("feasible");
            let res = Residual::new(&ctx.scene, &ctx.w, &ctx.detectors[1], ctx.noise_w());
            let (l, tau) = (ctx.frame_symbols(), -DESIGN.ln());
            let mc = conditional_mc(
                &res,
                l,
                tau,
                cfg.fixed_frames,
                &mut mc_rng(1, SAMPLE_DROP, i),
            );
            let is = run_drop(&s, SAMPLE_DROP)
                .expect("engine")
                .metrics
                .design()
                .false_alarms;
            (dbm, mc, is)
        },
        |_, r| {
            rows.push(r);
            Ok::<(), ()>(())
        },
    )
    .expect("no error");
    let mut inside = 0;
    for (dbm, mc, is) in &rows {
        let (lo, hi) = interval(is);
        let ok = (lo..=hi).contains(&mc.mean);
        inside += usize::from(ok);
        println!(
            "| {dbm:.0} | {:.4e} | {:.4e} ± {:.1e} | [{lo:.3e}, {hi:.3e}] | {} |",
            mc.mean,
            is.estimate(),
            is.std_error(),
            if ok { "yes" } else { "NO" }
        );
    }
    println!(
        "\nInside: {inside} / {}. ({:.0} s)\n",
        rows.len(),
        t.elapsed().as_secs_f64()
    );
}

fn exact_filters(cfg: &Config) {
    let t = Instant::now();
    println!("## 3. `projection` and `cancel` at {CHECK_DBM} dBm, same drops\n");
    println!(
        "| drop | filter | max abs(mu)^2 over the draws | conditional MC | IS | IS 99.9% interval | holds 1e-5 |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for d in 0..FIXED_DROPS {
        for filter in [LocalFilter::Projection, LocalFilter::Cancel] {
            let p = params(CHECK_DBM, filter);
            let s = spec(&p, cfg.fixed_frames, Fidelity::Statistic);
            let ctx = drop_ctx(&s, d).expect("layout").expect("feasible");
            let res = Residual::new(&ctx.scene, &ctx.w, &ctx.detectors[1], ctx.noise_w());
            let l = ctx.frame_symbols();
            let mut rng = mc_rng(9, d, filter as u64);
            let mu2 = (0..1000)
                .map(|_| {
                    res.mu(&cn_matrix(&mut rng, res.wa.len(), l, 1.0))
                        .norm_sqr()
                })
                .fold(0.0, f64::max);
            let mc = conditional_mc(&res, l, -DESIGN.ln(), 1000, &mut rng);
            let is = run_drop(&s, d)
                .expect("engine")
                .metrics
                .design()
                .false_alarms;
            let (lo, hi) = interval(&is);
            println!(
                "| {d} | {filter:?} | {mu2:.1e} | {:.6e} | {:.4e} ± {:.1e} | [{lo:.3e}, {hi:.3e}] | {} |",
                mc.mean,
                is.estimate(),
                is.std_error(),
                if (lo..=hi).contains(&DESIGN) {
                    "yes"
                } else {
                    "NO"
                }
            );
        }
    }
    println!("\n({:.0} s)\n", t.elapsed().as_secs_f64());
}

/// Per-drop conditional MC rates (and INRs) of drops `0..n` at the noise
/// `noise_w(d, lambda_max)` (W), in drop order; infeasible drops skipped.
fn per_drop_rates(
    cfg: &Config,
    table: u64,
    point: u64,
    noise_w: impl Fn(f64) -> f64 + Sync,
) -> Vec<(u64, f64, f64, f64)> {
    let base = params(-104.0, LocalFilter::Whitened);
    let s = spec(&base, 1, Fidelity::Statistic);
    let mut out = Vec::new();
    iaps::pool::ordered_map(
        cfg.random_drops,
        cfg.threads,
        |d| {
            let ctx = drop_ctx(&s, d).expect("layout")?;
            let lmax = lambda_max(&ctx);
            let sigma2 = noise_w(lmax);
            let det = LocalDetector::new(&ctx.scene, 1, &ctx.w, sigma2, LocalFilter::Whitened);
            let res = Residual::new(&ctx.scene, &ctx.w, &det, sigma2);
            let mc = conditional_mc(
                &res,
                ctx.frame_symbols(),
                -DESIGN.ln(),
                cfg.random_mc_frames,
                &mut mc_rng(table, d, point),
            );
            Some((d, lmax / sigma2, mc.mean, sigma2))
        },
        |_, r| {
            out.extend(r);
            Ok::<(), ()>(())
        },
    )
    .expect("no error");
    out
}

fn print_spread_head(first: &[&str]) {
    println!(
        "| {} | mean | median | 90th pct | max | > 2x | > 10x | top 5% share of the mean | IS mean [99.9%] | MC mean in IS interval |",
        first.join(" | ")
    );
    println!("|{}", " --- |".repeat(first.len() + 9));
}

fn spread_cells(rates: &[f64], is: &WeightedSums) -> String {
    let s = spread(rates);
    let (lo, hi) = interval(is);
    let mc_mean = s.mean * DESIGN;
    format!(
        " {:.2} | {:.2} | {:.2} | {:.1} | {:.0}% | {:.0}% | {:.0}% | {} [{}, {}] | {} |",
        s.mean,
        s.median,
        s.p90,
        s.max,
        100.0 * s.over2,
        100.0 * s.over10,
        100.0 * s.top5,
        times(is.estimate()),
        times(lo),
        times(hi),
        if (lo..=hi).contains(&mc_mean) {
            "yes"
        } else {
            "NO"
        }
    )
}

fn random_drops_by_noise(cfg: &Config, noise: &[f64]) {
    let t = Instant::now();
    println!(
        "## 4. {} random drops per noise level: per-drop rate / design (conditional MC, {} draws per drop)\n",
        cfg.random_drops, cfg.random_mc_frames
    );
    println!(
        "IS: {} weighted frames per drop through the engine, pooled (the mean over the same drops).\n",
        cfg.random_is_frames
    );
    print_spread_head(&["noise (dBm)", "INR (dB): 10% / median / 90% of drops"]);
    for (i, &dbm) in noise.iter().enumerate() {
        let rows = per_drop_rates(cfg, 3, i as u64, |_| dbm_to_w(dbm));
        let inr: Vec<f64> = rows.iter().map(|r| db(r.1)).collect();
        let rates: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let s = spec(
            &params(dbm, LocalFilter::Whitened),
            cfg.random_is_frames,
            Fidelity::Statistic,
        );
        let is = run_drops(&s, cfg.random_drops, cfg.threads, |_| {})
            .expect("engine")
            .metrics
            .design()
            .false_alarms;
        println!(
            "| {dbm:.0} | {:.1} / {:.1} / {:.1} |{}",
            quantile(&inr, 0.1),
            quantile(&inr, 0.5),
            quantile(&inr, 0.9),
            spread_cells(&rates, &is)
        );
    }
    println!("\n({:.0} s)\n", t.elapsed().as_secs_f64());
}

fn random_drops_by_inr(cfg: &Config) {
    let t = Instant::now();
    let inrs = [
        -10.0, -5.0, -2.5, 0.0, 2.5, 5.0, 7.5, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0,
    ];
    println!(
        "## 5. The same {} drops, each at a fixed INR (sigma^2 = lambda_max / INR per drop)\n",
        cfg.random_drops
    );
    print_spread_head(&["INR (dB)", "1+INR (dB)"]);
    for (i, &inr_db) in inrs.iter().enumerate() {
        let inr = 10f64.powf(inr_db / 10.0);
        let rows = per_drop_rates(cfg, 4, i as u64, |lmax| lmax / inr);
        let rates: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let mut is = WeightedSums::default();
        iaps::pool::ordered_map(
            rows.len() as u64,
            cfg.threads,
            |j| {
                let (d, sigma2) = (rows[j as usize].0, rows[j as usize].3);
                let mut p = params(-104.0, LocalFilter::Whitened);
                p.noise.sensing_w = sigma2;
                let s = spec(&p, cfg.random_is_frames, Fidelity::Statistic);
                run_drop(&s, d)
                    .expect("engine")
                    .metrics
                    .design()
                    .false_alarms
            },
            |_, fa| {
                is.merge(&fa);
                Ok::<(), ()>(())
            },
        )
        .expect("no error");
        println!(
            "| {inr_db:.1} | {:.1} |{}",
            db(1.0 + inr),
            spread_cells(&rates, &is)
        );
    }
    println!("\n({:.0} s)\n", t.elapsed().as_secs_f64());
}

/// The drop behind docs/validation.md's older table of the whitened filter
/// (1e-2 and 1e-3, sample-level counts, 4e4 frames): `physical(1)` of
/// `tests/common`, drawn from `stream(22, [STREAM_TEST, 0])`, with the power
/// split equally over the K + 1 beams.
fn older_table_drop(cfg: &Config) {
    let t = Instant::now();
    let mut p = Params::paper();
    p.system.raps = 1;
    let scene = Scene::draw(&p, &mut stream(22, &[STREAM_TEST, 0])).expect("layout");
    let k1 = p.system.users + 1;
    let w = scene.precoder(&nalgebra::DVector::from_element(
        k1,
        p.power.pmax_w / k1 as f64,
    ));
    let l = p.system.frame_symbols;
    let lmax = scene
        .interference_covariance(1, &w, 0.0)
        .symmetric_eigenvalues()
        .iter()
        .copied()
        .fold(0.0, f64::max);
    println!("## 6. The drop of docs/validation.md's older table (equal power on every beam)\n");
    println!(
        "| noise (dBm) | INR (dB) | 1+INR (dB) | rate at design 1e-2 | 1e-3 | 1e-5 | 1e-5, conditional MC | 1e-5 / design |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (i, dbm) in [
        -104.0, -95.0, -90.0, -85.0, -80.0, -75.0, -70.0, -60.0, -40.0,
    ]
    .into_iter()
    .enumerate()
    {
        let sigma2 = dbm_to_w(dbm);
        let det = LocalDetector::new(&scene, 1, &w, sigma2, LocalFilter::Whitened);
        let res = Residual::new(&scene, &w, &det, sigma2);
        let rate = |pfa: f64| res.quadrature(l, -pfa.ln());
        let mc = conditional_mc(
            &res,
            l,
            -DESIGN.ln(),
            cfg.fixed_frames / 10,
            &mut mc_rng(6, 0, i as u64),
        );
        println!(
            "| {dbm:.0} | {:.1} | {:.1} | {:.4} | {:.5} | {:.3e} | {:.3e} ± {:.1e} | {} |",
            db(lmax / sigma2),
            db(1.0 + lmax / sigma2),
            rate(1e-2),
            rate(1e-3),
            rate(1e-5),
            mc.mean,
            mc.se,
            times(rate(1e-5))
        );
    }
    println!("\n({:.0} s)\n", t.elapsed().as_secs_f64());
}
