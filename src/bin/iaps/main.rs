//! The `iaps` command line: a thin layer over the library.
//!
//! Exit codes: 0 success, 1 invalid input or a failed run (the message names
//! the file, key and valid range), 2 a malformed command line.

use clap::{Parser, Subcommand};
use iaps::params::{PAPER_PMAX_DBM, PAPER_RCS_DB, PAPER_SENSING_DBM, Params};
use std::path::PathBuf;

mod capacity;
mod merge;
mod outdir;
mod reference;
mod run;
mod say;

/// Simulator for integrated active and passive sensing (IAPS) in DFRC networks.
#[derive(Parser)]
#[command(
    version = iaps::results::provenance::LONG_VERSION,
    about,
    long_about = None,
    after_help = "Examples:
  iaps run                                  the default scenario, results in out/default
  iaps run fig7 --out out/fig7              a paper figure
  iaps check my.toml --set run.drops=5      validate a file with an override
  iaps run fig9 --shard 2/4 --out s2        one of four shards; then `iaps merge`"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario through the message-passing engine (default: the embedded
    /// `default` scenario: the paper's Fig. 7 system over four backhaul settings).
    /// Writes results.csv, results.json, scenario.resolved.toml and plots.
    #[command(after_help = "Examples:
  iaps run                                     the default scenario into out/default
  iaps run fig7 --out out/fig7 --set run.drops=20
  iaps run fig9 --out out/fig9 --resume        continue a killed run
  iaps run fig9 --shard 1/3 --out out/fig9-1   one shard of three (see docs/cluster.md)
  iaps run my.toml --quiet --trace-json t.jsonl")]
    Run(RunCmd),
    /// Validate a scenario and print it resolved, with every default filled in.
    #[command(after_help = "Examples:
  iaps check my.toml                           validate; print the resolved scenario
  iaps check fig7 --set 'sweep.power.pmax_dbm=[20, 30]'
  iaps check default --set system.raps=4 > resolved.toml")]
    Check(CheckCmd),
    /// List the bundled scenarios (run them by name).
    #[command(after_help = "Examples:
  iaps list
  iaps run \"$(iaps list | head -1 | cut -d' ' -f1)\"")]
    List,
    /// Print the backhaul rate each report type needs (samples in each
    /// format, statistic, decision): per node and per shared aggregation
    /// segment, for stable delivery (a frame's bytes every frame interval)
    /// and on-time delivery (within the deadline), packet headers included;
    /// one table per distinct setup of the scenario's points.
    #[command(after_help = "Examples:
  iaps capacity backhaul                       what each report needs on the bundled study
  iaps capacity my.toml --set backhaul.frame_interval_s=5e-4
  iaps capacity backhaul-shared --csv > needs.csv
  iaps capacity default --set backhaul.mtu_bytes=1500 --set backhaul.packet_header_bytes=40 --json")]
    Capacity(CapacityCmd),
    /// Redraw the plots of a results directory from its results.json.
    #[command(after_help = "Examples:
  iaps plot out/fig7
  iaps plot out/merged")]
    Plot {
        /// A directory written by `iaps run` or `iaps merge`.
        dir: PathBuf,
    },
    /// Merge the results of the shards of one scenario (`iaps run --shard
    /// I/N`) into one directory, identical to a run on one machine.
    #[command(after_help = "Examples:
  iaps merge out/fig9-1 out/fig9-2 out/fig9-3 --out out/fig9
  iaps merge out/shard-* --out out/merged --no-plots")]
    Merge(MergeCmd),
    /// Evaluate the Fig. 7 schemes without links (fusion named explicitly):
    /// sample-level Monte Carlo next to the paper's, corrected and exact Pd.
    #[command(after_help = "Examples:
  iaps reference
  iaps reference --drops 50 --frames 200 --rcs-db -20
  iaps reference --pfa 1e-4 --threads 1")]
    Reference(RunArgs),
}

#[derive(clap::Args)]
struct RunCmd {
    /// A bundled scenario name (see `iaps list`) or a TOML file.
    #[arg(default_value = "default")]
    scenario: String,
    /// Output directory (default: out/NAME). Refused if it holds another
    /// scenario's results (unless --force), or is `/` or the home folder.
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
    /// results.json (if its scenario.resolved.toml matches and the rows are
    /// valid) and run the rest.
    #[arg(long)]
    resume: bool,
    /// Run only shard I of N (1 <= I <= N): the points k with k mod N = I - 1.
    /// Merge the shards' directories with `iaps merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<iaps::sweep::Shard>,
    /// Write into --out even if it holds another scenario's results or other
    /// files (results files there are replaced).
    #[arg(long)]
    force: bool,
    /// Print no table and no progress (errors are still printed).
    #[arg(long, short)]
    quiet: bool,
}

fn parse_shard(s: &str) -> Result<iaps::sweep::Shard, String> {
    iaps::sweep::Shard::parse(s)
}

#[derive(clap::Args)]
struct CheckCmd {
    /// A bundled scenario name or a TOML file.
    scenario: String,
    /// Override a key, as for `run`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
}

#[derive(clap::Args)]
struct CapacityCmd {
    /// A bundled scenario name or a TOML file.
    #[arg(default_value = "default")]
    scenario: String,
    /// Override a key, as for `run`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Print CSV: one line per report, link and setup.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct MergeCmd {
    /// The shards' output directories (any order).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Where the merged results go (checked like `run --out`).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Skip the plots.
    #[arg(long)]
    no_plots: bool,
    /// Write into --out even if it holds other results.
    #[arg(long)]
    force: bool,
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
        Command::Capacity(a) => capacity::capacity(&a),
        Command::List => run::list(),
        Command::Plot { dir } => run::plot(&dir),
        Command::Merge(a) => merge::merge(&a),
        Command::Reference(a) => reference::run_default(&a),
    };
    if let Err(e) = result {
        say::err(&format!("iaps: error: {e:#}"));
        std::process::exit(1);
    }
    if let Some(e) = say::stdout_failure() {
        say::err(&format!("iaps: error: writing to standard output: {e}"));
        std::process::exit(1);
    }
}
