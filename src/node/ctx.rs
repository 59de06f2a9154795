//! What every actor of one drop shares: the drop's identity, its seed, the
//! radio scene, the precoder and the nodes' local detectors.

use crate::detect::LocalDetector;
use crate::linalg::CMat;
use crate::params::Params;
use crate::radio::Scene;
use crate::rng::{ChaCha8Rng, NoiseRng, noise_stream, stream};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The identity of one drop in a run: which sweep point, which variant, which
/// drop of that point. Every trace record names it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct DropId {
    /// Sweep point (0-based, row-major over the sweep axes).
    pub point: u32,
    /// Variant (0-based, file order; 0 when the scenario has none).
    pub variant: u32,
    /// Drop within the point (0-based).
    pub drop: u64,
}

impl fmt::Display for DropId {
    /// `point P variant V drop D`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "point {} variant {} drop {}",
            self.point, self.variant, self.drop
        )
    }
}

/// The random stream `tag` of drop `id` under `seed`, further named by `path`:
/// the one place that turns a drop's identity into stream paths.
///
/// Streams are `[tag, point, variant, drop, path..]`, so every sweep point and
/// variant draws fresh drops and frames. With `common` (common random
/// numbers) they are `[tag, drop, path..]`: every point and variant then sees
/// the same geometry, symbols and noise, and differences between curves are
/// free of sampling noise between independent draws.
pub fn drop_stream(seed: u64, id: DropId, common: bool, tag: u64, path: &[u64]) -> ChaCha8Rng {
    with_stream_path(id, common, tag, path, |full| stream(seed, full))
}

/// Calls `f` with the full path of stream `tag` of drop `id`
/// ([`drop_stream`]), built on the stack for paths of up to four words.
fn with_stream_path<T>(
    id: DropId,
    common: bool,
    tag: u64,
    path: &[u64],
    f: impl FnOnce(&[u64]) -> T,
) -> T {
    let head: &[u64] = if common {
        &[tag, id.drop]
    } else {
        &[tag, u64::from(id.point), u64::from(id.variant), id.drop]
    };
    let n = head.len() + path.len();
    if n <= 8 {
        let mut buf = [0u64; 8];
        buf[..head.len()].copy_from_slice(head);
        buf[head.len()..n].copy_from_slice(path);
        f(&buf[..n])
    } else {
        f(&[head, path].concat())
    }
}

/// One drop as every actor sees it. Built once per drop and shared behind an
/// [`Arc`]; nothing in it changes while the drop runs.
#[derive(Debug)]
pub struct DropCtx {
    /// Which drop this is.
    pub id: DropId,
    /// The run's seed.
    pub seed: u64,
    /// Common random numbers across points and variants ([`drop_stream`]).
    pub common: bool,
    /// The radio system.
    pub params: Arc<Params>,
    /// Positions, channels, steering vectors, beams.
    pub scene: Scene,
    /// The precoder `W` of eq. (1) after power allocation.
    pub w: CMat,
    /// Each node's local detector (index 0 is the BS), built once per drop.
    pub detectors: Vec<LocalDetector>,
    /// `G_r W` per RAP (index r - 1): the direct path's beams (eq. 5), which
    /// the whitened filter, the medium and the quantization design share.
    pub direct: Vec<CMat>,
}

impl DropCtx {
    /// The context of a drop with scene `scene` and precoder `w`: computes
    /// each RAP's `G_r W` once and the nodes' local detectors (sensing noise
    /// and local filter from `params`).
    pub fn new(
        id: DropId,
        seed: u64,
        common: bool,
        params: Arc<Params>,
        scene: Scene,
        w: CMat,
    ) -> Self {
        let direct: Vec<CMat> = scene.g.iter().map(|g| crate::linalg::mul(g, &w)).collect();
        let (noise, filter) = (params.noise.sensing_w, params.sensing.local_filter);
        let detectors = (0..scene.nodes())
            .map(|r| {
                let gw = r.checked_sub(1).map(|i| &direct[i]);
                LocalDetector::with_direct(&scene, r, gw, noise, filter)
            })
            .collect();
        DropCtx {
            id,
            seed,
            common,
            params,
            scene,
            w,
            detectors,
            direct,
        }
    }

    /// The random stream `tag` of this drop, further named by `path` (for
    /// example `[frame, node]`). Streams depend on the seed, the drop and the
    /// path only, so an actor draws the same numbers whatever runs beside it.
    pub fn stream(&self, tag: u64, path: &[u64]) -> ChaCha8Rng {
        drop_stream(self.seed, self.id, self.common, tag, path)
    }

    /// The bulk-noise generator of stream `tag` of this drop, named like
    /// [`DropCtx::stream`] ([`crate::rng::NoiseRng`], for `fill_cn_fast`).
    pub fn noise(&self, tag: u64, path: &[u64]) -> NoiseRng {
        with_stream_path(self.id, self.common, tag, path, |full| {
            noise_stream(self.seed, full)
        })
    }

    /// `sigma_s^2`, the sensing noise power.
    pub fn noise_w(&self) -> f64 {
        self.params.noise.sensing_w
    }

    /// The detector of `node`.
    pub fn detector(&self, node: super::NodeId) -> &LocalDetector {
        &self.detectors[node.index()]
    }

    /// L, the symbols per frame.
    pub fn frame_symbols(&self) -> usize {
        self.params.system.frame_symbols
    }
}
