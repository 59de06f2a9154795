//! The exact Pd of what actually reached the CC: for each target frame, the
//! exact Pd of the CC's fusion over the reports it fused (which nodes, soft
//! or bit, from samples or a local statistic), averaged over frames. Under
//! any links this is what the simulated Pd must match: fusion emerges from
//! the links, and this column follows it frame by frame.

use crate::analytic::{Gram, LinkBudget, Report, local_pd, mixed_glrt_pd};
use crate::design::NodeDesign;
use crate::fusion::mixed_threshold;
use crate::node::{CcFusion, Fused, Source};
use crate::radio::TargetModel;
use crate::special::poisson_binomial_sf;
use std::collections::HashMap;

/// Exact Pd per mix of fused reports, each mix computed once per drop.
#[derive(Debug)]
pub struct ArrivedPd {
    budget: LinkBudget,
    design: NodeDesign,
    pfa: f64,
    fusion: CcFusion,
    target: TargetModel,
    cache: HashMap<Vec<(u32, u8)>, f64>,
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
            cache: HashMap::new(),
        }
    }

    /// The exact Pd of fusing `fused`.
    pub fn pd(&mut self, fused: &[Fused]) -> f64 {
        let mut key: Vec<(u32, u8)> = fused
            .iter()
            .map(|f| {
                let kind = match (f.as_bit, f.source) {
                    (false, Source::Central) => 0,
                    (false, Source::Local) => 1,
                    (true, Source::Central) => 2,
                    (true, Source::Local) => 3,
                };
                (f.node.0, kind)
            })
            .collect();
        key.sort_unstable();
        if let Some(&pd) = self.cache.get(&key) {
            return pd;
        }
        let pd = self.compute(&key);
        self.cache.insert(key, pd);
        pd
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
