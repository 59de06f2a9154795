//! The radio medium: what the BS transmits in each frame and what every
//! receiver observes of it, echo (eqs. 4, 7), direct path `G_r X` (RAPs) and
//! noise included, at one of two fidelities.
//!
//! * **Sample level**: fresh CN(0, 1) symbols S, the full N_r x L samples
//!   `Z_r = alpha_r b_r u^T + (G_r W) S + N_r`, noise from the node's own
//!   stream.
//! * **Statistic level**: given the frame's symbols, the detectors use a
//!   receiver's samples only through `b_r^H Z_r conj(u)` and
//!   `q_r^H Z_r conj(u)`, and the symbols only through `v = S conj(u)` and
//!   `||u||^2`. The medium draws exactly those from their joint law:
//!   `(v, ||u||^2)` by the Bartlett decomposition of the Wishart matrix
//!   `S S^H` rotated onto `W^H a` (one Gamma(L, 1) and K complex normals),
//!   and per node the two noise projections `g1, g2 ~ CN(0, 1)` along `b_r`
//!   and the part of `q_r` orthogonal to it; direct-path terms
//!   `b_r^H G_r W v` and `q_r^H G_r W v` are computed exactly.
//!
//! For importance sampling (docs/model.md §8), a target-free frame draws a
//! component of the biasing law and scales the noise generators of every
//! node by `sqrt(s)`: at statistic level the generators themselves, at sample
//! level the component of `N_r` along `span(b_r, q_r) x conj(u)` (every other
//! direction of the noise keeps its law).

use super::importance::BiasLaw;
use crate::detect::LocalDetector;
use crate::linalg::{
    C64, CMat, CVec, Planes, ad_mul_vec, add_rank_one, cn, cn_matrix_fast, dotc, mul_conj_vec,
};
use crate::node::{DropCtx, FrameSymbols, NodeId, Observation};
use crate::radio::draw_alpha;
use crate::rng::{NoiseRng, STREAM_NOISE, STREAM_SYMBOLS};
use nalgebra::DMatrix;
use rand::RngExt;
use rand_distr::{Distribution, Gamma};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How finely the medium draws what the receivers observe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fidelity {
    /// Full samples.
    Sample,
    /// The detectors' sufficient statistics, from their exact joint law.
    Statistic,
}

/// `[[Re A, -Im A], [Im A, Re A]]`: `A x` for complex x is this matrix
/// times `[Re x; Im x]`, stacked the same way.
fn real_block(a: &CMat) -> DMatrix<f64> {
    let (n, k) = a.shape();
    let mut out = DMatrix::zeros(2 * n, 2 * k);
    for j in 0..k {
        for i in 0..n {
            let z = a[(i, j)];
            out[(i, j)] = z.re;
            out[(n + i, k + j)] = z.re;
            out[(i, k + j)] = -z.im;
            out[(n + i, j)] = z.im;
        }
    }
    out
}

/// `[Re S; Im S]`: what a [`real_block`] multiplies.
fn re_im(s: &CMat) -> DMatrix<f64> {
    let k = s.nrows();
    DMatrix::from_fn(2 * k, s.ncols(), |i, j| {
        if i < k {
            s[(i, j)].re
        } else {
            s[(i - k, j)].im
        }
    })
}

/// The observing RAPs' `G_r W` real blocks stacked (RAP order), and each
/// node's first row; `None` without observing RAPs.
fn stacked_blocks(
    ctx: &DropCtx,
    observers: &[NodeId],
) -> Option<(DMatrix<f64>, Vec<Option<usize>>)> {
    let raps: Vec<usize> = (observers.iter().map(|n| n.index()))
        .filter(|&r| r > 0)
        .collect();
    if raps.is_empty() {
        return None;
    }
    let blocks: Vec<DMatrix<f64>> = raps
        .iter()
        .map(|&r| real_block(&ctx.direct[r - 1]))
        .collect();
    let rows: usize = blocks.iter().map(|b| b.nrows()).sum();
    let mut stacked = DMatrix::zeros(rows, blocks[0].ncols());
    let mut first = vec![None; ctx.scene.nodes()];
    let mut at = 0;
    for (&r, b) in raps.iter().zip(&blocks) {
        stacked.rows_mut(at, b.nrows()).copy_from(b);
        first[r] = Some(at);
        at += b.nrows();
    }
    Some((stacked, first))
}

/// What the medium precomputes for one node of a drop.
#[derive(Debug, Clone)]
struct NodeGeometry {
    /// `||b_r||`.
    b_norm: f64,
    /// `||q_r||`.
    q_norm: f64,
    /// `q_r^H b_r`.
    qb: C64,
    /// `e1 = b_r / ||b_r||`.
    e1: CVec,
    /// Unit vector along the part of q orthogonal to b (none when q is parallel to b).
    e2: Option<CVec>,
    /// `e1^H q / ||q||`.
    c1: C64,
    /// `||q / ||q|| - c1 e1||`.
    c2: f64,
    /// `G_r^H b_r`, so that `b^H G X conj(u) = (G^H b)^H xu` (RAPs).
    gb: Option<CVec>,
    /// `G_r^H q_r` (RAPs).
    gq: Option<CVec>,
    /// Whether the node's filter subtracts the direct path itself (`cancel`):
    /// its local statistic then has no residual.
    cancels: bool,
}

impl NodeGeometry {
    fn new(ctx: &DropCtx, r: usize, det: &LocalDetector) -> Self {
        let b = &ctx.scene.b[r];
        let q = det.filter();
        let (b_norm, q_norm) = (b.norm(), q.norm());
        let e1 = b.unscale(b_norm);
        let q_hat = q.unscale(q_norm);
        let c1 = dotc(e1.as_slice(), q_hat.as_slice());
        let rest = &q_hat - &e1 * c1;
        let c2 = rest.norm();
        let e2 = (c2 > 1e-12).then(|| rest.unscale(c2));
        let g = (r > 0).then(|| &ctx.scene.g[r - 1]);
        NodeGeometry {
            b_norm,
            q_norm,
            qb: dotc(q.as_slice(), b.as_slice()),
            e1,
            e2,
            c1,
            c2,
            gb: g.map(|g| ad_mul_vec(g, b)),
            gq: g.map(|g| ad_mul_vec(g, q)),
            cancels: det.cancels(),
        }
    }
}

/// A node's noise generators for one frame (after biasing), and its local
/// statistic's direct-path residual: what a frame's importance weight needs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Generators {
    /// Along `b_r`: the CC's centralized term is `|alpha-part + g1|^2`.
    pub g1: C64,
    /// Along the part of `q_r` orthogonal to `b_r`.
    pub g2: C64,
    /// The local statistic's noise `h = conj(c1) g1 + c2 g2`.
    pub h: C64,
    /// The local statistic's normalized direct-path residual mu (0 for the
    /// BS and the `cancel` filter).
    pub mu: C64,
}

/// What the medium knows about one frame.
#[derive(Debug, Clone)]
pub struct FrameTruth {
    /// Whether a target is present.
    pub target: bool,
    /// alpha_r per node (zeros without a target).
    pub alpha: Vec<C64>,
    /// The symbols as the BS and the CC know them (shared with every node
    /// that knows them).
    pub symbols: Arc<FrameSymbols>,
    /// The symbol matrix S (sample level).
    pub s: Option<CMat>,
    /// Sample level with RAPs: every observing RAP's direct path `G_r X`,
    /// stacked as [`Medium`]'s blocks are (`[Re; Im]` of each RAP's
    /// `N1 x L` in turn, per column).
    direct_samples: Option<DMatrix<f64>>,
    /// The importance-sampling component (0: the plain law).
    pub component: usize,
    /// Each node's noise generators, once drawn.
    pub noise: Vec<Option<Generators>>,
    /// Statistic level: each observer's direct-path projections
    /// `(b_r^H G_r X conj(u), q_r^H G_r X conj(u))`, computed once per frame
    /// (zeros for the BS and nodes that do not observe).
    direct: Vec<(C64, C64)>,
    /// Scratch planes of the frame's matrix-vector products (kept with the
    /// frame so that recycling hands them back).
    planes: (Vec<f64>, Vec<f64>),
    /// `sigma ||u||`: the scale of every node's noise projections.
    sigma_nu: f64,
}

impl FrameTruth {
    /// Symbols with nothing drawn yet.
    fn no_symbols() -> Arc<FrameSymbols> {
        Arc::new(FrameSymbols {
            xu: CVec::zeros(0),
            u_norm2: 0.0,
            u: None,
            direct_b: Vec::new(),
        })
    }

    /// A frame with nothing drawn yet (buffers for [`Medium::draw_frame`]).
    fn empty() -> Self {
        FrameTruth {
            target: false,
            alpha: Vec::new(),
            symbols: Self::no_symbols(),
            s: None,
            direct_samples: None,
            component: 0,
            noise: Vec::new(),
            direct: Vec::new(),
            planes: (Vec::new(), Vec::new()),
            sigma_nu: 0.0,
        }
    }
}

/// The medium of one drop.
#[derive(Debug)]
pub struct Medium {
    fidelity: Fidelity,
    /// The biasing law of target-free frames (importance sampling).
    bias: Option<BiasLaw>,
    /// The nodes that observe, in order.
    observers: Vec<NodeId>,
    nodes: Vec<NodeGeometry>,
    /// `W^H a`: `u = S^T conj(W^H a)`.
    wa: CVec,
    /// Statistic level: the Householder reflection that maps e1 to `w^ / ||w^||`
    /// (`w^ = W^H a`), as `(phase, v)`; and `||w^||`.
    rotation: (C64, CVec, f64),
    gamma: Gamma<f64>,
    /// Statistic level: the observers' direct-path rows stacked,
    /// `conj(G_r^H b_r)` and `conj(G_r^H q_r)` as rows 2k and 2k + 1 for the
    /// k-th observing RAP, so that a frame's projections `(G^H b)^H X conj(u)`
    /// are one matrix-vector product with `X conj(u)` (every row's sum
    /// independent of the others: no add waits on another, and each equals
    /// its dot product bit for bit); and which node each row pair is.
    direct_rows: Option<(Planes, Vec<usize>)>,
    /// The precoder W as planes: `X conj(u) = W v` once per frame.
    w: Planes,
    /// Sample level: the observing RAPs' `G_r W` as real blocks
    /// `[[Re, -Im], [Im, Re]]` stacked in one matrix, so that every direct
    /// path `(G_r W) S` of a frame is one real product with `[Re S; Im S]`
    /// (a tuned f64 kernel; one call instead of one per RAP); and each
    /// node's first row in it.
    direct_blocks: Option<(DMatrix<f64>, Vec<Option<usize>>)>,
    /// Finished frames ([`Medium::recycle`]), whose buffers the next frames
    /// are drawn into. Boxed because they are handed out boxed: a frame
    /// never moves.
    #[allow(clippy::vec_box)]
    spare: Vec<Box<FrameTruth>>,
}

impl Medium {
    /// The medium of drop `ctx` for the nodes `observers`.
    pub fn new(
        ctx: &DropCtx,
        fidelity: Fidelity,
        bias: Option<BiasLaw>,
        observers: Vec<NodeId>,
    ) -> Self {
        let nodes: Vec<NodeGeometry> = (0..ctx.scene.nodes())
            .map(|r| NodeGeometry::new(ctx, r, &ctx.detectors[r]))
            .collect();
        let wa = ctx.w.adjoint() * &ctx.scene.a;
        // conj(u) = S^H W^H a, so v = S conj(u) = S S^H w^ with w^ = W^H a
        // itself (not its conjugate: the direction of v's mean matters to the
        // whitened filter's direct-path residual).
        let omega = wa.clone();
        let norm = omega.norm();
        // Householder: with theta = arg(w^_1) and x = e^{-i theta} w^ / ||w^||
        // (x_1 real >= 0), H = I - 2 v v^H / (v^H v), v = x - e1, maps e1 to
        // x; U = e^{i theta} H maps e1 to w^ / ||w^||.
        let rotation = if norm > 0.0 {
            let theta = omega[0].arg();
            let phase = C64::from_polar(1.0, theta);
            let mut v = omega.unscale(norm) * phase.conj();
            v[0] -= C64::new(1.0, 0.0);
            (phase, v, norm)
        } else {
            (C64::new(1.0, 0.0), CVec::zeros(omega.len()), 0.0)
        };
        let l = ctx.frame_symbols() as f64;
        let direct_rows = (fidelity == Fidelity::Statistic).then(|| {
            let raps: Vec<usize> = (observers.iter().map(|n| n.index()))
                .filter(|&r| nodes[r].gb.is_some())
                .collect();
            let m = ctx.w.nrows();
            let mut rows = CMat::zeros(2 * raps.len(), m);
            for (k, &r) in raps.iter().enumerate() {
                let g = &nodes[r];
                let (gb, gq) = (g.gb.as_ref(), g.gq.as_ref());
                for j in 0..m {
                    rows[(2 * k, j)] = gb.map_or(C64::new(0.0, 0.0), |v| v[j].conj());
                    rows[(2 * k + 1, j)] = gq.map_or(C64::new(0.0, 0.0), |v| v[j].conj());
                }
            }
            (Planes::new(&rows), raps)
        });
        let direct_blocks = (fidelity == Fidelity::Sample)
            .then(|| stacked_blocks(ctx, &observers))
            .flatten();
        Medium {
            fidelity,
            bias,
            observers,
            nodes,
            direct_rows,
            w: Planes::new(&ctx.w),
            direct_blocks,
            wa,
            rotation,
            gamma: Gamma::new(l, 1.0).expect("L >= 1"),
            spare: Vec::new(),
        }
    }

    /// The fidelity.
    pub fn fidelity(&self) -> Fidelity {
        self.fidelity
    }

    /// The biasing law, if target-free frames are importance-sampled.
    pub fn bias(&self) -> Option<&BiasLaw> {
        self.bias.as_ref()
    }

    /// Draws frame `frame`: symbols (at sample level from a [`NoiseRng`] keyed
    /// by the frame's stream), then target presence (probability
    /// `p_target`) and gains, or the biasing component of a target-free frame;
    /// at statistic level also every observer's noise generators.
    pub fn draw_frame(&self, ctx: &DropCtx, frame: u64, p_target: f64) -> FrameTruth {
        let mut truth = FrameTruth::empty();
        self.draw_into(ctx, frame, p_target, &mut truth);
        truth
    }

    /// [`Medium::draw_frame`] into the buffers of a frame handed back with
    /// [`Medium::recycle`], if any (the same draws: only allocations differ).
    /// Boxed, so that the frame's truth stays where it is drawn: a frame is
    /// a few hundred bytes, and moving it through the world's calls was a
    /// measurable part of a statistic-level frame.
    pub fn draw_frame_recycled(
        &mut self,
        ctx: &DropCtx,
        frame: u64,
        p_target: f64,
    ) -> Box<FrameTruth> {
        let mut truth = self
            .spare
            .pop()
            .unwrap_or_else(|| Box::new(FrameTruth::empty()));
        self.draw_into(ctx, frame, p_target, &mut truth);
        truth
    }

    /// Keeps a finished frame (up to eight) for the next
    /// [`Medium::draw_frame_recycled`] to draw into.
    pub fn recycle(&mut self, truth: Box<FrameTruth>) {
        if self.spare.len() < 8 {
            self.spare.push(truth);
        }
    }

    /// Draws frame `frame` into `truth`, reusing its buffers (its symbols
    /// too, unless someone still holds them). Every field is overwritten.
    fn draw_into(&self, ctx: &DropCtx, frame: u64, p_target: f64, truth: &mut FrameTruth) {
        let mut rng = ctx.stream(STREAM_SYMBOLS, &[frame]);
        let beams = ctx.w.ncols();
        let l = ctx.frame_symbols();
        let nodes = ctx.scene.nodes();
        let zero = C64::new(0.0, 0.0);
        if Arc::get_mut(&mut truth.symbols).is_none() {
            truth.symbols = FrameTruth::no_symbols();
        }
        let symbols = Arc::get_mut(&mut truth.symbols).expect("held only here");
        let direct = &mut truth.direct;
        direct.clear();
        match self.fidelity {
            Fidelity::Sample => {
                let s = cn_matrix_fast(&mut NoiseRng::from_rng(&mut rng), beams, l, 1.0);
                *symbols = self.frame_symbols(&s);
                truth.s = Some(s);
            }
            Fidelity::Statistic => {
                self.summary(ctx, &mut rng, symbols, &mut truth.planes);
                truth.s = None;
            }
        }
        if self.fidelity == Fidelity::Statistic {
            // Each observing RAP's direct-path projections, for its
            // observation (the medium) and its centralized term (the CC).
            direct.resize(nodes, (zero, zero));
            symbols.direct_b.resize(nodes, zero);
            if let Some((rows, raps)) = &self.direct_rows {
                let (re, im) = &mut truth.planes;
                rows.mul_vec_into(symbols.xu.as_slice(), re, im);
                for (k, &r) in raps.iter().enumerate() {
                    let (b, q) = (2 * k, 2 * k + 1);
                    let db = C64::new(re[b], im[b]);
                    direct[r] = (db, C64::new(re[q], im[q]));
                    symbols.direct_b[r] = db;
                }
            }
        }
        let target = rng.random::<f64>() < p_target;
        let model = ctx.params.sensing.target;
        let alpha = &mut truth.alpha;
        alpha.clear();
        truth.component = if target {
            let var = ctx.scene.alpha_var.iter();
            alpha.extend(var.map(|&v| draw_alpha(model, v, &mut rng)));
            0
        } else {
            alpha.resize(nodes, zero);
            self.bias.as_ref().map_or(0, |b| b.draw(&mut rng))
        };
        truth.target = target;
        truth.direct_samples = (truth.s.as_ref())
            .zip(self.direct_blocks.as_ref())
            .map(|(s, (blocks, _))| blocks * re_im(s));
        truth.noise.clear();
        truth.noise.resize(nodes, None);
        let sigma_nu = (ctx.noise_w() * symbols.u_norm2).sqrt();
        truth.sigma_nu = sigma_nu;
        if self.fidelity == Fidelity::Statistic {
            let scale = self.scale(truth.component);
            for &n in &self.observers {
                let g = &self.nodes[n.index()];
                let g1 = cn(&mut rng, 1.0) * scale;
                let g2 = cn(&mut rng, 1.0) * scale;
                let dq = truth.direct[n.index()].1;
                let gens = Self::generators(g, g1, g2, sigma_nu, dq);
                truth.noise[n.index()] = Some(gens);
            }
        }
    }

    fn scale(&self, component: usize) -> f64 {
        self.bias
            .as_ref()
            .map_or(1.0, |b| b.scale(component))
            .sqrt()
    }

    /// `u = S^T conj(W^H a)`, `v = S conj(u)`, `X conj(u) = W v`: no X.
    fn frame_symbols(&self, s: &CMat) -> FrameSymbols {
        let u = s.transpose() * self.wa.conjugate();
        let v = mul_conj_vec(s, &u);
        FrameSymbols {
            xu: self.w.mul_vec(&v),
            u_norm2: u.norm_squared(),
            u: Some(u),
            direct_b: Vec::new(),
        }
    }

    /// Statistic level: `(v, ||u||^2)` from their exact joint law. With
    /// `w^ = W^H a` (so that `conj(u) = S^H w^`) and U unitary with
    /// `U e1 = w^ / ||w^||`,
    /// `S S^H = U T T^H U^H` in law (Bartlett: T lower triangular,
    /// `T11^2 ~ Gamma(L, 1)`, `T_i1 ~ CN(0, 1)`), so
    /// `v = S S^H w^ = ||w^|| T11 U (T11, T21, .., T_K+1,1)` and
    /// `||u||^2 = ||w^||^2 T11^2`. Written into `symbols` (its `xu`
    /// reused), their direct-path parts cleared.
    fn summary(
        &self,
        ctx: &DropCtx,
        rng: &mut impl rand::Rng,
        symbols: &mut FrameSymbols,
        (re, im): &mut (Vec<f64>, Vec<f64>),
    ) {
        let k1 = ctx.w.ncols();
        let t11 = self.gamma.sample(rng).sqrt();
        let mut t = CVec::zeros(k1);
        t[0] = C64::new(t11, 0.0);
        for i in 1..k1 {
            t[i] = cn(rng, 1.0);
        }
        let (phase, hv, norm) = &self.rotation;
        let vv = hv.norm_squared();
        if vv > 0.0 {
            let c = dotc(hv.as_slice(), t.as_slice()) * (2.0 / vv);
            t.axpy(-c, hv, C64::new(1.0, 0.0));
        }
        let mut v = t;
        v *= *phase * *norm * t11;
        self.w.mul_vec_into(v.as_slice(), re, im);
        let m = self.w.rows();
        let xu = &mut symbols.xu;
        if xu.len() != m {
            *xu = CVec::zeros(m);
        }
        for ((x, &r), &i) in xu.iter_mut().zip(re.iter()).zip(im.iter()) {
            *x = C64::new(r, i);
        }
        symbols.u_norm2 = norm * norm * t11 * t11;
        symbols.u = None;
        symbols.direct_b.clear();
    }

    /// A node's generators and residual given the frame's noise scale
    /// `sigma_nu = sigma ||u||` and its direct path's projection
    /// `dq = q_r^H G_r X conj(u)`.
    fn generators(g: &NodeGeometry, g1: C64, g2: C64, sigma_nu: f64, dq: C64) -> Generators {
        let mu = match &g.gq {
            Some(_) if !g.cancels => dq / (sigma_nu * g.q_norm),
            _ => C64::new(0.0, 0.0),
        };
        Generators {
            g1,
            g2,
            h: g.c1.conj() * g1 + g2 * g.c2,
            mu,
        }
    }

    /// What `node` observes of the frame; records its noise generators in
    /// `truth`.
    pub fn observe(
        &self,
        ctx: &DropCtx,
        frame: u64,
        node: NodeId,
        truth: &mut FrameTruth,
    ) -> Observation {
        let r = node.index();
        let g = &self.nodes[r];
        let sym = &truth.symbols;
        let alpha = truth.alpha[r];
        match (self.fidelity, &truth.s) {
            (Fidelity::Sample, Some(s)) => {
                let u = sym.u.as_ref().expect("sample-level symbols carry u");
                let (rows, l) = (ctx.scene.b[r].len(), s.ncols());
                let mut rng = ctx.noise(STREAM_NOISE, &[frame, r as u64]);
                let mut z = cn_matrix_fast(&mut rng, rows, l, ctx.noise_w());
                let sigma_nu = truth.sigma_nu;
                // Noise projections n = N conj(u) onto e1, e2 (units of sigma ||u||).
                let n = mul_conj_vec(&z, u);
                let g1 = dotc(g.e1.as_slice(), n.as_slice()) / sigma_nu;
                let g2 = g.e2.as_ref().map_or(C64::new(0.0, 0.0), |e2| {
                    dotc(e2.as_slice(), n.as_slice()) / sigma_nu
                });
                let scale = self.scale(truth.component);
                if scale != 1.0 {
                    // N += (sqrt(s) - 1) P N c c^H, c = conj(u) / ||u||,
                    // P the projector onto span(e1, e2).
                    let mut pn = &g.e1 * (g1 * sigma_nu);
                    if let Some(e2) = &g.e2 {
                        pn += e2 * (g2 * sigma_nu);
                    }
                    let k = (scale - 1.0) / sym.u_norm2;
                    add_rank_one(&mut z, C64::new(k, 0.0), &pn, u);
                }
                let first = (self.direct_blocks.as_ref()).and_then(|(_, first)| first[r]);
                if let (Some(at), Some(direct)) = (first, &truth.direct_samples) {
                    let total = direct.nrows();
                    let cols = direct.as_slice().chunks_exact(total);
                    for (zc, dc) in z.as_mut_slice().chunks_exact_mut(rows).zip(cols) {
                        let (re, im) = dc[at..at + 2 * rows].split_at(rows);
                        for ((v, &x), &y) in zc.iter_mut().zip(re).zip(im) {
                            v.re += x;
                            v.im += y;
                        }
                    }
                }
                if truth.target {
                    add_rank_one(&mut z, alpha, &ctx.scene.b[r], u);
                }
                let dq = g.gq.as_ref().map_or(C64::new(0.0, 0.0), |gq| {
                    dotc(gq.as_slice(), sym.xu.as_slice())
                });
                let gens = Self::generators(g, g1 * scale, g2 * scale, sigma_nu, dq);
                truth.noise[r] = Some(gens);
                Observation::Samples(z)
            }
            _ => {
                let gens =
                    truth.noise[r].expect("statistic-level generators are drawn at frame start");
                let sigma_nu = truth.sigma_nu;
                let (db, dq) = truth.direct[r];
                let b = &ctx.scene.b[r];
                let y_b = alpha * (g.b_norm * g.b_norm * sym.u_norm2)
                    + db
                    + gens.g1 * (sigma_nu * g.b_norm);
                let y_q = alpha * g.qb * sym.u_norm2 + dq + gens.h * (sigma_nu * g.q_norm);
                Observation::Projected {
                    y_b,
                    y_q,
                    rows: b.len() as u32,
                    cols: ctx.frame_symbols() as u32,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{NetParams, PointSpec, drop_ctx};
    use crate::params::Params;

    /// Drop `drop` of the paper's system and its medium at `fidelity`, with
    /// every node observing.
    fn paper_medium(drop: u64, fidelity: Fidelity) -> (Arc<DropCtx>, Medium) {
        let spec = PointSpec::new(&Params::paper(), &NetParams::default(), 1, 1);
        let ctx = drop_ctx(&spec, drop).unwrap().unwrap();
        let observers: Vec<NodeId> = (0..ctx.scene.nodes()).map(NodeId::from_index).collect();
        let medium = Medium::new(&ctx, fidelity, None, observers);
        (ctx, medium)
    }

    /// The stacked direct-path product gives each RAP exactly what its own
    /// product `(G_r W) S` gives, bit for bit, and in the right rows.
    #[test]
    fn stacked_direct_paths_equal_each_rap_alone() {
        let (ctx, medium) = paper_medium(0, Fidelity::Sample);
        let truth = medium.draw_frame(&ctx, 3, 0.5);
        let (s, direct) = (
            truth.s.as_ref().unwrap(),
            truth.direct_samples.as_ref().unwrap(),
        );
        let ss = re_im(s);
        let first = &medium.direct_blocks.as_ref().unwrap().1;
        for (r, at) in first.iter().enumerate().skip(1) {
            let alone = real_block(&ctx.direct[r - 1]) * &ss;
            let at = at.expect("every RAP observes");
            assert_eq!(direct.rows(at, alone.nrows()), alone, "RAP {r}");
        }
        assert_eq!(first[0], None);
    }

    /// `E[X conj(u)] = W E[S S^H] W^H a = L W W^H a` at both fidelities. (The
    /// statistic level once rotated its Bartlett draw onto `conj(W^H a)`,
    /// whose mean `L W conj(W^H a)` is another vector; with equal power on
    /// every beam, as here, `W^H a` is far from real.)
    #[test]
    fn both_fidelities_give_x_conj_u_the_same_mean() {
        let mut p = Params::paper();
        p.system.raps = 1;
        let spec = PointSpec::new(&p, &NetParams::default(), 1, 1);
        let lp = drop_ctx(&spec, 2).unwrap().unwrap();
        let k1 = p.system.users + 1;
        let w = lp.scene.precoder(&nalgebra::DVector::from_element(
            k1,
            p.power.pmax_w / k1 as f64,
        ));
        let ctx = DropCtx::new(
            lp.id,
            lp.seed,
            lp.common,
            lp.params.clone(),
            lp.scene.clone(),
            w,
        );
        let l = ctx.frame_symbols() as f64;
        let wa = ctx.w.adjoint() * &ctx.scene.a;
        let want = &ctx.w * &wa * C64::new(l, 0.0);
        let other = &ctx.w * wa.conjugate() * C64::new(l, 0.0);
        assert!(
            (&other - &want).norm() > 0.5 * want.norm(),
            "W^H a nearly real"
        );
        for fidelity in [Fidelity::Sample, Fidelity::Statistic] {
            let medium = Medium::new(&ctx, fidelity, None, Vec::new());
            let n = 4000;
            let mut mean = CVec::zeros(want.len());
            for f in 0..n {
                mean += &medium.draw_frame(&ctx, f, 0.0).symbols.xu;
            }
            mean.unscale_mut(n as f64);
            let err = (&mean - &want).norm() / want.norm();
            // One frame's relative spread is about sqrt((K + 1) / L) = 0.55.
            assert!(err < 0.05, "{fidelity:?}: relative error of the mean {err}");
        }
    }

    /// The RAPs' direct-path parts the medium hands the CC with the symbols
    /// are the CC's own `conj(G_r^H b_r) . X conj(u)`, bit for bit (so the
    /// CC's centralized terms are unchanged by taking them).
    #[test]
    fn shared_direct_parts_are_the_ccs_dot_products() {
        let (ctx, medium) = paper_medium(1, Fidelity::Statistic);
        for f in 0..5 {
            let truth = medium.draw_frame(&ctx, f, 0.5);
            let sym = &truth.symbols;
            assert_eq!(sym.direct_b.len(), ctx.scene.nodes());
            assert_eq!(sym.direct_b[0], C64::new(0.0, 0.0));
            for r in 1..ctx.scene.nodes() {
                let gb = ad_mul_vec(&ctx.scene.g[r - 1], &ctx.scene.b[r]);
                let want = dotc(gb.as_slice(), sym.xu.as_slice());
                assert_eq!(sym.direct_b[r], want, "frame {f}, RAP {r}");
            }
        }
        let sample = Medium::new(&ctx, Fidelity::Sample, None, Vec::new());
        assert!(sample.draw_frame(&ctx, 0, 0.5).symbols.direct_b.is_empty());
    }
}
