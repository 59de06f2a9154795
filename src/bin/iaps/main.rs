//! The `iaps` command line: runs the embedded default evaluation and prints a table.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use iaps::params::{Params, SensingScale, db_to_lin, dbm_to_w};
use iaps::reference::{Scheme, Tally, run_drop};
use iaps::stats::wilson;

mod engine;

/// Simulator for integrated active and passive sensing (IAPS) in DFRC networks.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the embedded default scenario through the message-passing engine:
    /// the paper's Fig. 7 system at one sigma_rcs^2, BS, RAPs and CC as actors
    /// over unlimited and 10 Mbit/s backhaul links with several reporting
    /// policies. Prints Pd, Pfa, latency and link load per setting.
    Run(EngineArgs),
    /// Evaluate the Fig. 7 schemes without links (fusion named explicitly):
    /// sample-level Monte Carlo next to the paper's, corrected and exact Pd.
    Reference(RunArgs),
}

#[derive(clap::Args)]
struct EngineArgs {
    /// Random drops (geometry and channels) per setting.
    #[arg(long, default_value_t = 20)]
    drops: u64,
    /// Frames per drop (each with a target with probability 1/2).
    #[arg(long, default_value_t = 250)]
    frames: u64,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (0 = one per core). Results and traces do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// sigma_rcs^2 in dB (paper calibration).
    #[arg(long, default_value_t = -16.0, allow_negative_numbers = true)]
    rcs_db: f64,
    /// Write every engine event as JSON lines to FILE (filtered by RUST_LOG if set).
    #[arg(long, value_name = "FILE")]
    trace_json: Option<std::path::PathBuf>,
    /// Write a Chrome/Perfetto trace in simulated time to FILE: one process per
    /// setting and drop, one track per node and per link.
    #[arg(long, value_name = "FILE")]
    trace_chrome: Option<std::path::PathBuf>,
    /// Also print each link's messages, bytes per frame, utilization, losses and peak queue.
    #[arg(long)]
    per_link: bool,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Random drops (geometry and channels) to average over.
    #[arg(long, default_value_t = 200)]
    drops: u64,
    /// Frames with a target, and as many without, per drop.
    #[arg(long, default_value_t = 100)]
    frames: u64,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// sigma_rcs^2 in dB (paper calibration).
    #[arg(long, default_value_t = -16.0, allow_negative_numbers = true)]
    rcs_db: f64,
    /// Transmit power budget Pmax in dBm.
    #[arg(long, default_value_t = 30.0, allow_negative_numbers = true)]
    pmax_dbm: f64,
    /// Sensing noise power in dBm (the paper calibration uses 40 dBm).
    #[arg(long, default_value_t = 40.0, allow_negative_numbers = true)]
    sensing_dbm: f64,
    /// Design false-alarm probability.
    #[arg(long, default_value_t = 1e-5)]
    pfa: f64,
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("iaps: error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(a) => engine::run_default(&a),
        Command::Reference(a) => run_default(&a),
    }
}

fn run_default(a: &RunArgs) -> Result<()> {
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
    let threads = if a.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        a.threads
    };
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

/// Drops spread over worker threads; results stream to this thread over a
/// crossbeam channel and are put back in drop order, so output is independent
/// of the thread count.
fn run_drops(
    p: &Params,
    schemes: &[Scheme],
    a: &RunArgs,
    threads: usize,
) -> Result<Vec<Vec<Tally>>> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let mut slots: Vec<Option<Vec<Tally>>> = vec![None; a.drops as usize];
    std::thread::scope(|s| -> Result<()> {
        for w in 0..threads as u64 {
            let tx = tx.clone();
            s.spawn(move || {
                let mut d = w;
                while d < a.drops {
                    let r = run_drop(p, schemes, a.seed, d, a.frames);
                    if tx.send((d, r)).is_err() {
                        return;
                    }
                    d += threads as u64;
                }
            });
        }
        drop(tx);
        for (d, r) in rx {
            slots[d as usize] = Some(r.with_context(|| format!("drop {d}"))?);
        }
        Ok(())
    })?;
    Ok(slots
        .into_iter()
        .map(|s| s.expect("every drop reported"))
        .collect())
}
