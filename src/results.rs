//! Results of a scenario run: one row per sweep point and variant (and ROC rows per false-alarm level), written as CSV and JSON and drawn as SVG and PNG plots.

mod axis;
mod csv;
mod figure;
mod json;
mod plot;
pub mod provenance;

pub use csv::{float_cell, quote as csv_quote};
pub use plot::{MAX_ROC_FIGURES, plot_all};
pub use provenance::Provenance;

use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// One row: a sweep point for one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Values of [`Results::swept_keys`], same order (numbers or strings).
    pub coords: Vec<serde_json::Value>,
    /// Variant name, e.g. `IAPS` or `active only`.
    pub variant: String,
    /// Empirical detection probability.
    #[serde(with = "nan_as_null")]
    pub pd: f64,
    /// Lower end of the confidence interval of `pd`.
    #[serde(with = "nan_as_null")]
    pub pd_low: f64,
    /// Upper end of the confidence interval of `pd`.
    #[serde(with = "nan_as_null")]
    pub pd_high: f64,
    /// Empirical false-alarm probability.
    #[serde(with = "nan_as_null")]
    pub pfa: f64,
    /// Lower end of the confidence interval of `pfa`.
    #[serde(with = "nan_as_null")]
    pub pfa_low: f64,
    /// Upper end of the confidence interval of `pfa`.
    #[serde(with = "nan_as_null")]
    pub pfa_high: f64,
    /// Analytic Pd as printed in the paper.
    #[serde(with = "nan_as_null")]
    pub pd_analytic_paper: f64,
    /// Exact analytic Pd.
    #[serde(with = "nan_as_null")]
    pub pd_analytic_exact: f64,
    /// Mean decision latency in seconds.
    #[serde(with = "nan_as_null")]
    pub latency_mean_s: f64,
    /// 99th percentile of the decision latency in seconds.
    #[serde(with = "nan_as_null")]
    pub latency_p99_s: f64,
    /// Fraction of reports that arrived after the deadline.
    #[serde(with = "nan_as_null")]
    pub late_fraction: f64,
    /// Fraction of messages (reports and symbol blocks, whatever their
    /// packets) lost on a link or refused by a full buffer.
    #[serde(with = "nan_as_null")]
    pub lost_fraction: f64,
    /// Mean backhaul bytes per frame.
    #[serde(with = "nan_as_null")]
    pub backhaul_bytes_per_frame: f64,
    /// Fraction of drops whose user SINR constraints were met.
    #[serde(with = "nan_as_null")]
    pub sinr_ok_fraction: f64,
    /// Drops dropped because the power problem was infeasible.
    pub infeasible_drops: u64,
    /// Drops evaluated.
    pub drops: u64,
    /// Frames evaluated.
    pub frames: u64,
    /// Analytic Pd with the corrected rho (eq. 30 without `1/(N0 + R N1)`);
    /// an extra column after the required ones.
    #[serde(with = "nan_as_null")]
    pub pd_analytic_corrected: f64,
    /// Lower end of the interval of the mean Pd over random drops: how much
    /// Pd moves with the geometry, beyond the frame-level noise in `pd_low`.
    #[serde(with = "nan_as_null")]
    pub pd_drops_low: f64,
    /// Upper end of the interval of the mean Pd over random drops.
    #[serde(with = "nan_as_null")]
    pub pd_drops_high: f64,
    /// Target-free frames evaluated: the sample behind `pfa`.
    pub null_frames: u64,
    /// Relative standard error of the `pfa` estimate (standard error over
    /// `pfa`): how far the measured false-alarm rate can be trusted.
    #[serde(with = "nan_as_null")]
    pub pfa_rel_error: f64,
    /// Exact analytic Pd given the reports that actually arrived at the
    /// fusion center (losses and deadline misses included).
    #[serde(with = "nan_as_null")]
    pub pd_analytic_arrived: f64,
    /// Exact fused Pfa of the CC's rule given the reports that actually
    /// arrived, every local detector at its designed level: what `pfa`
    /// estimates (the design target for the GLRT; k-of-n tails for votes).
    #[serde(with = "nan_as_null")]
    pub pfa_analytic_arrived: f64,
    /// Fraction of the reports the nodes made that were stale: not sent
    /// (skipped) or discarded at a hop, with `backhaul.stale = "skip"`.
    #[serde(with = "nan_as_null")]
    pub stale_fraction: f64,
    /// Packets sent again by reliable transport, per decided frame.
    #[serde(with = "nan_as_null")]
    pub retransmissions_per_frame: f64,
    /// Mean time from a node sending a report to its arrival at the CC (s),
    /// over delivered reports.
    #[serde(with = "nan_as_null")]
    pub report_delay_mean_s: f64,
    /// Mean number of nodes whose reports were fused per decided frame.
    #[serde(with = "nan_as_null")]
    pub fused_nodes_mean: f64,
    /// Decided frames by the number of nodes whose reports were fused
    /// (index = that number): results.json only, as `fused_nodes`.
    #[serde(default)]
    pub fused_nodes: Vec<u64>,
}

/// One point of a ROC curve: a sweep point, a variant and one false-alarm
/// level of its detector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RocRow {
    /// Values of [`Results::swept_keys`], same order (numbers or strings).
    pub coords: Vec<serde_json::Value>,
    /// Variant name, e.g. `IAPS`.
    pub variant: String,
    /// The false-alarm probability the thresholds were designed for.
    #[serde(with = "nan_as_null")]
    pub pfa_design: f64,
    /// Empirical detection probability at this level.
    #[serde(with = "nan_as_null")]
    pub pd: f64,
    /// Lower end of the confidence interval of `pd`.
    #[serde(with = "nan_as_null")]
    pub pd_low: f64,
    /// Upper end of the confidence interval of `pd`.
    #[serde(with = "nan_as_null")]
    pub pd_high: f64,
    /// Measured false-alarm probability at this level.
    #[serde(with = "nan_as_null")]
    pub pfa: f64,
    /// Lower end of the confidence interval of `pfa`.
    #[serde(with = "nan_as_null")]
    pub pfa_low: f64,
    /// Upper end of the confidence interval of `pfa`.
    #[serde(with = "nan_as_null")]
    pub pfa_high: f64,
    /// Relative standard error of `pfa`.
    #[serde(with = "nan_as_null")]
    pub pfa_rel_error: f64,
    /// Frames with a target behind `pd`.
    pub target_frames: u64,
    /// Target-free frames behind `pfa`.
    pub null_frames: u64,
}

/// The results of one scenario run.
///
/// Every `f64` may be NaN (no simulation ran, analytic-only fidelity, latency
/// with no frames): CSV writes an empty cell, JSON writes `null` and reads
/// `null` back as NaN. JSON has no infinities either: they are written as
/// `null` too and so come back as NaN.
///
/// Its serde form (used by [`Results::write_json`]) writes each row as a flat
/// object: the swept keys as fields, then `variant` and the metrics in
/// [`METRIC_NAMES`] order, then the histogram [`HISTOGRAM_NAME`] (an array
/// of counts); then the ROC rows the same way under `roc`, with
/// [`ROC_NAMES`] after `variant`. A document without `roc` reads as no ROC
/// rows, and a row without the columns added after `pd_analytic_corrected`
/// reads them as NaN (counts as 0, the histogram as empty), so files of
/// older versions still load.
/// Then the [`Marker`]s under `markers`, and the [`Provenance`], when there
/// is one, last, under `provenance`.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    pub description: String,
    /// Swept parameter keys, e.g. `sensing.rcs_db`.
    pub swept_keys: Vec<String>,
    /// One row per sweep point and variant.
    pub rows: Vec<Row>,
    /// ROC rows: one per sweep point, variant and false-alarm level (empty
    /// when no ROC was asked for).
    pub roc: Vec<RocRow>,
    /// Labelled positions on the swept keys' axes (the rate each report
    /// needs on a swept capacity), drawn on the plots; written in
    /// results.json as `markers` (absent in files of older versions: none).
    pub markers: Vec<Marker>,
    /// Where the results came from, written last in results.json as
    /// `provenance` (absent in files of older versions: `None`).
    pub provenance: Option<Provenance>,
}

/// A labelled value of a swept key, drawn as a vertical line on that key's
/// plots: e.g. the rate a report type needs, on a capacity axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    /// The swept key.
    pub key: String,
    /// Its value.
    pub value: f64,
    /// What the value is, e.g. `statistic`.
    pub label: String,
}

/// A rate in bit/s for people, with 4 significant digits: `152.0 kbit/s`,
/// `40.78 Mbit/s` (`never` when infinite).
pub fn bit_rate(bps: f64) -> String {
    if !bps.is_finite() {
        return "never".into();
    }
    let (v, unit) = match bps.abs() {
        b if b >= 1e9 => (bps / 1e9, "Gbit/s"),
        b if b >= 1e6 => (bps / 1e6, "Mbit/s"),
        b if b >= 1e3 => (bps / 1e3, "kbit/s"),
        _ => (bps, "bit/s"),
    };
    let decimals = if v == 0.0 {
        0
    } else {
        (3 - v.abs().log10().floor() as i32).clamp(0, 3) as usize
    };
    format!("{v:.decimals$} {unit}")
}

/// The metric columns after `variant`, in CSV and JSON order.
pub const METRIC_NAMES: [&str; 28] = [
    "pd",
    "pd_low",
    "pd_high",
    "pfa",
    "pfa_low",
    "pfa_high",
    "pd_analytic_paper",
    "pd_analytic_exact",
    "latency_mean_s",
    "latency_p99_s",
    "late_fraction",
    "lost_fraction",
    "backhaul_bytes_per_frame",
    "sinr_ok_fraction",
    "infeasible_drops",
    "drops",
    "frames",
    "pd_analytic_corrected",
    "pd_drops_low",
    "pd_drops_high",
    "null_frames",
    "pfa_rel_error",
    "pd_analytic_arrived",
    "pfa_analytic_arrived",
    "stale_fraction",
    "retransmissions_per_frame",
    "report_delay_mean_s",
    "fused_nodes_mean",
];

/// The name of the histogram a row of results.json carries after its
/// [`METRIC_NAMES`] (not in results.csv): [`Row::fused_nodes`].
pub const HISTOGRAM_NAME: &str = "fused_nodes";

/// The columns of a ROC row after `variant`, in `roc.csv` and JSON order.
pub const ROC_NAMES: [&str; 10] = [
    "pfa_design",
    "pd",
    "pd_low",
    "pd_high",
    "pfa",
    "pfa_low",
    "pfa_high",
    "pfa_rel_error",
    "target_frames",
    "null_frames",
];

/// One metric value: a float (maybe NaN) or a count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell {
    /// A float metric.
    F(f64),
    /// A count.
    U(u64),
}

impl Row {
    /// The metric values in [`METRIC_NAMES`] order.
    pub(crate) fn metric_cells(&self) -> [Cell; 28] {
        use Cell::{F, U};
        [
            F(self.pd),
            F(self.pd_low),
            F(self.pd_high),
            F(self.pfa),
            F(self.pfa_low),
            F(self.pfa_high),
            F(self.pd_analytic_paper),
            F(self.pd_analytic_exact),
            F(self.latency_mean_s),
            F(self.latency_p99_s),
            F(self.late_fraction),
            F(self.lost_fraction),
            F(self.backhaul_bytes_per_frame),
            F(self.sinr_ok_fraction),
            U(self.infeasible_drops),
            U(self.drops),
            U(self.frames),
            F(self.pd_analytic_corrected),
            F(self.pd_drops_low),
            F(self.pd_drops_high),
            U(self.null_frames),
            F(self.pfa_rel_error),
            F(self.pd_analytic_arrived),
            F(self.pfa_analytic_arrived),
            F(self.stale_fraction),
            F(self.retransmissions_per_frame),
            F(self.report_delay_mean_s),
            F(self.fused_nodes_mean),
        ]
    }
}

impl RocRow {
    /// The values in [`ROC_NAMES`] order.
    pub(crate) fn cells(&self) -> [Cell; 10] {
        use Cell::{F, U};
        [
            F(self.pfa_design),
            F(self.pd),
            F(self.pd_low),
            F(self.pd_high),
            F(self.pfa),
            F(self.pfa_low),
            F(self.pfa_high),
            F(self.pfa_rel_error),
            U(self.target_frames),
            U(self.null_frames),
        ]
    }
}

/// Errors of reading, writing and plotting results.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The JSON text is not a valid results document.
    #[error("invalid results JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Drawing a plot failed.
    #[error("plot {}: {message}", path.display())]
    Plot {
        /// The file being drawn.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl ResultsError {
    fn io(path: &Path) -> impl FnOnce(io::Error) -> ResultsError + '_ {
        move |source| ResultsError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl Results {
    /// Writes the rows as CSV: a header line (swept keys, `variant`, then
    /// [`METRIC_NAMES`]) and one line per row, `\n`-terminated, fields quoted
    /// per RFC 4180 when needed, NaN as an empty cell.
    pub fn write_csv(&self, w: &mut impl Write) -> io::Result<()> {
        csv::write(self, w)
    }

    /// Writes the ROC rows as CSV, like [`Results::write_csv`]: a header line
    /// (swept keys, `variant`, then [`ROC_NAMES`]) and one line per ROC row.
    pub fn write_roc_csv(&self, w: &mut impl Write) -> io::Result<()> {
        csv::write_roc(self, w)
    }

    /// Writes the results as pretty-printed JSON with flat rows (see [`Results`]).
    pub fn write_json(&self, w: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        w.write_all(b"\n")
    }

    /// Reads what [`Results::write_json`] writes (`null` metrics become NaN).
    pub fn read_json(r: impl Read) -> Result<Results, ResultsError> {
        Ok(serde_json::from_reader(BufReader::new(r))?)
    }

    /// Writes `results.csv`, `roc.csv` (when there are ROC rows) and
    /// `results.json` into `dir`, creating it. With no ROC rows, a `roc.csv`
    /// left in `dir` by an earlier run is removed.
    pub fn save(&self, dir: &Path) -> Result<(), ResultsError> {
        std::fs::create_dir_all(dir).map_err(ResultsError::io(dir))?;
        let csv = dir.join("results.csv");
        write_file(&csv, |w| self.write_csv(w))?;
        let roc = dir.join("roc.csv");
        if self.roc.is_empty() {
            match std::fs::remove_file(&roc) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(ResultsError::io(&roc)(e));
                }
                _ => {}
            }
        } else {
            write_file(&roc, |w| self.write_roc_csv(w))?;
        }
        let json = dir.join("results.json");
        write_file(&json, |w| self.write_json(w))
    }

    /// Reads `dir/results.json`.
    pub fn load(dir: &Path) -> Result<Results, ResultsError> {
        let path = dir.join("results.json");
        let file = File::open(&path).map_err(ResultsError::io(&path))?;
        Results::read_json(file).map_err(|e| match e {
            ResultsError::Json(source) if source.is_io() => ResultsError::Io {
                path: path.clone(),
                source: source.into(),
            },
            other => other,
        })
    }
}

/// Writes `path` atomically: through a buffer into a temporary file in the
/// same directory (`.NAME.tmpPID`), flushed and synced, then renamed over
/// `path`. A reader sees the old file or the new one, never a partial one,
/// and a killed writer leaves `path` as it was (and at worst a stray
/// temporary file).
pub fn write_file(
    path: &Path,
    f: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), ResultsError> {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    let written = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        f(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    })();
    if let Err(source) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(ResultsError::io(path)(source));
    }
    Ok(())
}

/// Serde helpers for an `f64` that is written as `null` when NaN (or
/// infinite) and read back from `null` as NaN.
pub mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `None` for NaN and infinities, the value otherwise.
    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        x.is_finite().then_some(*x).serialize(s)
    }

    /// Reads `null` as NaN.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

#[cfg(test)]
mod tests;
