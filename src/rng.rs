//! Seeded random streams, one per (seed, path), independent of execution order.
//!
//! Every random draw in iaps comes from a stream named by the run's seed and a
//! path of integers (for example `[STREAM_DROP, point, drop]`). The stream for a
//! path is a ChaCha8 generator keyed by a SplitMix64 hash of the seed and the
//! path, so a sweep point, a drop or a node draws the same numbers whether it
//! runs first or last, on one thread or many, on one machine or a cluster.
//!
//! Bulk Gaussian noise can use [`NoiseRng`] instead ([`noise_stream`]): eight
//! interleaved Xoshiro256++ generators seeded from the ChaCha8 stream of the
//! same key, a few times cheaper per 64-bit word (module `linalg::gauss`
//! turns its words into normals).

use rand::rand_core::{Infallible, TryRng};
pub use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};

/// Stream tag: geometry and channels of a drop.
pub const STREAM_DROP: u64 = 1;
/// Stream tag: symbols, targets and noise of a frame.
pub const STREAM_FRAME: u64 = 2;
/// Stream tag: a frame: its symbols (the BS draws them fresh every frame),
/// then target presence and gains or the biasing component of a target-free
/// frame, then (statistic level) every receiver's noise generators.
pub const STREAM_SYMBOLS: u64 = 11;
/// Stream tag: a receiver's noise for a frame (sample level).
pub const STREAM_NOISE: u64 = 13;
/// Stream tag: a link's loss draws.
pub const STREAM_LINK: u64 = 14;
/// Stream tag: draws behind the analytic columns (quantization steps).
pub const STREAM_ANALYTIC: u64 = 15;
/// Stream tag: tests and ad-hoc Monte Carlo.
pub const STREAM_TEST: u64 = 99;

#[inline]
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 256-bit key of the stream at `path` under `seed`.
pub fn stream_key(seed: u64, path: &[u64]) -> [u8; 32] {
    let mut h = splitmix64(seed ^ 0x6A09_E667_F3BC_C908);
    for &p in path {
        h = splitmix64(h ^ splitmix64(p.wrapping_add(0x3C6E_F372_FE94_F82B)));
    }
    let mut key = [0u8; 32];
    let mut w = h;
    for chunk in key.chunks_exact_mut(8) {
        w = splitmix64(w);
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    key
}

/// The generator for `path` under `seed`.
pub fn stream(seed: u64, path: &[u64]) -> ChaCha8Rng {
    ChaCha8Rng::from_seed(stream_key(seed, path))
}

/// Number of interleaved Xoshiro256++ lanes in a [`NoiseRng`].
pub const NOISE_LANES: usize = 8;
/// Words a [`NoiseRng`] generates per refill (16 steps of every lane).
const NOISE_BUF: usize = 16 * NOISE_LANES;

/// A fast word stream for bulk noise: [`NOISE_LANES`] independent Xoshiro256++
/// generators (Blackman and Vigna's `xoshiro256plusplus.c`), interleaved.
///
/// Word `NOISE_LANES * t + j` of the stream is output `t` of lane `j`. Lane `j`
/// is seeded with the little-endian 64-bit words `4j .. 4j + 4` of the ChaCha8
/// stream of `key` (the first 256 bytes of its keystream); a lane whose four
/// words are all zero, which has probability 2^-256, gets the state
/// `[1, 0, 0, 0]` instead. The words are therefore a function of the key alone:
/// integer additions, shifts, rotations and xors, identical on every platform,
/// whatever the SIMD width the compiler uses to run the lanes side by side.
///
/// It implements [`rand::Rng`]: `next_u64` is the next word, `next_u32` its
/// high half, `fill_bytes` the words' little-endian bytes.
#[derive(Clone)]
pub struct NoiseRng {
    /// `s[k][j]`: state word `k` of lane `j`.
    s: [[u64; NOISE_LANES]; 4],
    /// Pending words; `buf[pos..]` are next.
    buf: [u64; NOISE_BUF],
    pos: usize,
}

impl std::fmt::Debug for NoiseRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NoiseRng { .. }")
    }
}

impl NoiseRng {
    /// The noise stream of a 256-bit key (see the type's docs).
    pub fn from_key(key: [u8; 32]) -> NoiseRng {
        let mut chacha = ChaCha8Rng::from_seed(key);
        let mut s = [[0u64; NOISE_LANES]; 4];
        for j in 0..NOISE_LANES {
            for row in s.iter_mut() {
                row[j] = chacha.next_u64();
            }
            if (0..4).all(|k| s[k][j] == 0) {
                s[0][j] = 1;
            }
        }
        NoiseRng {
            s,
            buf: [0; NOISE_BUF],
            pos: NOISE_BUF,
        }
    }

    /// The noise stream keyed by the next 32 bytes of `rng` (how a drop's
    /// channels and a sample-level frame's symbols are drawn from their
    /// ChaCha8 streams).
    pub fn from_rng<R: Rng + ?Sized>(rng: &mut R) -> NoiseRng {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        NoiseRng::from_key(key)
    }

    /// The next word of the stream.
    #[inline(always)]
    pub fn word(&mut self) -> u64 {
        if self.pos == NOISE_BUF {
            self.refill();
        }
        let w = self.buf[self.pos];
        self.pos += 1;
        w
    }

    /// The words not yet consumed, in stream order (refilled first if none are
    /// left, so never empty). Call [`NoiseRng::consume`] with the number used.
    #[inline(always)]
    pub fn pending(&mut self) -> &[u64] {
        if self.pos == NOISE_BUF {
            self.refill();
        }
        &self.buf[self.pos..]
    }

    /// Marks the first `n` words of [`NoiseRng::pending`] as used.
    #[inline(always)]
    pub fn consume(&mut self, n: usize) {
        assert!(
            n <= NOISE_BUF - self.pos,
            "consumed more words than pending"
        );
        self.pos += n;
    }

    /// Runs every lane 16 steps into `buf`: eight lanes per register where
    /// the CPU has AVX-512 (a 64-bit rotation is one instruction there), two
    /// lanes in general registers elsewhere. Same integer operations, same words.
    #[inline(never)]
    fn refill(&mut self) {
        avx512_or!(refill_avx512(self), refill_lanes::<2>(self));
    }
}

/// [`refill_lanes`] compiled for AVX-512F, eight lanes per register.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn refill_avx512(g: &mut NoiseRng) {
    refill_lanes::<8>(g);
}

/// Runs every lane 16 Xoshiro256++ steps into `buf` (word `NOISE_LANES t + j`
/// is step `t` of lane `j`), `G` lanes at a time: `G` is how many lanes fit
/// the registers at hand, and changes the speed, never the words.
#[inline(always)]
fn refill_lanes<const G: usize>(g: &mut NoiseRng) {
    for l in (0..NOISE_LANES).step_by(G) {
        let mut s: [[u64; G]; 4] = [[0; G]; 4];
        for (mine, all) in s.iter_mut().zip(&g.s) {
            mine.copy_from_slice(&all[l..l + G]);
        }
        let [mut s0, mut s1, mut s2, mut s3] = s;
        for out in g.buf.chunks_exact_mut(NOISE_LANES) {
            let out = &mut out[l..l + G];
            for j in 0..G {
                out[j] = s0[j]
                    .wrapping_add(s3[j])
                    .rotate_left(23)
                    .wrapping_add(s0[j]);
                let t = s1[j] << 17;
                s2[j] ^= s0[j];
                s3[j] ^= s1[j];
                s1[j] ^= s2[j];
                s0[j] ^= s3[j];
                s2[j] ^= t;
                s3[j] = s3[j].rotate_left(45);
            }
        }
        for (k, v) in [s0, s1, s2, s3].iter().enumerate() {
            g.s[k][l..l + G].copy_from_slice(v);
        }
    }
    g.pos = 0;
}

impl TryRng for NoiseRng {
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
        for chunk in dst.chunks_mut(8) {
            let w = self.word().to_le_bytes();
            chunk.copy_from_slice(&w[..chunk.len()]);
        }
        Ok(())
    }
}

/// The noise generator for `path` under `seed`: [`NoiseRng`] keyed like [`stream`].
pub fn noise_stream(seed: u64, path: &[u64]) -> NoiseRng {
    NoiseRng::from_key(stream_key(seed, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = stream(7, &[1, 2]).random();
        let b: u64 = stream(7, &[1, 2]).random();
        let c: u64 = stream(7, &[2, 1]).random();
        let d: u64 = stream(8, &[1, 2]).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }
}

#[cfg(test)]
mod noise_tests {
    use super::*;

    /// Lane 0 started from `[1, 2, 3, 4]` reproduces the reference output of
    /// `xoshiro256plusplus.c` (the vector rand_xoshiro checks as well).
    #[test]
    fn a_lane_matches_the_reference_xoshiro256plusplus() {
        let mut g = NoiseRng::from_key([0; 32]);
        for j in 0..NOISE_LANES {
            for k in 0..4 {
                g.s[k][j] = 1 + k as u64;
            }
        }
        let expected: [u64; 10] = [
            41943041,
            58720359,
            3588806011781223,
            3591011842654386,
            9228616714210784205,
            9973669472204895162,
            14011001112246962877,
            12406186145184390807,
            15849039046786891736,
            10450023813501588000,
        ];
        let words: Vec<u64> = (0..10 * NOISE_LANES).map(|_| g.word()).collect();
        for (t, e) in expected.iter().enumerate() {
            for j in 0..NOISE_LANES {
                assert_eq!(words[t * NOISE_LANES + j], *e, "step {t} lane {j}");
            }
        }
    }

    /// Every lane is rand_xoshiro's Xoshiro256PlusPlus seeded with its 32 bytes
    /// of the ChaCha8 keystream, and the words interleave the lanes.
    #[test]
    fn lanes_are_xoshiro256plusplus_seeded_from_chacha8() {
        use rand_xoshiro::Xoshiro256PlusPlus;
        let key = stream_key(5, &[STREAM_NOISE, 1, 2]);
        let mut bytes = [0u8; 32 * NOISE_LANES];
        ChaCha8Rng::from_seed(key).fill_bytes(&mut bytes);
        let mut refs: Vec<Xoshiro256PlusPlus> = bytes
            .chunks_exact(32)
            .map(|c| Xoshiro256PlusPlus::from_seed(c.try_into().unwrap()))
            .collect();
        let mut g = noise_stream(5, &[STREAM_NOISE, 1, 2]);
        for _ in 0..100 {
            for r in refs.iter_mut() {
                assert_eq!(g.word(), r.next_u64());
            }
        }
    }

    /// The lane grouping (and the AVX-512 path, where the CPU has it) changes
    /// nothing but the speed.
    #[test]
    fn refill_gives_the_same_words_for_any_lane_grouping() {
        let g = noise_stream(9, &[STREAM_TEST]);
        let run = |f: fn(&mut NoiseRng)| {
            let mut h = g.clone();
            let mut words = Vec::new();
            for _ in 0..3 {
                f(&mut h);
                words.extend_from_slice(&h.buf);
            }
            words
        };
        let reference = run(refill_lanes::<1>);
        assert_eq!(run(refill_lanes::<2>), reference);
        assert_eq!(run(refill_lanes::<4>), reference);
        assert_eq!(run(refill_lanes::<8>), reference);
        assert_eq!(run(NoiseRng::refill), reference);
    }

    #[test]
    fn noise_streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..300)
            .scan(noise_stream(7, &[1, 2]), |g, _| Some(g.word()))
            .collect();
        let b: Vec<u64> = (0..300)
            .scan(noise_stream(7, &[1, 2]), |g, _| Some(g.word()))
            .collect();
        let c: Vec<u64> = (0..300)
            .scan(noise_stream(7, &[2, 1]), |g, _| Some(g.word()))
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().zip(&c).all(|(x, y)| x != y));
    }
}
