//! Deterministic parallel Monte Carlo: trials split into fixed chunks, each
//! chunk with its own stream, so counts do not depend on the thread count.

use crate::rng::{ChaCha8Rng, stream};

/// Trials per chunk; chunk `i` draws from `stream(seed, [tag.., i])`.
pub const CHUNK: u64 = 4096;

/// Runs `trials` trials of `stat` and counts, for each threshold, how many
/// statistics exceed it (`>`). Chunks are spread over `threads` threads
/// (0 = all cores); the result is identical for any thread count.
pub fn count_exceed<const N: usize>(
    seed: u64,
    tag: &[u64],
    trials: u64,
    thresholds: [f64; N],
    threads: usize,
    stat: impl Fn(&mut ChaCha8Rng) -> f64 + Sync,
) -> [u64; N] {
    let chunks = trials.div_ceil(CHUNK);
    let run_chunk = |c: u64| {
        let mut path = tag.to_vec();
        path.push(c);
        let mut rng = stream(seed, &path);
        let n = CHUNK.min(trials - c * CHUNK);
        let mut counts = [0u64; N];
        for _ in 0..n {
            let t = stat(&mut rng);
            for (k, &th) in thresholds.iter().enumerate() {
                counts[k] += u64::from(t > th);
            }
        }
        counts
    };
    let mut total = [0u64; N];
    let _ = crate::pool::ordered_map(chunks, threads, run_chunk, |_, part| {
        for k in 0..N {
            total[k] += part[k];
        }
        Ok::<(), ()>(())
    });
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn counts_do_not_depend_on_threads() {
        let f = |r: &mut ChaCha8Rng| r.random::<f64>();
        let a = count_exceed(5, &[1], 20_000, [0.5, 0.9], 1, f);
        let b = count_exceed(5, &[1], 20_000, [0.5, 0.9], 3, f);
        assert_eq!(a, b);
        assert!(a[0] > 9_000 && a[0] < 11_000);
    }
}
