//! Importance sampling of target-free frames, for false-alarm rates far below
//! what direct counting can reach (1e-5 to 1e-7 and beyond).
//!
//! **The biasing law.** Each noise generator that reaches a detector is a
//! standard complex Gaussian: per node, `g1 = e1^H n / (sigma ||u||)` along the
//! receive steering vector (the CC's centralized term is `|g1|^2` under H0)
//! and `g2` along the part of the node's spatial filter q orthogonal to it
//! (the local statistic's noise is `h = conj(c1) g1 + c2 g2`, a unit-norm
//! combination). A target-free frame draws a component c from a defensive
//! mixture `pi_0 P + sum_j pi_j Q_j` and multiplies every generator of every
//! node by `sqrt(s_c)`: under `Q_j` every unit-norm combination is
//! `CN(0, s_j)`, so `|y|^2` is Exp(s_j), an exponential twist of Exp(1) that
//! pushes the fused statistic toward a threshold. Component j is designed
//! for level `alpha_j = alpha_lo 100^j` (up to 0.1), from the drop's nominal
//! report mix: `s_j = t_j / m` for m soft reports (the Gamma(m) tail's twist),
//! `s_j = tau_j / ln(1 / p')`, `p' = min(k/b, 1 - 1/(2b))` for k-of-b votes,
//! and the root of `m s + b tau e^{-tau/s} = t_mix` for a mix. `pi_0 = 0.1`
//! bounds every weight by 10.
//!
//! **The weight** belongs to the frame's truth, never to a message: it is
//! the likelihood ratio of what the CC actually fused, `p(Y) / q(Y)` for the
//! reports Y that arrived (a Rao-Blackwellisation of the full ratio over all
//! generators, which is unbiased and has lower variance). A soft report
//! enters through its noise `|y|^2`; a bit through the bit alone,
//! `P_j(B) / P(B)`, with `P(B = 1) = Q1(sqrt(2|mu|^2 / s), sqrt(2 tau / s))`
//! for a local statistic with direct-path residual mu. Lost reports enter not
//! at all. `log w = -LSE(ln pi_0, ln pi_j + lambda_j)`.

use crate::special::{gamma_isf_int, marcum_q};
use rand::{Rng, RngExt};

/// Weight of the plain law P in the mixture: every weight is at most `1 / PI0`.
pub const PI0: f64 = 0.1;

/// Below this `|mu|^2` a bit's residual is treated as zero (its probabilities
/// then have a closed form); the relative error of the weight is of order
/// `|mu|^2`.
const MU2_NEGLIGIBLE: f64 = 1e-9;

/// One component of the mixture: every generator scaled by `sqrt(s)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Component {
    /// The variance scale s (>= 1).
    pub s: f64,
    /// `ln pi_j`.
    ln_pi: f64,
    /// `ln s`.
    ln_s: f64,
}

/// The nominal report mix a law is designed for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Nominal {
    /// The GLRT over `soft` soft reports and `bits` bits.
    Glrt {
        /// Soft reports (samples or statistics).
        soft: usize,
        /// One-bit reports.
        bits: usize,
    },
    /// A vote over `bits` voters (the count threshold is each level's).
    Vote {
        /// Voters.
        bits: usize,
    },
}

/// One level's design as the law needs it: the per-node threshold tau and the
/// fused threshold of the nominal mix (for a vote, the count kappa).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelDesign {
    /// The fused false-alarm target.
    pub alpha: f64,
    /// Per-node threshold `-ln q`.
    pub tau: f64,
    /// Per-node false-alarm rate.
    pub q: f64,
    /// The nominal mix's fused threshold (GLRT) or count (vote).
    pub threshold: f64,
}

/// The biasing law of a drop's target-free frames.
#[derive(Debug, Clone, PartialEq)]
pub struct BiasLaw {
    components: Vec<Component>,
    /// Per run level (see [`BiasLaw::with_levels`]): `(tau, zero terms)`.
    levels: Vec<(f64, Vec<f64>)>,
}

/// The log-ratio of a 0 bit without residual under component scale `s` at
/// per-node threshold `tau` and rate `q`: `ln(1 - e^{-tau/s}) - ln(1 - q)`.
fn zero_term(tau: f64, s: f64, q: f64) -> f64 {
    (-(-tau / s).exp_m1()).ln() - (-q).ln_1p()
}

impl BiasLaw {
    /// The law for `nominal`, with a component for each design in `levels`
    /// (from [`BiasLaw::component_levels`]).
    pub fn new(nominal: Nominal, levels: &[LevelDesign]) -> Self {
        let ln_pi = ((1.0 - PI0) / levels.len().max(1) as f64).ln();
        let components = levels
            .iter()
            .map(|l| {
                let s = scale(nominal, l).max(1.0);
                Component {
                    s,
                    ln_pi,
                    ln_s: s.ln(),
                }
            })
            .collect();
        BiasLaw {
            components,
            levels: Vec::new(),
        }
    }

    /// The law with the terms of the run's levels (per-node `(tau, q)`, in
    /// the order [`BiasLaw::weight_at`] names them) computed once.
    pub fn with_levels(mut self, levels: &[(f64, f64)]) -> Self {
        self.levels = levels
            .iter()
            .map(|&(tau, q)| {
                let zero = (self.components.iter())
                    .map(|c| zero_term(tau, c.s, q))
                    .collect();
                (tau, zero)
            })
            .collect();
        self
    }

    /// The levels its components are designed for: `alpha_lo 100^j` while at
    /// most 0.1 (at least one).
    pub fn component_levels(alpha_lo: f64) -> Vec<f64> {
        let mut out = vec![alpha_lo.min(0.1)];
        while let Some(&last) = out.last() {
            let next = last * 100.0;
            if next > 0.1 + 1e-12 {
                break;
            }
            out.push(next);
        }
        out
    }

    /// The components (P itself, component 0, is implicit).
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// Draws a component: 0 is P itself (scale 1), `j >= 1` is `Q_j`.
    pub fn draw(&self, rng: &mut impl Rng) -> usize {
        let u: f64 = rng.random();
        if u < PI0 || self.components.is_empty() {
            return 0;
        }
        let j = ((u - PI0) / (1.0 - PI0) * self.components.len() as f64) as usize;
        1 + j.min(self.components.len() - 1)
    }

    /// The variance scale of component `c` (1 for P).
    pub fn scale(&self, c: usize) -> f64 {
        if c == 0 {
            1.0
        } else {
            self.components[c - 1].s
        }
    }

    /// The weight `p(Y) / q(Y)` of what was fused: soft reports by the
    /// squared magnitudes of their noise, bits at per-node threshold `tau`
    /// (rate `q`) with their residuals.
    pub fn weight(&self, soft: &[f64], bits: &[FusedBit], tau: f64, q: f64) -> f64 {
        let zero: Vec<f64> = (self.components.iter())
            .map(|c| zero_term(tau, c.s, q))
            .collect();
        self.weight_with(soft, bits, tau, &zero)
    }

    /// [`BiasLaw::weight`] at the run's level `level` (of
    /// [`BiasLaw::with_levels`]), with its terms computed once.
    pub fn weight_at(&self, level: usize, soft: &[f64], bits: &[FusedBit]) -> f64 {
        let (tau, zero) = &self.levels[level];
        self.weight_with(soft, bits, *tau, zero)
    }

    fn weight_with(&self, soft: &[f64], bits: &[FusedBit], tau: f64, zero: &[f64]) -> f64 {
        if soft.is_empty() && bits.is_empty() {
            return 1.0;
        }
        let x: f64 = soft.iter().sum();
        let m = soft.len() as f64;
        // Bits with a negligible residual share their terms.
        let (mut ones, mut zeros) = (0.0, 0.0);
        for b in bits.iter().filter(|b| b.mu2 < MU2_NEGLIGIBLE) {
            if b.bit {
                ones += 1.0;
            } else {
                zeros += 1.0;
            }
        }
        // Bits with a residual: their law under P once, under each Q_j below.
        let residual: Vec<(FusedBit, f64)> = bits
            .iter()
            .filter(|b| b.mu2 >= MU2_NEGLIGIBLE)
            .map(|&b| {
                let (p1, p0) = bit_law(b.mu2, tau, 1.0);
                (b, if b.bit { p1.ln() } else { p0.ln() })
            })
            .collect();
        let mut top = PI0.ln();
        let n = self.components.len();
        let (mut stack, mut heap) = ([0.0f64; 16], Vec::new());
        let terms: &mut [f64] = if n <= stack.len() {
            &mut stack[..n]
        } else {
            heap.resize(n, 0.0);
            &mut heap
        };
        for (j, (c, z)) in self.components.iter().zip(zero).enumerate() {
            let a = 1.0 - 1.0 / c.s;
            let mut lambda = a * x - m * c.ln_s;
            if ones > 0.0 {
                lambda += ones * tau * a;
            }
            if zeros > 0.0 {
                lambda += zeros * z;
            }
            for &(b, ln_p) in &residual {
                let (q1, q0) = bit_law(b.mu2, tau, c.s);
                lambda += if b.bit { q1.ln() } else { q0.ln() } - ln_p;
            }
            terms[j] = c.ln_pi + lambda;
            top = top.max(terms[j]);
        }
        let sum = (PI0.ln() - top).exp() + terms.iter().map(|t| (t - top).exp()).sum::<f64>();
        (-(top + sum.ln())).exp()
    }
}

/// A bit the CC fused, for the weight: its value and the squared direct-path
/// residual of the statistic behind it (0 for the CC's centralized term).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FusedBit {
    /// The bit.
    pub bit: bool,
    /// `|mu|^2`.
    pub mu2: f64,
}

/// `(P(|mu + z|^2 > tau), P(|mu + z|^2 <= tau))` for `z ~ CN(0, s)`: with
/// `lambda = |mu|^2 / s` and `t = tau / s`, `Q1(sqrt(2 lambda), sqrt(2 t))`.
/// For `lambda max(t, 1) < 1e-4` the Poisson mixture's expansion to second
/// order, `e^-t (1 + lambda t + lambda^2 (t^2 / 4 - t / 2))`, is used (the
/// third-order terms are below 1e-12 relative there), else Marcum Q.
fn bit_law(mu2: f64, tau: f64, s: f64) -> (f64, f64) {
    let (lambda, t) = (mu2 / s, tau / s);
    let x = lambda * t;
    if lambda * t.max(1.0) < 1e-4 {
        let e = (-t).exp();
        let d = x + 0.25 * x * x - 0.5 * lambda * x;
        let p1 = e * (1.0 + d);
        let p0 = (-(-t).exp_m1() - e * d).max(f64::MIN_POSITIVE);
        return (p1, p0);
    }
    let p1 = marcum_q(1, (2.0 * lambda).sqrt(), (2.0 * t).sqrt());
    (p1, (1.0 - p1).max(f64::MIN_POSITIVE))
}

/// The twist of one level for the nominal mix.
fn scale(nominal: Nominal, l: &LevelDesign) -> f64 {
    match nominal {
        Nominal::Glrt { soft, bits: 0 } if soft > 0 => {
            gamma_isf_int(soft as u32, l.alpha) / soft as f64
        }
        Nominal::Glrt { soft: 0, bits } | Nominal::Vote { bits, .. } if bits > 0 => {
            let kappa = match nominal {
                Nominal::Vote { .. } => l.threshold.round().max(1.0) as usize,
                _ => ((l.threshold / l.tau) + 0.5).round().max(1.0) as usize,
            };
            let b = bits as f64;
            let p = (kappa as f64 / b).min(1.0 - 0.5 / b);
            l.tau / (1.0 / p).ln()
        }
        Nominal::Glrt { soft, bits } if soft > 0 && bits > 0 => {
            let (m, b, tau, t) = (soft as f64, bits as f64, l.tau, l.threshold);
            let lhs = |s: f64| m * s + b * tau * (-tau / s).exp();
            if lhs(1.0) >= t || !t.is_finite() {
                return 1.0;
            }
            let (mut lo, mut hi) = (1.0, 2.0);
            while lhs(hi) < t {
                lo = hi;
                hi *= 2.0;
            }
            for _ in 0..100 {
                let mid = 0.5 * (lo + hi);
                if lhs(mid) < t {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            0.5 * (lo + hi)
        }
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fusion::{mixed_threshold, node_pfa_for_fused};

    const LEVELS: [f64; 4] = [1e-7, 1e-5, 1e-3, 1e-1];

    fn glrt_levels(n: usize) -> Vec<LevelDesign> {
        LEVELS
            .iter()
            .map(|&alpha| LevelDesign {
                alpha,
                tau: 0.0,
                q: 0.0,
                threshold: gamma_isf_int(n as u32, alpha),
            })
            .collect()
    }

    fn scales(law: &BiasLaw) -> Vec<f64> {
        law.components().iter().map(|c| c.s).collect()
    }

    /// Equal to the prototype's printed values (3 decimals, or 2 for the
    /// 11-of-11 row).
    fn close(got: Vec<f64>, want: [f64; 4]) {
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= 5.01e-3, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn component_levels_step_by_two_decades_up_to_a_tenth() {
        assert_eq!(BiasLaw::component_levels(1e-7).len(), 4);
        assert_eq!(BiasLaw::component_levels(1e-6).len(), 3);
        assert_eq!(BiasLaw::component_levels(0.5), [0.1]);
    }

    #[test]
    fn scales_match_the_prototype() {
        // Reference values of the design study (Python prototype, docs/validation.md).
        let law = |n| BiasLaw::new(Nominal::Glrt { soft: n, bits: 0 }, &glrt_levels(n));
        close(scales(&law(1)), [16.118, 11.513, 6.908, 2.303]);
        close(scales(&law(11)), [3.416, 2.834, 2.194, 1.401]);
        close(scales(&law(101)), [1.606, 1.482, 1.336, 1.129]);
        let vote = |n: usize, k: usize| {
            let levels: Vec<LevelDesign> = LEVELS
                .iter()
                .map(|&alpha| {
                    let q = node_pfa_for_fused(n, k, alpha);
                    LevelDesign {
                        alpha,
                        tau: -q.ln(),
                        q,
                        threshold: k as f64,
                    }
                })
                .collect();
            scales(&BiasLaw::new(Nominal::Vote { bits: n }, &levels))
        };
        close(vote(11, 1), [7.722, 5.801, 3.881, 1.94]);
        close(vote(11, 2), [5.903, 4.551, 3.194, 1.764]);
        close(vote(11, 11), [31.50, 22.50, 13.50, 4.50]);
        close(vote(101, 1), [4.492, 3.495, 2.497, 1.488]);
        let mixed = |soft: usize, bits: usize| {
            let levels: Vec<LevelDesign> = LEVELS
                .iter()
                .map(|&alpha| {
                    let q = node_pfa_for_fused(soft + bits, 1, alpha);
                    LevelDesign {
                        alpha,
                        tau: -q.ln(),
                        q,
                        threshold: mixed_threshold(soft, bits, q, alpha),
                    }
                })
                .collect();
            scales(&BiasLaw::new(Nominal::Glrt { soft, bits }, &levels))
        };
        close(mixed(6, 5), [4.466, 3.541, 2.565, 1.468]);
        close(mixed(1, 10), [6.724, 5.052, 3.379, 1.690]);
        close(mixed(10, 1), [3.569, 2.941, 2.253, 1.412]);
    }

    #[test]
    fn weights_match_the_prototype_and_are_bounded() {
        let law = BiasLaw::new(Nominal::Glrt { soft: 11, bits: 0 }, &glrt_levels(11));
        // Eleven soft reports whose noise energies sum to X.
        let w = |x: f64| law.weight(&[x / 11.0; 11], &[], 0.0, 0.0);
        assert!((w(11.0) / 4.031990 - 1.0).abs() < 1e-6, "{}", w(11.0));
        assert!((w(40.0) / 8.955811e-7 - 1.0).abs() < 1e-6, "{}", w(40.0));
        for x in [0.0, 1.0, 5.0, 100.0] {
            assert!(w(x) <= 1.0 / PI0 + 1e-12);
        }
        assert_eq!(law.weight(&[], &[], 0.0, 0.0), 1.0);
    }

    #[test]
    fn small_residual_expansion_matches_marcum_q() {
        for (mu2, tau, sc) in [
            (1e-9, 11.5, 1.0),
            (1e-7, 11.5, 3.0),
            (3e-6, 25.0, 1.0),
            (4e-6, 23.0, 1.0),
            (1e-5, 2.0, 0.5),
        ] {
            let (p1, p0) = bit_law(mu2, tau, sc);
            let q = marcum_q(1, (2.0 * mu2 / sc).sqrt(), (2.0 * tau / sc).sqrt());
            assert!(
                (p1 / q - 1.0).abs() < 1e-12,
                "{mu2} {tau} {sc}: {p1} vs {q}"
            );
            assert!((p0 / (1.0 - q) - 1.0).abs() < 1e-12, "{p0} vs {}", 1.0 - q);
        }
    }

    #[test]
    fn a_bit_with_a_residual_is_weighted_by_its_noncentral_law() {
        // One bit, one component at s = 4: the weight of a fired bit is
        // p1 / (pi0 p1 + (1 - pi0) q1) with the noncentral chi-square tails.
        let levels = [LevelDesign {
            alpha: 1e-3,
            tau: -(1e-3f64).ln(),
            q: 1e-3,
            threshold: 1.0,
        }];
        let law = BiasLaw::new(Nominal::Vote { bits: 1 }, &levels);
        let s = law.scale(1);
        let (tau, mu2): (f64, f64) = (-(1e-3f64).ln(), 1.5);
        let p1 = marcum_q(1, (2.0 * mu2).sqrt(), (2.0 * tau).sqrt());
        let q1 = marcum_q(1, (2.0 * mu2 / s).sqrt(), (2.0 * tau / s).sqrt());
        let want = p1 / (PI0 * p1 + (1.0 - PI0) * q1);
        let got = law.weight(&[], &[FusedBit { bit: true, mu2 }], tau, 1e-3);
        assert!((got / want - 1.0).abs() < 1e-12, "{got} vs {want}");
        // With mu = 0 the closed form is used: e^{-tau/s} against q.
        let plain = law.weight(
            &[],
            &[FusedBit {
                bit: true,
                mu2: 0.0,
            }],
            tau,
            1e-3,
        );
        let want0 = 1e-3 / (PI0 * 1e-3 + (1.0 - PI0) * (-tau / s).exp());
        assert!((plain / want0 - 1.0).abs() < 1e-12);
    }
}
