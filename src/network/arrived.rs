//! The exact Pd and Pfa of what actually reached the CC: for each frame, the
//! exact Pd (target frames) or Pfa (target-free frames) of the CC's fusion
//! over the reports it fused (which nodes, soft or bit, from samples or a
//! local statistic), averaged over frames. Under any links this is what the
//! simulated rates must match: fusion emerges from the links, and these
//! columns follow it frame by frame.

use crate::analytic::{Gram, LinkBudget, Report, local_pd, mixed_glrt_pd};
use crate::design::NodeDesign;
use crate::fusion::{mixed_sf, mixed_threshold};
use crate::node::{CcFusion, Fused, Source};
use crate::radio::TargetModel;
use crate::special::poisson_binomial_sf;
use rustc_hash::FxHashMap;

/// Exact Pd per mix of fused reports, each mix computed once per drop.
#[derive(Debug)]
pub struct ArrivedPd {
    budget: LinkBudget,
    design: NodeDesign,
    pfa: f64,
    fusion: CcFusion,
    target: TargetModel,
    cache: FxHashMap<MixKey, f64>,
    pfa_cache: FxHashMap<MixKey, f64>,
}

impl ArrivedPd {
    /// For a drop with link budget `budget`, design-level local design
    /// `design` at fused target `pfa`.
    pub fn new(
        budget: LinkBudget,
        design: NodeDesign,
        pfa: f64,
        fusion: CcFusion,
        target: TargetModel,
    ) -> Self {
        ArrivedPd {
            budget,
            design,
            pfa,
            fusion,
            target,
            cache: FxHashMap::default(),
            pfa_cache: FxHashMap::default(),
        }
    }

    /// The exact Pd of fusing `fused`.
    pub fn pd(&mut self, fused: &[Fused]) -> f64 {
        let key = MixKey::of(fused);
        if let Some(&pd) = self.cache.get(&key) {
            return pd;
        }
        let pd = self.compute(&mix(fused));
        self.cache.insert(key, pd);
        pd
    }

    /// The exact false-alarm probability of fusing `fused` with every local
    /// detector at its designed level q (exact null laws): the GLRT's mixed
    /// statistic above its threshold (which meets the target unless bits
    /// make the law discrete), or at least kappa of n votes.
    pub fn pfa(&mut self, fused: &[Fused]) -> f64 {
        let key = MixKey::of(fused);
        if let Some(&p) = self.pfa_cache.get(&key) {
            return p;
        }
        let mix = mix(fused);
        let q = self.design.q;
        let n = mix.len();
        let bits = mix.iter().filter(|(_, k)| *k >= 2).count();
        let p = match self.fusion {
            CcFusion::Glrt => {
                let th = mixed_threshold(n - bits, bits, q, self.pfa);
                if th.is_finite() {
                    mixed_sf(n - bits, bits, q, th)
                } else {
                    0.0
                }
            }
            CcFusion::Vote(_) if n == 0 => 0.0,
            CcFusion::Vote(_) => poisson_binomial_sf(&vec![q; n], self.design.kappa(n)),
        };
        self.pfa_cache.insert(key, p);
        p
    }

    fn compute(&self, mix: &[(u32, u8)]) -> f64 {
        let (b, d) = (&self.budget, &self.design);
        let gram = Gram::Random(32);
        match self.fusion {
            CcFusion::Glrt => {
                let reports: Vec<(usize, Report)> = mix
                    .iter()
                    .map(|&(r, k)| {
                        let kind = match k {
                            0 => Report::Samples,
                            1 => Report::Statistic,
                            _ => Report::Bit,
                        };
                        (r as usize, kind)
                    })
                    .collect();
                let bits = reports.iter().filter(|(_, k)| *k == Report::Bit).count();
                let th = mixed_threshold(reports.len() - bits, bits, d.q, self.pfa);
                if !th.is_finite() {
                    return 0.0;
                }
                mixed_glrt_pd(b, &reports, d.q, th, self.target, gram)
            }
            CcFusion::Vote(_) => {
                let n = mix.len();
                if n == 0 {
                    return 0.0;
                }
                let kappa = d.kappa(n);
                gram.expect(b.frame_symbols, |g| {
                    let pds: Vec<f64> = mix
                        .iter()
                        .map(|&(r, k)| {
                            let r = r as usize;
                            let snr = if k % 2 == 0 {
                                b.snr_central(r, g)
                            } else {
                                b.snr_local(r, g)
                            };
                            local_pd(snr, d.q, self.target)
                        })
                        .collect();
                    poisson_binomial_sf(&pds, kappa)
                })
            }
        }
    }
}

/// The kind of a fused report: 0/1 soft from samples or a statistic, 2/3 a
/// bit from either.
fn kind(f: &Fused) -> u8 {
    match (f.as_bit, f.source) {
        (false, Source::Central) => 0,
        (false, Source::Local) => 1,
        (true, Source::Central) => 2,
        (true, Source::Local) => 3,
    }
}

/// A mix: (node, kind) sorted.
fn mix(fused: &[Fused]) -> Vec<(u32, u8)> {
    let mut key: Vec<(u32, u8)> = fused.iter().map(|f| (f.node.0, kind(f))).collect();
    key.sort_unstable();
    key
}

/// The cache key of a mix, without allocating when it can: with nodes below
/// 32, each reporting once, four bits per node (`1 + kind`, 0 for absent)
/// in one `u128`, independent of arrival order; else the sorted mix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum MixKey {
    Packed(u128),
    Listed(Vec<(u32, u8)>),
}

impl MixKey {
    fn of(fused: &[Fused]) -> Self {
        let mut packed = 0u128;
        for f in fused {
            let shift = 4 * f.node.0;
            if f.node.0 >= 32 || (packed >> shift) & 0xf != 0 {
                return MixKey::Listed(mix(fused));
            }
            packed |= u128::from(1 + kind(f)) << shift;
        }
        MixKey::Packed(packed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::NodeId;

    fn fused(node: u32, source: Source, as_bit: bool) -> Fused {
        Fused {
            node: NodeId(node),
            source,
            statistic: 1.0,
            as_bit,
        }
    }

    /// Two mixes share a key exactly when they have the same sorted mix.
    #[test]
    fn mix_keys_identify_mixes_whatever_the_order() {
        let a = [
            fused(3, Source::Local, true),
            fused(0, Source::Central, false),
            fused(31, Source::Local, false),
        ];
        let mut b = a;
        b.reverse();
        assert_eq!(MixKey::of(&a), MixKey::of(&b));
        assert!(matches!(MixKey::of(&a), MixKey::Packed(_)));
        let mut c = a;
        c[0].source = Source::Central;
        assert_ne!(MixKey::of(&a), MixKey::of(&c));
        assert_ne!(MixKey::of(&a), MixKey::of(&a[..2]));
        assert_ne!(MixKey::of(&[]), MixKey::of(&a[..1]));
        // Beyond 32 nodes, or a node twice: the sorted list.
        let big = [
            fused(40, Source::Local, false),
            fused(2, Source::Local, true),
        ];
        assert_eq!(MixKey::of(&big), MixKey::Listed(mix(&big)));
        let twice = [fused(2, Source::Local, true), fused(2, Source::Local, true)];
        assert_eq!(MixKey::of(&twice), MixKey::Listed(mix(&twice)));
    }
}
