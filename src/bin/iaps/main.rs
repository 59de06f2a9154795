//! The `iaps` command line: a thin layer over the library.
//!
//! Exit codes: 0 success, 1 invalid input or a failed run (the message names
//! the file, key and valid range), 2 a malformed command line.

use clap::{Parser, Subcommand};
use iaps::params::{PAPER_PMAX_DBM, PAPER_RCS_DB, PAPER_SENSING_DBM, Params};
use std::path::PathBuf;

mod reference;
mod run;

/// Simulator for integrated active and passive sensing (IAPS) in DFRC networks.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario through the message-passing engine (default: the embedded
    /// `default` scenario: the paper's Fig. 7 system over four backhaul settings).
    /// Writes results.csv, results.json, scenario.resolved.toml and plots.
    Run(RunCmd),
    /// Validate a scenario and print it resolved, with every default filled in.
    Check(CheckCmd),
    /// List the bundled scenarios (run them by name).
    List,
    /// Redraw the plots of a results directory from its results.json.
    Plot {
        /// A directory written by `iaps run`.
        dir: PathBuf,
    },
    /// Evaluate the Fig. 7 schemes without links (fusion named explicitly):
    /// sample-level Monte Carlo next to the paper's, corrected and exact Pd.
    Reference(RunArgs),
}

#[derive(clap::Args)]
struct RunCmd {
    /// A bundled scenario name (see `iaps list`) or a TOML file.
    #[arg(default_value = "default")]
    scenario: String,
    /// Output directory (default: out/NAME).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Override a key, e.g. `--set backhaul.capacity_bps=2e6` (same key paths
    /// and validation as the file). Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Worker threads (0 = one per core). Results and traces do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Write every engine event as JSON lines to FILE (RUST_LOG filters it if set).
    #[arg(long, value_name = "FILE")]
    trace_json: Option<PathBuf>,
    /// Write a Chrome/Perfetto trace in simulated time to FILE: one process per
    /// point and drop, one track per node and per link.
    #[arg(long, value_name = "FILE")]
    trace_chrome: Option<PathBuf>,
    /// Skip the plots.
    #[arg(long)]
    no_plots: bool,
    /// Continue an interrupted run in --out: keep the rows already in
    /// results.json (if its scenario.resolved.toml matches) and run the rest.
    #[arg(long)]
    resume: bool,
}

#[derive(clap::Args)]
struct CheckCmd {
    /// A bundled scenario name or a TOML file.
    scenario: String,
    /// Override a key, as for `run`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
}

/// `iaps reference`'s settings. Its run defaults are its own (200 drops;
/// `frames` counts target frames and as many target-free ones); its radio
/// defaults are the paper's, from `iaps::params`.
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
    #[arg(long, default_value_t = PAPER_RCS_DB, allow_negative_numbers = true)]
    rcs_db: f64,
    /// Transmit power budget Pmax in dBm.
    #[arg(long, default_value_t = PAPER_PMAX_DBM, allow_negative_numbers = true)]
    pmax_dbm: f64,
    /// Sensing noise power in dBm (the default is the paper calibration's).
    #[arg(long, default_value_t = PAPER_SENSING_DBM, allow_negative_numbers = true)]
    sensing_dbm: f64,
    /// Design false-alarm probability.
    #[arg(long, default_value_t = Params::paper().sensing.pfa)]
    pfa: f64,
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run::run(&a),
        Command::Check(a) => run::check(&a),
        Command::List => run::list(),
        Command::Plot { dir } => run::plot(&dir),
        Command::Reference(a) => reference::run_default(&a),
    };
    if let Err(e) = result {
        eprintln!("iaps: error: {e:#}");
        std::process::exit(1);
    }
}
