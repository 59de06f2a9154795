//! `iaps reference`: the Fig. 7 schemes without links, simulation next to the
//! paper's, corrected and exact analytic Pd.

use crate::RunArgs;
use anyhow::{Context, Result, bail};
use iaps::params::{Params, SensingScale, db_to_lin, dbm_to_w};
use iaps::reference::{Scheme, Tally, run_drop};
use iaps::stats::wilson;

pub fn run_default(a: &RunArgs) -> Result<()> {
    let mut p = Params::paper();
    p.sensing.scale = SensingScale::Paper {
        rcs_var: db_to_lin(a.rcs_db),
    };
    p.power.pmax_w = dbm_to_w(a.pmax_dbm);
    p.noise.sensing_w = dbm_to_w(a.sensing_dbm);
    p.sensing.pfa = a.pfa;
    if let Err(errs) = p.validate() {
        let lines: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
        bail!("invalid parameters:\n{}", lines.join("\n"));
    }
    if a.drops == 0 {
        bail!("--drops must be >= 1");
    }
    let schemes = iaps::presets::fig7_schemes();
    let threads = iaps::pool::threads(a.threads);
    let started = std::time::Instant::now();
    let per_drop = run_drops(&p, &schemes, a, threads)?;
    let mut total = vec![Tally::default(); schemes.len()];
    for d in &per_drop {
        for (t, x) in total.iter_mut().zip(d) {
            t.merge(x);
        }
    }
    println!(
        "iaps {}: paper Fig. 7 system, sigma_rcs^2 = {} dB, Pmax = {} dBm, sensing noise {} dBm, Pfa = {:e}",
        env!("CARGO_PKG_VERSION"),
        a.rcs_db,
        a.pmax_dbm,
        a.sensing_dbm,
        a.pfa
    );
    println!(
        "{} drops x {} target + {} target-free frames, seed {}, sample level\n",
        a.drops, a.frames, a.frames, a.seed
    );
    println!(
        "{:<24} {:>8} {:>22} {:>10} {:>9} {:>9} {:>9} {:>10}",
        "scheme",
        "feasible",
        "Pd sim [95% CI]",
        "Pfa sim",
        "Pd paper",
        "Pd corr.",
        "Pd exact",
        "Pfa exact"
    );
    for (s, t) in schemes.iter().zip(&total) {
        let ci = wilson(t.detections, t.target_frames, 0.95);
        let pd = t.detections as f64 / t.target_frames.max(1) as f64;
        let pfa = t.false_alarms as f64 / t.null_frames.max(1) as f64;
        println!(
            "{:<24} {:>8} {:>6.4} [{:.4},{:.4}] {:>10.2e} {:>9.4} {:>9.4} {:>9.4} {:>10.2e}",
            s.label,
            format!("{}/{}", t.feasible(), t.drops),
            pd,
            ci.low,
            ci.high,
            pfa,
            t.mean(t.pd_paper),
            t.mean(t.pd_corrected),
            t.mean(t.pd_exact),
            t.mean(t.pfa_exact)
        );
    }
    eprintln!(
        "\n{:.1} s on {threads} thread(s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Drops through the shared ordered pool: output is independent of the
/// thread count.
fn run_drops(
    p: &Params,
    schemes: &[Scheme],
    a: &RunArgs,
    threads: usize,
) -> Result<Vec<Vec<Tally>>> {
    let mut out = Vec::with_capacity(a.drops as usize);
    iaps::pool::ordered_map(
        a.drops,
        threads,
        |d| run_drop(p, schemes, a.seed, d, a.frames),
        |d, r| {
            out.push(r.with_context(|| format!("drop {d}"))?);
            Ok::<(), anyhow::Error>(())
        },
    )?;
    Ok(out)
}
