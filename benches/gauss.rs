//! Cost of Gaussian noise: filling a 6,600-entry `&mut [C64]` with CN(0, 1)
//! by each candidate generator + normal method, the generators alone, and a
//! frame's noise as the engine draws it (11 receivers, a stream each, 20 x 30).
//! Divide a `fill_cn_6600` time by 6,600 for ns per complex normal.
//!
//! Candidates (all exact in distribution):
//! - `chacha8_randdistr_zig`: today's `linalg::fill_cn` (rand_distr ziggurat
//!   on `rng::stream`, ChaCha8);
//! - `chacha8_bulk_*`: ChaCha8 read 2 KiB at a time through `fill_bytes`;
//! - `xoshiro256pp_*`: rand_xoshiro's Xoshiro256++ seeded from the ChaCha8 stream;
//! - `noise_rng_x8_*`: `rng::NoiseRng`, eight Xoshiro256++ lanes;
//! - `*_own_zig`: `linalg::gauss`'s ziggurat (`fill_cn_zig`, or the bulk loop
//!   `fill_cn_fast` on a `NoiseRng`);
//! - `*_polar_std_ln`, `*_box_muller_blocks`: Marsaglia's polar method and
//!   Box-Muller over blocks, with std's `ln`/`sin_cos` (the system libm, so
//!   not bit-portable as written; the compiler does not vectorize them).
//!
//! `cargo bench --bench gauss` (add `-- fill_cn_6600` for one group).

use criterion::{Criterion, criterion_group, criterion_main};
use iaps::linalg::{C64, fill_cn, fill_cn_fast, fill_cn_zig};
use iaps::rng::{ChaCha8Rng, NoiseRng, STREAM_NOISE, noise_stream, stream, stream_key};
use rand::rand_core::{Infallible, TryRng};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

const N: usize = 6_600;

/// ChaCha8 read in bulk: 2 KiB of keystream per `fill_bytes`, served word by word.
struct BulkChaCha {
    rng: ChaCha8Rng,
    buf: [u64; 256],
    pos: usize,
}

impl BulkChaCha {
    fn new(rng: ChaCha8Rng) -> Self {
        BulkChaCha {
            rng,
            buf: [0; 256],
            pos: 256,
        }
    }
    #[inline(always)]
    fn word(&mut self) -> u64 {
        if self.pos == self.buf.len() {
            let mut bytes = [0u8; 256 * 8];
            self.rng.fill_bytes(&mut bytes);
            for (w, c) in self.buf.iter_mut().zip(bytes.chunks_exact(8)) {
                *w = u64::from_le_bytes(c.try_into().unwrap());
            }
            self.pos = 0;
        }
        let w = self.buf[self.pos];
        self.pos += 1;
        w
    }
}

impl TryRng for BulkChaCha {
    type Error = Infallible;
    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.word() >> 32) as u32)
    }
    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.word())
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for c in dst.chunks_mut(8) {
            c.copy_from_slice(&self.word().to_le_bytes()[..c.len()]);
        }
        Ok(())
    }
}

fn xoshiro() -> Xoshiro256PlusPlus {
    let mut seed = [0u8; 32];
    stream(1, &[STREAM_NOISE]).fill_bytes(&mut seed);
    Xoshiro256PlusPlus::from_seed(seed)
}

#[inline(always)]
fn u01<R: Rng>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Marsaglia's polar method, one complex value per accepted pair (std ln).
fn fill_polar<R: Rng>(rng: &mut R, out: &mut [C64], var: f64) {
    let s = (0.5 * var).sqrt();
    for z in out.iter_mut() {
        loop {
            let a = 2.0 * u01(rng) - 1.0;
            let b = 2.0 * u01(rng) - 1.0;
            let q = a * a + b * b;
            if q < 1.0 && q > 0.0 {
                let m = s * (-2.0 * q.ln() / q).sqrt();
                *z = C64::new(a * m, b * m);
                break;
            }
        }
    }
}

/// Box-Muller over blocks of 64 pairs: words first, then ln/sqrt/sin_cos (std).
fn fill_box_muller<R: Rng>(rng: &mut R, out: &mut [C64], var: f64) {
    let s = (0.5 * var).sqrt();
    for chunk in out.chunks_mut(64) {
        let mut u = [0.0f64; 64];
        let mut v = [0.0f64; 64];
        for k in 0..chunk.len() {
            u[k] = 1.0 - u01(rng); // (0, 1]
            v[k] = u01(rng);
        }
        for (k, z) in chunk.iter_mut().enumerate() {
            let r = s * (-2.0 * u[k].ln()).sqrt();
            let (sn, cs) = (std::f64::consts::TAU * v[k]).sin_cos();
            *z = C64::new(r * cs, r * sn);
        }
    }
}

fn words(c: &mut Criterion) {
    // The generators alone: 2 x 6,600 words, xor-folded.
    let mut g = c.benchmark_group("words_13200");
    fn fold<R: Rng>(rng: &mut R) -> u64 {
        (0..2 * N).fold(0, |a, _| a ^ rng.next_u64())
    }
    let mut rng = stream(1, &[STREAM_NOISE]);
    g.bench_function("chacha8", |b| b.iter(|| fold(&mut rng)));
    let mut rng = BulkChaCha::new(stream(1, &[STREAM_NOISE]));
    g.bench_function("chacha8_bulk", |b| b.iter(|| fold(&mut rng)));
    let mut rng = xoshiro();
    g.bench_function("xoshiro256pp", |b| b.iter(|| fold(&mut rng)));
    let mut rng = noise_stream(1, &[STREAM_NOISE]);
    g.bench_function("noise_rng_x8", |b| b.iter(|| fold(&mut rng)));
    g.finish();
}

fn gauss(c: &mut Criterion) {
    let mut out = vec![C64::new(0.0, 0.0); N];
    let mut g = c.benchmark_group("fill_cn_6600");

    let mut rng = stream(1, &[STREAM_NOISE]);
    g.bench_function("chacha8_randdistr_zig (baseline fill_cn)", |b| {
        b.iter(|| fill_cn(&mut rng, black_box(&mut out), 1.0))
    });
    let mut rng = BulkChaCha::new(stream(1, &[STREAM_NOISE]));
    g.bench_function("chacha8_bulk_randdistr_zig", |b| {
        b.iter(|| fill_cn(&mut rng, black_box(&mut out), 1.0))
    });
    let mut rng = stream(1, &[STREAM_NOISE]);
    g.bench_function("chacha8_own_zig", |b| {
        b.iter(|| fill_cn_zig(&mut rng, black_box(&mut out), 1.0))
    });
    let mut rng = BulkChaCha::new(stream(1, &[STREAM_NOISE]));
    g.bench_function("chacha8_bulk_own_zig", |b| {
        b.iter(|| fill_cn_zig(&mut rng, black_box(&mut out), 1.0))
    });
    let mut rng = xoshiro();
    g.bench_function("xoshiro256pp_randdistr_zig", |b| {
        b.iter(|| fill_cn(&mut rng, black_box(&mut out), 1.0))
    });
    let mut rng = xoshiro();
    g.bench_function("xoshiro256pp_own_zig", |b| {
        b.iter(|| fill_cn_zig(&mut rng, black_box(&mut out), 1.0))
    });
    let mut rng = xoshiro();
    g.bench_function("xoshiro256pp_polar_std_ln", |b| {
        b.iter(|| fill_polar(&mut rng, black_box(&mut out), 1.0))
    });
    let mut rng = xoshiro();
    g.bench_function("xoshiro256pp_box_muller_blocks", |b| {
        b.iter(|| fill_box_muller(&mut rng, black_box(&mut out), 1.0))
    });
    let mut rng = noise_stream(1, &[STREAM_NOISE]);
    g.bench_function("noise_rng_x8_randdistr_zig", |b| {
        b.iter(|| fill_cn(&mut rng, black_box(&mut out), 1.0))
    });
    let mut rng = noise_stream(1, &[STREAM_NOISE]);
    g.bench_function("noise_rng_x8_own_zig (fill_cn_fast)", |b| {
        b.iter(|| fill_cn_fast(&mut rng, black_box(&mut out), 1.0))
    });
    g.finish();

    // As the engine uses it: 11 receivers, each its own stream, 20 x 30 each.
    let mut g = c.benchmark_group("frame_noise_11x600_with_stream_setup");
    let mut frame = 0u64;
    g.bench_function("chacha8_randdistr_zig (baseline)", |b| {
        b.iter(|| {
            frame += 1;
            for (r, chunk) in out.chunks_mut(600).enumerate() {
                let mut rng = stream(1, &[STREAM_NOISE, frame, r as u64]);
                fill_cn(&mut rng, black_box(chunk), 1.0);
            }
        })
    });
    g.bench_function("noise_rng_x8_own_zig (fill_cn_fast)", |b| {
        b.iter(|| {
            frame += 1;
            for (r, chunk) in out.chunks_mut(600).enumerate() {
                let mut rng = NoiseRng::from_key(stream_key(1, &[STREAM_NOISE, frame, r as u64]));
                fill_cn_fast(&mut rng, black_box(chunk), 1.0);
            }
        })
    });
    g.finish();
}

criterion_group!(benches, words, gauss);
criterion_main!(benches);
