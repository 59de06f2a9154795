//! `iaps reference`: the Fig. 7 schemes without links, simulation next to the
//! paper's, corrected and exact analytic Pd.

use crate::RunArgs;
use anyhow::{Context, Result, bail};
use iaps::params::{ParamKey, Params, SensingScale, db_to_lin, dbm_to_w};
use iaps::scenario::MAX_DROPS;

/// Most frames per drop: a drop's tallies are counts in 64 bits.
const MAX_FRAMES: u64 = 1_000_000_000_000;
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
    // Errors name this command's flags, with the value as given.
    let mut lines = Vec::new();
    for e in p.validate().err().into_iter().flatten() {
        let (flag, value) = match e.key {
            ParamKey::Rcs => ("--rcs-db", a.rcs_db.to_string()),
            ParamKey::Pmax => ("--pmax-dbm", a.pmax_dbm.to_string()),
            ParamKey::SensingNoise => ("--sensing-dbm", a.sensing_dbm.to_string()),
            ParamKey::Pfa => ("--pfa", a.pfa.to_string()),
            _ => ("", String::new()),
        };
        lines.push(if flag.is_empty() {
            format!("  {e}")
        } else {
            let expected = match e.key {
                ParamKey::Pfa => e.expected.clone(),
                _ => "must be a finite number".to_string(),
            };
            format!("  {flag} {value}: {expected}")
        });
    }
    if a.drops == 0 || a.drops > MAX_DROPS {
        lines.push(format!("  --drops {}: must be in 1..={MAX_DROPS}", a.drops));
    }
    if a.frames == 0 || a.frames > MAX_FRAMES {
        lines.push(format!(
            "  --frames {}: must be in 1..={MAX_FRAMES}",
            a.frames
        ));
    }
    if !lines.is_empty() {
        bail!("invalid arguments:\n{}", lines.join("\n"));
    }
    let schemes = iaps::presets::fig7_schemes();
    let threads = iaps::pool::threads(a.threads);
    let started = std::time::Instant::now();
    let total = run_drops(&p, &schemes, a, threads)?;
    crate::say::out(&format!(
        "iaps {}: paper Fig. 7 system, sigma_rcs^2 = {} dB, Pmax = {} dBm, sensing noise {} dBm, Pfa = {:e}",
        env!("CARGO_PKG_VERSION"),
        a.rcs_db,
        a.pmax_dbm,
        a.sensing_dbm,
        a.pfa
    ));
    crate::say::out(&format!(
        "{} drops x {} target + {} target-free frames, seed {}, sample level\n",
        a.drops, a.frames, a.frames, a.seed
    ));
    crate::say::out(&format!(
        "{:<24} {:>8} {:>22} {:>10} {:>9} {:>9} {:>9} {:>10}",
        "scheme",
        "feasible",
        "Pd sim [95% CI]",
        "Pfa sim",
        "Pd paper",
        "Pd corr.",
        "Pd exact",
        "Pfa exact"
    ));
    for (s, t) in schemes.iter().zip(&total) {
        let ci = wilson(t.detections, t.target_frames, 0.95);
        let pd = t.detections as f64 / t.target_frames.max(1) as f64;
        let pfa = t.false_alarms as f64 / t.null_frames.max(1) as f64;
        crate::say::out(&format!(
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
        ));
    }
    crate::say::err(&format!(
        "\n{:.1} s on {threads} thread(s)",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Drops through the shared ordered pool, each scheme's tallies merged in
/// drop order as they arrive (nothing is kept per drop): output is
/// independent of the thread count.
fn run_drops(p: &Params, schemes: &[Scheme], a: &RunArgs, threads: usize) -> Result<Vec<Tally>> {
    let mut total = vec![Tally::default(); schemes.len()];
    iaps::pool::ordered_map(
        a.drops,
        threads,
        |d| run_drop(p, schemes, a.seed, d, a.frames),
        |d, r| {
            let r = r.with_context(|| format!("drop {d}"))?;
            for (t, x) in total.iter_mut().zip(&r) {
                t.merge(x);
            }
            Ok::<(), anyhow::Error>(())
        },
    )?;
    Ok(total)
}
