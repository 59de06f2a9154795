//! Hot paths of a sample-level evaluation at the paper's sizes
//! (M = 16, N0 = N1 = 20, K = 8, R = 10, L = 30): drawing a frame, the
//! centralized GLRT, a local statistic, the LP P2 (its exact vertex solution,
//! the `lp` policy, and clarabel's interior point), the closed-form max-p0.

use criterion::{Criterion, criterion_group, criterion_main};
use iaps::detect::{LocalDetector, LocalFilter, glrt};
use iaps::params::Params;
use iaps::power::{Policy, allocate};
use iaps::radio::{Frame, Scene, TargetModel};
use iaps::rng::{STREAM_TEST, stream};
use std::hint::black_box;

fn kernels(c: &mut Criterion) {
    let p = Params::paper();
    let scene = Scene::draw(&p, &mut stream(1, &[STREAM_TEST])).unwrap();
    let problem = scene.power_problem(&p);
    let alloc = allocate(&problem, Policy::Lp).unwrap();
    let w = scene.precoder(&alloc.p);
    let (l, noise) = (p.system.frame_symbols, p.noise.sensing_w);
    let mut rng = stream(2, &[STREAM_TEST]);

    c.bench_function("frame_draw_r10", |b| {
        b.iter(|| Frame::draw(&scene, &w, l, Some(TargetModel::Swerling1), noise, &mut rng))
    });
    let f = Frame::draw(&scene, &w, l, Some(TargetModel::Swerling1), noise, &mut rng);
    let obs: Vec<(usize, &_)> = f.z.iter().enumerate().collect();
    c.bench_function("glrt_r10", |b| {
        b.iter(|| glrt(&scene, &f.x, &f.u, black_box(&obs), noise))
    });
    let det = LocalDetector::new(&scene, 1, &w, noise, LocalFilter::Whitened);
    let xu = &f.x * f.u.conjugate();
    c.bench_function("local_statistic", |b| {
        b.iter(|| det.statistic(black_box(&f.z[1]), &xu, &f.u))
    });
    c.bench_function("power_lp", |b| {
        b.iter(|| allocate(black_box(&problem), Policy::Lp))
    });
    c.bench_function("power_lp_clarabel", |b| {
        b.iter(|| iaps::power::lp_max_target_gain(black_box(&problem)))
    });
    c.bench_function("power_max_p0", |b| {
        b.iter(|| allocate(black_box(&problem), Policy::MaxP0))
    });
    c.bench_function("scene_draw", |b| b.iter(|| Scene::draw(&p, &mut rng)));
    // The sample-level direct path of one RAP: (G_r W) S, 20 x 9 times 9 x 30.
    let gw = iaps::linalg::mul(&scene.g[0], &w);
    let s = iaps::linalg::cn_matrix(&mut rng, w.ncols(), l, 1.0);
    c.bench_function("direct_path_gw_s", |b| {
        b.iter(|| iaps::linalg::mul(black_box(&gw), black_box(&s)))
    });
    let (ar, ai) = (gw.map(|z| z.re), gw.map(|z| z.im));
    c.bench_function("direct_path_real_gemm", |b| {
        b.iter(|| variants::real_gemm(black_box(&ar), black_box(&ai), black_box(&s)))
    });
    let (n, k) = (gw.nrows(), gw.ncols());
    let blk = nalgebra::DMatrix::from_fn(2 * n, 2 * k, |i, j| {
        let z = gw[(i % n, j % k)];
        match (i < n, j < k) {
            (true, true) | (false, false) => z.re,
            (true, false) => -z.im,
            (false, true) => z.im,
        }
    });
    let ss = nalgebra::DMatrix::from_fn(2 * k, l, |i, j| {
        if i < k {
            s[(i, j)].re
        } else {
            s[(i - k, j)].im
        }
    });
    c.bench_function("direct_path_stacked_gemm", |b| {
        b.iter(|| black_box(&blk) * black_box(&ss))
    });
    let gs: Vec<_> = scene.g.clone();
    c.bench_function("gw_all_raps_mul", |b| {
        b.iter(|| {
            gs.iter()
                .map(|g| iaps::linalg::mul(g, &w))
                .collect::<Vec<_>>()
        })
    });
    // One node's per-frame updates at sample level: the noise projection
    // N conj(u) and the echo alpha b u^T (20 x 30).
    let mut z = iaps::linalg::cn_matrix(&mut rng, n, l, 1.0);
    let u = iaps::linalg::CVec::from_iterator(l, s.row(0).iter().copied());
    c.bench_function("noise_projection_20x30", |b| {
        b.iter(|| iaps::linalg::mul_conj_vec(black_box(&z), black_box(&u)))
    });
    let alpha = iaps::linalg::C64::new(1e-3, -2e-3);
    c.bench_function("rank_one_20x30", |b| {
        b.iter(|| iaps::linalg::add_rank_one(black_box(&mut z), alpha, &scene.b[1], &u))
    });
}

criterion_group!(benches, kernels);
criterion_main!(benches);

/// Variants of the direct-path product, to choose the kernel (not a target).
pub mod variants {
    use iaps::linalg::{C64, CMat};
    use nalgebra::DMatrix;

    /// Four real products through nalgebra's f64 gemm.
    pub fn real_gemm(ar: &DMatrix<f64>, ai: &DMatrix<f64>, s: &CMat) -> CMat {
        let sr = s.map(|z| z.re);
        let si = s.map(|z| z.im);
        let zr = ar * &sr - ai * &si;
        let zi = ar * &si + ai * &sr;
        CMat::from_fn(zr.nrows(), zr.ncols(), |i, j| {
            C64::new(zr[(i, j)], zi[(i, j)])
        })
    }
}
