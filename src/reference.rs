//! Reference evaluation without links: per drop, allocate power, then detect
//! frame by frame with the fusion named explicitly. This is the formula-level
//! oracle that the message-passing engine is checked against.

use crate::analytic::{Gram, LinkBudget, centralized, voting};
use crate::design::{NodePfa, design_nodes};
use crate::detect::{LocalDetector, glrt, glrt_threshold};
use crate::fusion::VotingRule;
use crate::params::{NodeSet, Params};
use crate::power::{Policy, allocate};
use crate::radio::{Frame, GeometryError, Scene};
use crate::rng::{STREAM_DROP, STREAM_FRAME, stream};
use serde::{Deserialize, Serialize};

/// How the CC combines what the nodes observed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fusion {
    /// The centralized GLRT over the nodes' samples (Sec. III).
    Centralized,
    /// Local decisions counted by `rule` (Sec. IV), with per-node thresholds
    /// designed by `node_pfa` ([`design_nodes`]): for the fused decision, or
    /// the target itself at every node, as the paper does.
    Voting {
        /// The counting rule.
        rule: VotingRule,
        /// How the per-node false-alarm rate is chosen.
        node_pfa: NodePfa,
    },
}

/// One curve of a figure: nodes, sensing symbol, power policy, fusion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scheme {
    /// Name in tables and plots.
    pub label: String,
    /// Nodes used.
    pub nodes: NodeSet,
    /// Whether s0 is transmitted.
    pub sensing_symbol: bool,
    /// Power allocation.
    pub policy: Policy,
    /// Fusion at the CC.
    pub fusion: Fusion,
}

/// Counts and analytic sums of one scheme over some drops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Drops evaluated.
    pub drops: u64,
    /// Drops whose SINR targets could not be met (excluded from every rate).
    pub infeasible: u64,
    /// Frames with a target.
    pub target_frames: u64,
    /// Of those, declared targets.
    pub detections: u64,
    /// Frames without a target.
    pub null_frames: u64,
    /// Of those, declared targets.
    pub false_alarms: u64,
    /// Sum over feasible drops of the analytic Pd as printed.
    pub pd_paper: f64,
    /// Sum over feasible drops of the corrected analytic Pd (for voting, eqs.
    /// (44)-(45) need no correction and this equals the printed value).
    pub pd_corrected: f64,
    /// Sum over feasible drops of the exact analytic Pd.
    pub pd_exact: f64,
    /// Sum over feasible drops of the exact fused Pfa.
    pub pfa_exact: f64,
}

impl Tally {
    /// Adds `other` (drop order matters for float sums: merge in drop order).
    pub fn merge(&mut self, o: &Tally) {
        self.drops += o.drops;
        self.infeasible += o.infeasible;
        self.target_frames += o.target_frames;
        self.detections += o.detections;
        self.null_frames += o.null_frames;
        self.false_alarms += o.false_alarms;
        self.pd_paper += o.pd_paper;
        self.pd_corrected += o.pd_corrected;
        self.pd_exact += o.pd_exact;
        self.pfa_exact += o.pfa_exact;
    }

    /// Feasible drops.
    pub fn feasible(&self) -> u64 {
        self.drops - self.infeasible
    }

    /// Mean of an analytic sum over feasible drops.
    pub fn mean(&self, sum: f64) -> f64 {
        if self.feasible() == 0 {
            f64::NAN
        } else {
            sum / self.feasible() as f64
        }
    }
}

/// A scheme prepared for one drop: its detector and analytic values.
enum Prepared {
    Central {
        nodes: Vec<usize>,
        threshold: f64,
    },
    Voting {
        dets: Vec<(usize, LocalDetector)>,
        threshold: f64,
        kappa: usize,
    },
}

/// Evaluates `schemes` on drop `drop` with `frames` target frames and `frames`
/// target-free frames. Schemes with the same policy and sensing symbol see the
/// same power allocation; every scheme sees the same symbols and noise
/// (common random numbers).
pub fn run_drop(
    p: &Params,
    schemes: &[Scheme],
    seed: u64,
    drop: u64,
    frames: u64,
) -> Result<Vec<Tally>, GeometryError> {
    let scene = Scene::draw(p, &mut stream(seed, &[STREAM_DROP, drop]))?;
    let mut out = vec![
        Tally {
            drops: 1,
            ..Tally::default()
        };
        schemes.len()
    ];
    let mut groups: Vec<(Policy, bool)> = Vec::new();
    for s in schemes {
        if !groups.contains(&(s.policy, s.sensing_symbol)) {
            groups.push((s.policy, s.sensing_symbol));
        }
    }
    let (l, noise) = (p.system.frame_symbols, p.noise.sensing_w);
    for (policy, s0) in groups {
        let mut problem = scene.power_problem(p);
        problem.sensing_symbol = s0;
        let members: Vec<usize> = (0..schemes.len())
            .filter(|&i| schemes[i].policy == policy && schemes[i].sensing_symbol == s0)
            .collect();
        let Ok(alloc) = allocate(&problem, policy) else {
            members.iter().for_each(|&i| out[i].infeasible = 1);
            continue;
        };
        let w = scene.precoder(&alloc.p);
        let budget = LinkBudget::new(&scene, &w, noise, l, p.sensing.local_filter);
        let prepared: Vec<Prepared> = members
            .iter()
            .map(|&i| prepare(p, &scene, &w, &budget, &schemes[i], &mut out[i]))
            .collect();
        for f in 0..frames {
            let mut rng = stream(seed, &[STREAM_FRAME, drop, f]);
            let h1 = Frame::draw(&scene, &w, l, Some(p.sensing.target), noise, &mut rng);
            let h0 = Frame::draw(&scene, &w, l, None, noise, &mut rng);
            for (j, &i) in members.iter().enumerate() {
                out[i].target_frames += 1;
                out[i].null_frames += 1;
                out[i].detections += u64::from(decide(&prepared[j], &scene, &h1, noise));
                out[i].false_alarms += u64::from(decide(&prepared[j], &scene, &h0, noise));
            }
        }
    }
    Ok(out)
}

fn prepare(
    p: &Params,
    scene: &Scene,
    w: &crate::linalg::CMat,
    b: &LinkBudget,
    s: &Scheme,
    t: &mut Tally,
) -> Prepared {
    let nodes = s.nodes.nodes(p.system.raps);
    let (pfa, target) = (p.sensing.pfa, p.sensing.target);
    match s.fusion {
        Fusion::Centralized => {
            let a = centralized(b, &nodes, pfa, target, Gram::Random(32));
            t.pd_paper = a.paper;
            t.pd_corrected = a.corrected;
            t.pd_exact = a.exact;
            t.pfa_exact = pfa;
            Prepared::Central {
                threshold: glrt_threshold(nodes.len(), pfa),
                nodes,
            }
        }
        Fusion::Voting { rule, node_pfa } => {
            let d = design_nodes(b, &nodes, pfa, target, node_pfa, Some(rule));
            let kappa = d.kappa(nodes.len());
            let a = voting(
                b,
                &nodes,
                d.q,
                VotingRule::AtLeast(kappa),
                target,
                Gram::Random(32),
            );
            t.pd_paper = a.paper;
            t.pd_corrected = a.paper;
            t.pd_exact = a.exact;
            t.pfa_exact = a.fused_pfa;
            let dets = nodes
                .iter()
                .map(|&r| {
                    (
                        r,
                        LocalDetector::new(scene, r, w, p.noise.sensing_w, p.sensing.local_filter),
                    )
                })
                .collect();
            Prepared::Voting {
                dets,
                threshold: d.tau,
                kappa,
            }
        }
    }
}

fn decide(prep: &Prepared, scene: &Scene, f: &Frame, noise: f64) -> bool {
    match prep {
        Prepared::Central { nodes, threshold } => {
            let obs: Vec<(usize, &crate::linalg::CMat)> =
                nodes.iter().map(|&r| (r, &f.z[r])).collect();
            glrt(scene, &f.x, &f.u, &obs, noise) > *threshold
        }
        Prepared::Voting {
            dets,
            threshold,
            kappa,
        } => {
            let xu = &f.x * f.u.conjugate();
            let bits: Vec<bool> = dets
                .iter()
                .map(|(r, d)| d.statistic(&f.z[*r], &xu, &f.u) > *threshold)
                .collect();
            VotingRule::decide(*kappa, &bits)
        }
    }
}
