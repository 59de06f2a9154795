//! The radio medium: what the BS transmits in a frame, and what each receiver
//! gets of it before its own noise (echo, eq. 4/7, plus the direct path at RAPs).

use crate::linalg::{C64, CMat, CVec, mul};
use crate::node::{DropCtx, NodeId};
use crate::radio::{draw_alpha, observe_node, target_waveform};
use crate::rng::{STREAM_NOISE, STREAM_SYMBOLS, STREAM_TARGET};
use rand::RngExt;

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
    /// Draws frame `frame` of drop `ctx`: symbols from the book, then target
    /// presence (probability `p_target`) and gains from the target stream.
    pub fn draw(ctx: &DropCtx, frame: u64, p_target: f64) -> Self {
        let (w, scene) = (&ctx.w, &ctx.scene);
        let count = w.ncols() * ctx.frame_symbols();
        let indices = ctx
            .symbols
            .select(&mut ctx.stream(STREAM_SYMBOLS, &[frame]), count);
        let x = mul(w, &ctx.symbols.symbols(&indices, w.ncols()));
        let u = target_waveform(&scene.a, &x);
        let mut rng = ctx.stream(STREAM_TARGET, &[frame]);
        let target = rng.random::<f64>() < p_target;
        let model = ctx.params.sensing.target;
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

/// What `node` receives of a frame, noise included: `alpha_r b_r u^T` +
/// `G_r X` (RAPs) + CN(0, sigma_s^2) noise from the node's own stream for this
/// frame. The engine calls this; tests call it to reproduce its draws.
pub fn node_signal(ctx: &DropCtx, frame: u64, node: NodeId, truth: &FrameTruth) -> CMat {
    let r = node.index();
    let mut rng = ctx.stream(STREAM_NOISE, &[frame, r as u64]);
    let alpha = truth.target.then(|| truth.alpha[r]);
    observe_node(
        &ctx.scene,
        r,
        &truth.x,
        &truth.u,
        alpha,
        ctx.noise_w(),
        &mut rng,
    )
}
