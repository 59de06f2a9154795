//! Scenario files: TOML in, validated setups out. A raw document (serde,
//! `deny_unknown_fields`) becomes a validated [`Setup`] in one step; every
//! problem of a file is reported with its key path and line.

use crate::network::NetParams;
use crate::params::Params;
use serde::{Deserialize, Serialize};

/// How a point is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fidelity {
    /// Sample-level frames through the message-passing engine.
    Sample,
    /// Analytic Pd only (no frames): fast, for trends and checks.
    Analytic,
}

/// The `[run]` section, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// Random drops per point.
    pub drops: u64,
    /// Frames per drop.
    pub frames: u64,
    /// Seed of every random stream (the same for every point and variant:
    /// common random numbers, and independent of execution order).
    pub seed: u64,
    /// Evaluation fidelity.
    pub fidelity: Fidelity,
}

/// One fully resolved, validated point of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// The radio system.
    pub params: Params,
    /// The network.
    pub net: NetParams,
    /// Run settings.
    pub run: RunSettings,
}

/// One problem in a scenario, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// Key path, e.g. `sensing.pfa` (empty for syntax errors).
    pub key: String,
    /// What is wrong and what is valid.
    pub message: String,
}

/// Every problem found in one scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    /// The file path, `bundled:NAME`, or `--set`.
    pub origin: String,
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for ScenarioError {
    /// One line per problem: `ORIGIN:LINE: KEY: MESSAGE`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match p.line {
                Some(l) => write!(f, "{}:{}: ", self.origin, l)?,
                None => write!(f, "{}: ", self.origin)?,
            }
            if p.key.is_empty() {
                write!(f, "{}", p.message)?;
            } else {
                write!(f, "{}: {}", p.key, p.message)?;
            }
        }
        Ok(())
    }
}

/// One swept key and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepAxis {
    /// Key path.
    pub key: String,
    /// Values, in order.
    pub values: Vec<toml::Value>,
}

/// One `[[variant]]`: a labelled set of overrides (one curve).
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Curve label.
    pub label: String,
    /// Key path and value of each override.
    pub overrides: Vec<(String, toml::Value)>,
}

/// One point of the cartesian product of the sweep, for one variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Index of the sweep coordinate (0-based, row-major over the axes).
    pub index: usize,
    /// The swept keys' values at this point.
    pub coords: Vec<(String, toml::Value)>,
    /// The variant's label (`"default"` when there are no variants).
    pub variant: String,
    /// The resolved setup.
    pub setup: Setup,
}

/// A loaded scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// `name` from the file (or the file stem).
    pub name: String,
    /// `description` from the file.
    pub description: String,
    /// Where it came from, for messages.
    pub origin: String,
    /// The document without `[sweep]` and `[[variant]]`, overrides applied.
    doc: toml::Table,
    /// The original text, for line numbers.
    text: String,
    /// Swept keys.
    pub sweep: Vec<SweepAxis>,
    /// Variants.
    pub variants: Vec<Variant>,
}
