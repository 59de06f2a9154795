//! The radio medium: the public symbol book, and what each receiver gets of a
//! frame before its own noise (echo, eq. 4/7, plus the direct path at RAPs).

use crate::linalg::{C64, CMat, CVec, cn, mul};
use crate::radio::{Scene, TargetModel, draw_alpha, target_waveform};
use crate::rng::{ChaCha8Rng, stream};
use rand::RngExt;

/// Stream tag: the public symbol book.
pub const STREAM_BOOK: u64 = 10;
/// Stream tag: the BS's symbol selection for a frame.
pub const STREAM_SYMBOLS: u64 = 11;
/// Stream tag: target presence and gains for a frame.
pub const STREAM_TARGET: u64 = 12;
/// Stream tag: a receiver's noise for a frame.
pub const STREAM_NOISE: u64 = 13;

/// The public set of CN(0, 1) symbols that BS, CC and RAPs share (Sec. IV);
/// a frame's symbols are indices into it.
#[derive(Debug, Clone)]
pub struct SymbolBook {
    symbols: Vec<C64>,
}

impl SymbolBook {
    /// `size` symbols drawn from the run's book stream.
    pub fn new(seed: u64, size: usize) -> Self {
        let mut rng = stream(seed, &[STREAM_BOOK]);
        SymbolBook {
            symbols: (0..size).map(|_| cn(&mut rng, 1.0)).collect(),
        }
    }

    /// The BS's selection for frame `frame` of drop `drop`: `beams x l` indices.
    pub fn select(&self, seed: u64, drop: u64, frame: u64, count: usize) -> Vec<u16> {
        let mut rng = stream(seed, &[STREAM_SYMBOLS, drop, frame]);
        (0..count)
            .map(|_| rng.random_range(0..self.symbols.len()) as u16)
            .collect()
    }

    /// The symbol matrix S (`beams x l`, column-major) for `indices`.
    pub fn symbols(&self, indices: &[u16], beams: usize) -> CMat {
        CMat::from_iterator(
            beams,
            indices.len() / beams,
            indices.iter().map(|&i| self.symbols[i as usize]),
        )
    }
}

/// What the medium knows about one frame.
#[derive(Debug, Clone)]
pub struct FrameTruth {
    /// Whether a target is present.
    pub target: bool,
    /// alpha_r per node (zeros without a target).
    pub alpha: Vec<C64>,
    /// The transmitted X = W S.
    pub x: CMat,
    /// The target waveform u.
    pub u: CVec,
    /// The symbol indices.
    pub indices: Vec<u16>,
}

impl FrameTruth {
    /// Draws frame `frame` of drop `drop`: symbols from the book, then target
    /// presence (probability `p_target`) and gains from the target stream.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        seed: u64,
        drop: u64,
        frame: u64,
        scene: &Scene,
        w: &CMat,
        book: &SymbolBook,
        l: usize,
        model: TargetModel,
        p_target: f64,
    ) -> Self {
        let indices = book.select(seed, drop, frame, w.ncols() * l);
        let x = mul(w, &book.symbols(&indices, w.ncols()));
        let u = target_waveform(&scene.a, &x);
        let mut rng: ChaCha8Rng = stream(seed, &[STREAM_TARGET, drop, frame]);
        let target = rng.random::<f64>() < p_target;
        let alpha = if target {
            scene
                .alpha_var
                .iter()
                .map(|&v| draw_alpha(model, v, &mut rng))
                .collect()
        } else {
            vec![C64::new(0.0, 0.0); scene.nodes()]
        };
        FrameTruth {
            target,
            alpha,
            x,
            u,
            indices,
        }
    }
}

/// What node `r` receives of a frame, noise included: `alpha_r b_r u^T` +
/// `G_r X` (RAPs) + CN(0, `noise_w`) noise from the node's own stream for this
/// frame. The receiver actor calls this; tests call it to reproduce its draws.
pub fn node_signal(
    seed: u64,
    drop: u64,
    frame: u64,
    r: usize,
    scene: &Scene,
    truth: &FrameTruth,
    noise_w: f64,
) -> CMat {
    let mut rng = stream(seed, &[STREAM_NOISE, drop, frame, r as u64]);
    let alpha = truth.target.then(|| truth.alpha[r]);
    crate::radio::observe_node(scene, r, &truth.x, &truth.u, alpha, noise_w, &mut rng)
}
