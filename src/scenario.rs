//! Scenario files: TOML in, validated setups out. A raw document (serde,
//! `deny_unknown_fields`) becomes a validated [`Setup`] in one step; every
//! problem of a file is reported with its key path and line.

use crate::network::NetParams;
use crate::params::Params;

pub use limits::{
    MAX_ANTENNAS, MAX_DESCRIPTION_CHARS, MAX_DROP_VALUES, MAX_DROPS, MAX_FRAME_SYMBOLS,
    MAX_LABEL_CHARS, MAX_POINTS, SIM_CLOCK_S,
};
pub use run::{Fidelity, ROC_PFA, RunSettings};

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
    /// The variant's index (file order; 0 when there are none).
    pub variant_index: usize,
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

mod backhaul;
mod defaults;
mod doc;
mod limits;
mod link;
mod points;
mod raw;
mod resolve;
mod run;
mod sweep;
mod transport;

use std::path::Path;

/// The crate version, written into resolved scenarios.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The bundled scenarios, `(name, TOML text)`, embedded from `scenarios/`.
pub fn bundled() -> Vec<(&'static str, &'static str)> {
    vec![
        ("default", include_str!("../scenarios/default.toml")),
        ("fig6", include_str!("../scenarios/fig6.toml")),
        ("fig7", include_str!("../scenarios/fig7.toml")),
        ("fig8", include_str!("../scenarios/fig8.toml")),
        ("fig9", include_str!("../scenarios/fig9.toml")),
        ("fig10", include_str!("../scenarios/fig10.toml")),
        ("fig11", include_str!("../scenarios/fig11.toml")),
        ("fig12", include_str!("../scenarios/fig12.toml")),
        ("backhaul", include_str!("../scenarios/backhaul.toml")),
        (
            "backhaul-shared",
            include_str!("../scenarios/backhaul-shared.toml"),
        ),
        (
            "backhaul-stale",
            include_str!("../scenarios/backhaul-stale.toml"),
        ),
        ("physical", include_str!("../scenarios/physical.toml")),
    ]
}

/// Drops repeated `(key, message)` pairs, keeping the first.
fn dedupe(problems: Vec<Problem>) -> Vec<Problem> {
    let mut out: Vec<Problem> = Vec::new();
    for p in problems {
        if !out.iter().any(|q| q.key == p.key && q.message == p.message) {
            out.push(p);
        }
    }
    out
}

impl ScenarioError {
    fn new(origin: &str, problems: Vec<Problem>) -> Self {
        ScenarioError {
            origin: origin.to_string(),
            problems: dedupe(problems),
        }
    }
}

/// Problems of `path = value` alone: unknown keys and type errors.
fn check_key(path: &str, value: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    raw::check(&doc::chain(path, value.clone()), &mut problems);
    for p in &mut problems {
        if !p.key.starts_with(path) {
            p.key = path.to_string();
        }
    }
    problems
}

use toml::{Table, Value};

impl Scenario {
    /// Parses a scenario. Reports every syntax, unknown-key, type and range
    /// problem of the base document, and every unknown key or badly typed
    /// value of `[sweep]` and `[[variant]]`; `origin` names the source in
    /// messages (a path, `bundled:NAME`).
    pub fn parse(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let mut doc: Table = toml::from_str(text)
            .map_err(|e| ScenarioError::new(origin, vec![doc::syntax_problem(text, &e)]))?;
        let mut problems = Vec::new();
        let mut sweep = (doc.remove("sweep"))
            .map(|v| sweep::parse_sweep(&v, &mut problems))
            .unwrap_or_default();
        // Tables are sorted by key: restore the file's order of the axes.
        sweep.sort_by_key(|a| {
            doc::find_line(text, &format!("sweep.{}", a.key)).unwrap_or(usize::MAX)
        });
        for p in &mut problems {
            p.line = doc::find_line(text, &format!("sweep.{}", p.key));
        }
        let variants = (doc.remove("variant"))
            .map(|v| sweep::parse_variants(&v, &mut problems))
            .unwrap_or_default();
        for p in problems.iter_mut().filter(|p| p.line.is_none()) {
            p.line = doc::problem_line(text, &p.key, &p.message);
        }
        for axis in &sweep {
            for v in &axis.values {
                for mut p in check_key(&axis.key, v) {
                    p.line = doc::find_line(text, &format!("sweep.{}", axis.key));
                    p.message = format!("{} (in [sweep])", p.message);
                    problems.push(p);
                }
            }
        }
        for (i, var) in variants.iter().enumerate() {
            for (k, v) in &var.overrides {
                for mut p in check_key(k, v) {
                    p.line = doc::find_line(text, &format!("variant[{i}].{k}"));
                    p.message = format!("{} (in variant '{}')", p.message, var.label);
                    problems.push(p);
                }
            }
        }
        if let Err(p) = sweep::check_size(&sweep, variants.len()) {
            problems.push(Problem {
                line: doc::find_line(text, "sweep"),
                ..p
            });
        }
        for (key, max) in [
            ("name", limits::MAX_LABEL_CHARS),
            ("description", limits::MAX_DESCRIPTION_CHARS),
        ] {
            if let Some(Value::String(s)) = doc.get(key) {
                let n = s.chars().count();
                if n > max {
                    problems.push(Problem {
                        line: doc::find_line(text, key),
                        key: key.to_string(),
                        message: format!("value of {n} characters must have at most {max}"),
                    });
                }
            }
        }
        if let Err(base) = resolve::resolve(&doc) {
            problems.extend(base.into_iter().map(|mut p| {
                p.line = doc::problem_line(text, &p.key, &p.message);
                p
            }));
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
            return Err(ScenarioError::new(origin, problems));
        }
        let text_of = |k: &str| match doc.get(k) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let stem = origin.strip_prefix("bundled:").unwrap_or(origin);
        let stem = Path::new(stem)
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty());
        Ok(Scenario {
            name: text_of("name")
                .or(stem.map(String::from))
                .unwrap_or_else(|| "scenario".into()),
            description: text_of("description").unwrap_or_default(),
            origin: origin.to_string(),
            doc,
            text: text.to_string(),
            sweep,
            variants,
        })
    }

    /// Reads and parses a scenario file; the origin is the path.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            let problem = Problem {
                line: None,
                key: String::new(),
                message: format!("cannot read: {e}"),
            };
            ScenarioError::new(&origin, vec![problem])
        })?;
        Scenario::parse(&text, &origin)
    }

    /// A bundled scenario by name (origin `bundled:NAME`), else a file path.
    pub fn named(name_or_path: &str) -> Result<Scenario, ScenarioError> {
        match bundled().into_iter().find(|(n, _)| *n == name_or_path) {
            Some((n, text)) => Scenario::parse(text, &format!("bundled:{n}")),
            None => Scenario::load(Path::new(name_or_path)),
        }
    }

    /// Applies `--set KEY=VALUE`. VALUE is a TOML value, or else a bare
    /// string. A normal key is fixed: set in the base document and removed
    /// from the sweep and from every variant. `sweep.KEY=[...]` or
    /// `sweep.KEY={ from, to, ... }` adds or replaces an axis. Checked like
    /// the file; on error (origin `--set`) the scenario is unchanged.
    pub fn set(&mut self, assignment: &str) -> Result<(), ScenarioError> {
        let fail = |key: &str, problems: Vec<Problem>| {
            let problems = problems.into_iter().map(|p| Problem {
                line: None,
                key: if p.key.is_empty() {
                    key.to_string()
                } else {
                    p.key
                },
                message: p.message,
            });
            ScenarioError::new("--set", problems.collect())
        };
        let one = |key: &str, message: String| {
            fail(
                key,
                vec![Problem {
                    line: None,
                    key: key.to_string(),
                    message,
                }],
            )
        };
        let Some((key, value)) = assignment.split_once('=') else {
            return Err(one(
                "",
                format!("`{assignment}`: expected KEY=VALUE, e.g. sensing.pfa=1e-4"),
            ));
        };
        let (key, value) = (key.trim(), doc::parse_value(value.trim()));
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(one(
                key,
                format!("`{assignment}`: expected KEY=VALUE with a dotted key path"),
            ));
        }
        let mut next = self.clone();
        if let Some(axis) = key.strip_prefix("sweep.") {
            let values = sweep::axis_values(axis, &value).map_err(|m| one(axis, m))?;
            let problems: Vec<Problem> = values.iter().flat_map(|v| check_key(axis, v)).collect();
            if !problems.is_empty() {
                return Err(fail(axis, problems));
            }
            match next.sweep.iter_mut().find(|a| a.key == axis) {
                Some(a) => a.values = values,
                None => next.sweep.push(SweepAxis {
                    key: axis.to_string(),
                    values,
                }),
            }
            sweep::check_size(&next.sweep, next.variants.len())
                .map_err(|p| fail("sweep", vec![p]))?;
        } else {
            let problems = check_key(key, &value);
            if !problems.is_empty() {
                return Err(fail(key, problems));
            }
            if key == "name" || key == "description" {
                let s = value.as_str().unwrap_or_default().to_string();
                let max = if key == "name" {
                    limits::MAX_LABEL_CHARS
                } else {
                    limits::MAX_DESCRIPTION_CHARS
                };
                if s.chars().count() > max {
                    return Err(one(
                        key,
                        format!(
                            "value of {} characters must have at most {max}",
                            s.chars().count()
                        ),
                    ));
                }
                if key == "name" {
                    next.name = s
                } else {
                    next.description = s
                }
            }
            doc::set_path(&mut next.doc, key, value);
            next.sweep.retain(|a| !doc::within(&a.key, key));
            for v in &mut next.variants {
                v.overrides.retain(|(k, _)| !doc::within(k, key));
            }
            resolve::resolve(&next.doc).map_err(|p| fail(key, p))?;
        }
        *self = next;
        Ok(())
    }

    /// The document without sweep and variants, resolved.
    pub fn base(&self) -> Result<Setup, ScenarioError> {
        resolve::resolve(&self.doc).map_err(|p| {
            let p = p.into_iter().map(|mut p| {
                p.line = doc::problem_line(&self.text, &p.key, &p.message);
                p
            });
            ScenarioError::new(&self.origin, p.collect())
        })
    }
}
