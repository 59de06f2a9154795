//! Per-node false-alarm rates chosen so that the fused false-alarm rate meets a target.

use super::voting::{binomial_sf, paper_kappa};

/// The per-node Pfa `q` (equal at every node) with `P(Bin(n, q) >= kappa) = target`.
///
/// The fused Pfa is continuous and increasing in `q`, so the result is the
/// largest `q` whose fused Pfa is at most `target`; it is the root whenever
/// one exists. Conventions:
/// - `kappa = 1` and `kappa = n` use the closed forms `1 - (1 - t)^(1/n)` and
///   `t^(1/n)`; other kappa bisect on `ln q` to a relative 1e-12 in `q`;
/// - `target <= 0` (or NaN) gives 0 and `target >= 1` gives 1;
/// - `kappa = 0` (always H1, fused Pfa 1) gives 0 for `target < 1`;
/// - `kappa > n` (including `n = 0`: never H1, fused Pfa 0) gives 1.
///
/// Example: `n = 11`, `kappa = 1`, `target = 1e-5` gives `q ~ 9.0909e-7`.
pub fn node_pfa_for_fused(n: usize, kappa: usize, target: f64) -> f64 {
    if kappa > n {
        return 1.0;
    }
    if target.is_nan() || target <= 0.0 {
        return 0.0;
    }
    if target >= 1.0 {
        return 1.0;
    }
    if kappa == 0 {
        return 0.0;
    }
    let nf = n as f64;
    if kappa == 1 {
        return -((-target).ln_1p() / nf).exp_m1();
    }
    if kappa == n {
        return target.powf(1.0 / nf);
    }
    // Bracket: P(Bin >= k) <= C(n, k) q^k, so the root is at least
    // (t / C(n, k))^(1/k); it is at most 1.
    let ln_c = statrs::function::factorial::ln_binomial(n as u64, kappa as u64);
    let mut lo = ((target.ln() - ln_c) / kappa as f64).min(0.0); // ln q with sf <= target
    let mut hi = 0.0f64; // ln q with sf >= target (q = 1)
    // Guard the lower end against rounding: step down until the tail is below.
    while binomial_sf(n, kappa, lo.exp()) > target {
        lo = 2.0 * lo - 1.0;
    }
    // Bisection on ln q: |d ln q| <= 1e-12 means a relative 1e-12 in q.
    while hi - lo > 1e-12 {
        let mid = 0.5 * (lo + hi);
        if binomial_sf(n, kappa, mid.exp()) <= target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo.exp()
}

/// A fixed point of the paper's kappa rule and the fused-Pfa design: returns
/// `(kappa, node_pfa)` such that `kappa = paper_kappa(n, pd_hat(node_pfa), node_pfa)`
/// and the fused Pfa at `kappa` equals `target`. `pd_hat` maps a per-node Pfa to
/// the mean per-node Pd.
///
/// Iteration: start from `q = target`, then repeat
/// `kappa <- paper_kappa(n, pd_hat(q), q)`, `q <- node_pfa_for_fused(n, kappa, target)`
/// until a kappa repeats (at most `n + 1` steps). If it repeats immediately,
/// `(kappa, q)` is a fixed point. If instead the kappas cycle, no fixed point
/// is reachable; the kappa in the cycle with the highest fused Pd under
/// independence, `P(Bin(n, pd_hat(q_kappa)) >= kappa)` with
/// `q_kappa = node_pfa_for_fused(n, kappa, target)`, is returned with its
/// `q_kappa` (ties go to the smaller kappa). Either way the fused Pfa at the
/// returned pair meets `target` (see [`node_pfa_for_fused`]).
/// `n = 0` (nothing to fuse) returns `(1, 1.0)`, as `node_pfa_for_fused` does.
pub fn paper_kappa_design(n: usize, target: f64, pd_hat: impl Fn(f64) -> f64) -> (usize, f64) {
    if n == 0 {
        return (1, node_pfa_for_fused(0, 1, target));
    }
    let mut q = target.clamp(0.0, 1.0);
    let mut seen: Vec<usize> = Vec::new();
    loop {
        let kappa = paper_kappa(n, pd_hat(q), q);
        if let Some(pos) = seen.iter().position(|&k| k == kappa) {
            let cycle = &seen[pos..];
            if cycle.len() == 1 {
                return (kappa, q);
            }
            let mut best = (
                cycle[0],
                node_pfa_for_fused(n, cycle[0], target),
                f64::NEG_INFINITY,
            );
            for &k in cycle {
                let qk = node_pfa_for_fused(n, k, target);
                let pd = binomial_sf(n, k, pd_hat(qk));
                if pd > best.2 || (pd == best.2 && k < best.0) {
                    best = (k, qk, pd);
                }
            }
            return (best.0, best.1);
        }
        seen.push(kappa);
        q = node_pfa_for_fused(n, kappa, target);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / a.abs().max(b.abs())
    }

    #[test]
    fn or_rule_closed_form() {
        let q = node_pfa_for_fused(11, 1, 1e-5);
        let want = 1.0 - (1.0 - 1e-5f64).powf(1.0 / 11.0);
        assert!(rel(q, want) < 1e-10, "{q} vs {want}");
        assert!(rel(q, 9.0909e-7) < 1e-4);
        assert!(rel(binomial_sf(11, 1, q), 1e-5) < 1e-10);
    }

    #[test]
    fn or_over_11_nodes_fuses_to_1_1e_4() {
        // Per-node 1e-5 with OR over 11 nodes: fused Pfa ~ 1.1e-4.
        let fused = binomial_sf(11, 1, 1e-5);
        assert!(rel(fused, 1.1e-4) < 1e-3, "{fused}");
        // The design inverts it.
        assert!(rel(node_pfa_for_fused(11, 1, fused), 1e-5) < 1e-9);
    }

    #[test]
    fn inverse_of_the_fused_pfa() {
        for n in [2usize, 5, 11, 64, 1000] {
            for kappa in [1, 2, n / 2 + 1, n - 1, n] {
                for target in [1e-12, 1e-5, 1e-3, 0.1, 0.9] {
                    let q = node_pfa_for_fused(n, kappa, target);
                    assert!(q > 0.0 && q < 1.0);
                    let got = binomial_sf(n, kappa, q);
                    // Relative 1e-12 in q moves the tail by at most ~kappa 1e-12 relatively.
                    assert!(
                        rel(got, target) < 1e-9 * kappa as f64 + 1e-10,
                        "n={n} k={kappa} t={target}: {got}"
                    );
                    assert!(binomial_sf(n, kappa, q * (1.0 + 1e-9)) > target);
                }
            }
        }
    }

    #[test]
    fn node_pfa_edge_cases() {
        assert_eq!(node_pfa_for_fused(11, 12, 1e-5), 1.0);
        assert_eq!(node_pfa_for_fused(0, 1, 1e-5), 1.0);
        assert_eq!(node_pfa_for_fused(11, 0, 1e-5), 0.0);
        assert_eq!(node_pfa_for_fused(11, 3, 0.0), 0.0);
        assert_eq!(node_pfa_for_fused(11, 3, f64::NAN), 0.0);
        assert_eq!(node_pfa_for_fused(11, 3, 1.0), 1.0);
        let q = node_pfa_for_fused(11, 11, 1e-5);
        assert!(rel(q.powi(11), 1e-5) < 1e-13);
    }

    #[test]
    fn design_with_swerling_i_nodes() {
        let (n, target) = (11, 1e-5);
        let mut kappas = Vec::new();
        for snr in [0.5, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 300.0, 1e3, 1e4] {
            let pd_hat = |q: f64| q.powf(1.0 / (1.0 + snr));
            let (kappa, q) = paper_kappa_design(n, target, pd_hat);
            assert!((1..=n).contains(&kappa));
            assert!(rel(binomial_sf(n, kappa, q), target) < 1e-9, "snr {snr}");
            assert!(rel(q, node_pfa_for_fused(n, kappa, target)) < 1e-15);
            let fixed = paper_kappa(n, pd_hat(q), q) == kappa;
            if !fixed {
                // A cycle: the pick has the highest fused Pd among the kappas visited.
                let pd_of = |k: usize| binomial_sf(n, k, pd_hat(node_pfa_for_fused(n, k, target)));
                let next = paper_kappa(n, pd_hat(q), q);
                assert!(pd_of(kappa) >= pd_of(next), "snr {snr}");
            }
            kappas.push(kappa);
        }
        // OR at the paper's operating SNRs, larger kappa only at very high SNR.
        assert_eq!(&kappas[..5], &[1, 1, 1, 1, 1]);
        assert!(kappas.windows(2).all(|w| w[0] <= w[1]), "{kappas:?}");
        assert!(*kappas.last().unwrap() > 1, "{kappas:?}");
        // Low SNR: beta is large, OR; the design then meets the target with the OR q.
        let (kappa, q) = paper_kappa_design(n, target, |q: f64| q.powf(1.0 / 11.0));
        assert_eq!(kappa, 1);
        assert!(rel(q, 9.0909e-7) < 1e-4);
        assert_eq!(paper_kappa_design(0, target, |q| q), (1, 1.0));
    }

    #[test]
    fn design_cycle_picks_the_best_kappa() {
        // A contrived Pd law with no fixed point: at small q the nodes are
        // excellent (kappa = 5), at large q nearly useless (kappa = 1).
        let (n, target) = (11, 1e-5);
        let pd_hat = |q: f64| if q < 1e-4 { 0.999 } else { q * (1.0 + 1e-7) };
        assert_eq!(paper_kappa(n, pd_hat(target), target), 5);
        let q5 = node_pfa_for_fused(n, 5, target);
        assert_eq!(paper_kappa(n, pd_hat(q5), q5), 1);
        let q1 = node_pfa_for_fused(n, 1, target);
        // Then 1 -> 4 -> 1: the cycle is {1, 4} (5 was only a transient).
        assert_eq!(paper_kappa(n, pd_hat(q1), q1), 4);
        let q4 = node_pfa_for_fused(n, 4, target);
        assert_eq!(paper_kappa(n, pd_hat(q4), q4), 1);
        let pd1 = binomial_sf(n, 1, pd_hat(q1));
        let pd4 = binomial_sf(n, 4, pd_hat(q4));
        let want = if pd1 >= pd4 { (1, q1) } else { (4, q4) };
        assert_eq!(paper_kappa_design(n, target, pd_hat), want);
    }
}
