//! A scenario's points (the sweep's product times the variants) and its
//! resolved TOML.

use super::{
    Point, Problem, Scenario, ScenarioError, VERSION, Variant, defaults, doc, resolve, sweep,
};
use toml::{Table, Value};

impl Scenario {
    /// Every point: the sweep's coordinates in row-major order (the first
    /// axis slowest), and for each coordinate every variant in file order
    /// (one variant `"default"` when there are none). A variant's overrides
    /// apply after the coordinate's values. Reports the problems of every
    /// point, each naming its point.
    pub fn points(&self) -> Result<Vec<Point>, ScenarioError> {
        let default = [Variant {
            label: "default".into(),
            overrides: Vec::new(),
        }];
        let variants = if self.variants.is_empty() {
            &default[..]
        } else {
            &self.variants[..]
        };
        sweep::check_size(&self.sweep, self.variants.len()).map_err(|mut p| {
            p.line = doc::find_line(&self.text, "sweep");
            ScenarioError::new(&self.origin, vec![p])
        })?;
        let mut points = Vec::new();
        let mut problems = Vec::new();
        for (index, coords) in sweep::coordinates(&self.sweep).into_iter().enumerate() {
            for (vi, var) in variants.iter().enumerate() {
                let mut d = self.doc.clone();
                for (k, v) in coords.iter().chain(&var.overrides) {
                    doc::set_path(&mut d, k, v.clone());
                }
                match resolve::resolve(&d) {
                    Ok(setup) => points.push(Point {
                        index,
                        coords: coords.clone(),
                        variant: var.label.clone(),
                        variant_index: vi,
                        setup,
                    }),
                    Err(ps) => {
                        problems.extend(ps.into_iter().map(|p| self.at_point(p, &coords, vi, var)))
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(points)
        } else {
            let mut seen: Vec<(String, String)> = Vec::new();
            problems.retain(|(p, bare)| {
                let k = (p.key.clone(), bare.clone());
                let new = !seen.contains(&k);
                seen.push(k);
                new
            });
            let mut problems: Vec<Problem> = problems.into_iter().map(|(p, _)| p).collect();
            problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
            Err(ScenarioError::new(&self.origin, problems))
        }
    }

    /// A point's problem with its line and its point named; also the bare
    /// message, for deduplication across points.
    fn at_point(
        &self,
        mut p: Problem,
        coords: &[(String, Value)],
        vi: usize,
        var: &Variant,
    ) -> (Problem, String) {
        let from_variant = var.overrides.iter().any(|(k, _)| doc::related(k, &p.key));
        let axis = coords.iter().find(|(k, _)| doc::related(k, &p.key));
        p.line = if from_variant && !self.variants.is_empty() {
            doc::find_line(&self.text, &format!("variant[{vi}].{}", p.key))
        } else if let Some((k, _)) = axis {
            doc::find_line(&self.text, &format!("sweep.{k}"))
        } else {
            doc::problem_line(&self.text, &p.key, &p.message)
        };
        let mut at: Vec<String> = coords.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        if !self.variants.is_empty() {
            at.push(format!("variant '{}'", var.label));
        }
        let bare = p.message.clone();
        if !at.is_empty() {
            p.message = format!("{} (at {})", p.message, at.join(", "));
        }
        (p, bare)
    }

    /// The whole scenario as TOML: every default of the base document made
    /// explicit (including `[run] seed`), the sweep axes as value lists and
    /// the variants, headed by `iaps_version`. Parsing it gives the same
    /// points.
    pub fn resolved_toml(&self) -> String {
        let varying: Vec<&str> = (self.sweep.iter().map(|a| a.key.as_str()))
            .chain(
                self.variants
                    .iter()
                    .flat_map(|v| v.overrides.iter().map(|(k, _)| k.as_str())),
            )
            .collect();
        let mut full = defaults::fill(&self.doc, &|k| varying.iter().any(|v| doc::related(v, k)));
        let mut head = Table::new();
        head.insert("iaps_version".into(), Value::String(VERSION.into()));
        head.insert("name".into(), Value::String(self.name.clone()));
        head.insert(
            "description".into(),
            Value::String(self.description.clone()),
        );
        for k in ["iaps_version", "name", "description"] {
            full.remove(k);
        }
        let mut out = format!(
            "# Scenario '{}' resolved by iaps {VERSION}: every default is explicit.\n{}\n",
            self.name,
            toml::to_string(&head).unwrap_or_default()
        );
        let mut section = |name: &str, v: Value| {
            let mut one = Table::new();
            one.insert(name.to_string(), v);
            out.push_str(&toml::to_string(&one).unwrap_or_default());
            out.push('\n');
        };
        for name in [
            "system", "geometry", "power", "sensing", "noise", "backhaul", "run",
        ] {
            if let Some(v) = full.remove(name) {
                section(name, v);
            }
        }
        // Entry by entry, to keep the axes' order and put labels first.
        // An array of tables is written inline (`k = [{ ... }]`): as an
        // array of tables it would start a section of its own.
        let entry = |k: &str, v: &Value| {
            let tables = matches!(v, Value::Array(a) if a.iter().any(Value::is_table));
            let shown = if tables { Value::Integer(0) } else { v.clone() };
            let one: Table = [(k.to_string(), shown)].into_iter().collect();
            let line = toml::to_string(&one).unwrap_or_default();
            match line.strip_suffix(" = 0\n") {
                Some(key) if tables => format!("{key} = {v}\n"),
                _ => line,
            }
        };
        if !self.sweep.is_empty() {
            out.push_str("[sweep]\n");
            for a in &self.sweep {
                out.push_str(&entry(&a.key, &Value::Array(a.values.clone())));
            }
            out.push('\n');
        }
        for v in &self.variants {
            out.push_str("[[variant]]\n");
            out.push_str(&entry("label", &Value::String(v.label.clone())));
            for (k, x) in &v.overrides {
                out.push_str(&entry(k, x));
            }
            out.push('\n');
        }
        out
    }
}
