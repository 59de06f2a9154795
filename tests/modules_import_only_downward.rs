//! The architecture's "who may import whom" (docs/architecture.md), enforced:
//! every `crate::` path in `src/` (the binary aside) is checked against the
//! layer table below, and every top-level module must be in the table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Foundations: no model, no engine.
const FOUNDATION: &[&str] = &["special", "stats", "rng", "linalg", "pool"];
/// The model: the paper's system, detectors, fusion and exact laws.
const MODEL: &[&str] = &[
    "params",
    "radio",
    "power",
    "detect",
    "fusion",
    "analytic",
    "design",
    "mc",
    "reference",
];

/// Each module and the layers it may import (its own layer's peers are
/// listed explicitly).
fn allowed() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut t: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let with = |parts: &[&[&'static str]]| -> Vec<&'static str> { parts.concat() };
    t.insert("special", vec![]);
    t.insert("stats", vec![]);
    t.insert("rng", vec![]);
    t.insert("pool", vec![]);
    // stats: the Gaussian fills' tests check counts against binomial ranges.
    t.insert("linalg", vec!["rng", "stats"]);
    for m in MODEL {
        t.insert(m, with(&[FOUNDATION, MODEL]));
    }
    // Parameter errors name the kernel's link keys (`sim::LinkKey`); nothing
    // in `sim` depends on the model.
    t.insert("params", with(&[FOUNDATION, MODEL, &["sim"]]));
    // The kernel knows time, links and byte counts only.
    t.insert("sim", vec!["rng"]);
    // Actors: the model and the kernel, never the network that hosts them.
    t.insert("node", with(&[FOUNDATION, MODEL, &["sim"]]));
    t.insert("trace", with(&[FOUNDATION, &["sim", "node"]]));
    t.insert(
        "network",
        with(&[FOUNDATION, MODEL, &["sim", "node", "trace"]]),
    );
    t.insert(
        "scenario",
        with(&[FOUNDATION, MODEL, &["sim", "node", "network"]]),
    );
    t.insert("results", with(&[FOUNDATION]));
    t.insert(
        "presets",
        with(&[FOUNDATION, MODEL, &["sim", "node", "network"]]),
    );
    t.insert(
        "sweep",
        with(&[
            FOUNDATION,
            MODEL,
            &["sim", "node", "trace", "network", "scenario", "results"],
        ]),
    );
    t
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "bin") {
                files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a source text names through `crate::`.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level items of the group: split at commas outside nested braces.
            let (mut depth, mut start) = (0usize, 0usize);
            let mut items = Vec::new();
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        items.push(&group[start..i]);
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        items.push(&group[start..i]);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            for item in items {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn every_module_imports_only_what_its_layer_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let table = allowed();
    let mut problems = Vec::new();
    for f in &all {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" {
            continue;
        }
        let Some(ok) = table.get(top.as_str()) else {
            problems.push(format!(
                "{}: module `{top}` is not in the layer table",
                rel.display()
            ));
            continue;
        };
        // Code only: comments (doc links included) are not dependencies.
        let text: String = std::fs::read_to_string(f)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for m in imports(&text) {
            if m != top && !ok.contains(&m.as_str()) {
                problems.push(format!(
                    "{}: `{top}` may not import `crate::{m}`",
                    rel.display()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "forbidden imports:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_grouped_and_nested_paths() {
    let t = "use crate::{network::World, sim::{Link, SimTime}};\nlet x = crate::trace::emit;";
    let got: Vec<String> = imports(t).into_iter().collect();
    assert_eq!(got, ["network", "sim", "trace"]);
}
