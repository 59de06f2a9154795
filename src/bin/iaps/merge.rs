//! `iaps merge`: the shards of one scenario into one results directory.
//!
//! Every shard directory must hold the same scenario.resolved.toml (same
//! hash); the merged rows are the scenario's points in order, each taken
//! from the one shard that has it: a point that no shard has, or that two
//! have, is an error naming it. Rows and ROC rows are copied as they are,
//! so results.csv, roc.csv and results.json (but its `provenance`) are
//! byte-identical to a run of the whole scenario on one machine.
//!
//! The merged `provenance` (docs/cluster.md) is the merging binary's version
//! and commit, the scenario hash, merge's command line and times, `threads`
//! null, `shard` empty, and `shards`: each shard's own provenance, in the
//! order of their shard numbers (then of the directories given).

use crate::{MergeCmd, outdir, say};
use anyhow::{Context, Result, bail};
use iaps::results::{Provenance, Results, RocRow, Row, plot_all};
use iaps::scenario::Scenario;
use iaps::sweep::toml_to_json;
use std::io::Write;
use std::path::PathBuf;

pub fn merge(a: &MergeCmd) -> Result<()> {
    let mut shards: Vec<(PathBuf, String, Results)> = Vec::new();
    for dir in &a.dirs {
        let resolved_path = dir.join("scenario.resolved.toml");
        let resolved = std::fs::read_to_string(&resolved_path)
            .with_context(|| format!("reading {}", resolved_path.display()))?;
        let results = Results::load(dir)
            .with_context(|| format!("reading {}", dir.join("results.json").display()))?;
        shards.push((dir.clone(), resolved, results));
    }
    let (first_dir, resolved) = (shards[0].0.clone(), shards[0].1.clone());
    let resolved = &resolved;
    let hash = iaps::results::provenance::scenario_hash(resolved);
    for (dir, r, _) in &shards[1..] {
        let h = iaps::results::provenance::scenario_hash(r);
        if h != hash {
            bail!(
                "{} is another scenario than {} (scenario.resolved.toml hash {h}, not {hash}); \
                 merge only shards of one run",
                dir.display(),
                first_dir.display()
            );
        }
    }
    let origin = first_dir
        .join("scenario.resolved.toml")
        .display()
        .to_string();
    let sc = Scenario::parse(resolved, &origin)?;
    let points = sc.points()?;
    // Shards in shard-number order (directories without a shard last, in
    // the order given), for a deterministic provenance.
    let number = |r: &Results| {
        r.provenance
            .as_ref()
            .and_then(|p| {
                p.shard
                    .split_once('/')
                    .and_then(|(i, _)| i.parse::<usize>().ok())
            })
            .unwrap_or(usize::MAX)
    };
    shards.sort_by_key(|(_, _, r)| number(r));
    let mut rows: Vec<Row> = Vec::with_capacity(points.len());
    let mut roc: Vec<RocRow> = Vec::new();
    for (k, p) in points.iter().enumerate() {
        let coords: Vec<serde_json::Value> =
            p.coords.iter().map(|(_, v)| toml_to_json(v)).collect();
        let mut found: Vec<(&PathBuf, &Row, &Results)> = Vec::new();
        for (dir, _, r) in &shards {
            for row in r
                .rows
                .iter()
                .filter(|x| x.coords == coords && x.variant == p.variant)
            {
                found.push((dir, row, r));
            }
        }
        let name = || {
            let at: Vec<String> = p.coords.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!(
                "point {} ({}variant '{}')",
                k + 1,
                if at.is_empty() {
                    String::new()
                } else {
                    format!("{}, ", at.join(", "))
                },
                p.variant
            )
        };
        match found.len() {
            0 => bail!(
                "{} is in no shard: a shard is missing or unfinished (resume it with `iaps run \
                 ... --resume`)",
                name()
            ),
            1 => {}
            _ => bail!(
                "{} is in more than one shard: {}",
                name(),
                found
                    .iter()
                    .map(|f| f.0.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
        let (_, row, r) = found[0];
        rows.push(row.clone());
        roc.extend(
            r.roc
                .iter()
                .filter(|x| x.coords == row.coords && x.variant == row.variant)
                .cloned(),
        );
    }
    let total: usize = shards.iter().map(|(_, _, r)| r.rows.len()).sum();
    if total != rows.len() {
        bail!(
            "the shards hold {total} rows for the scenario's {} points: some rows belong to no point",
            rows.len()
        );
    }
    let started = iaps::results::provenance::utc_now();
    let mut provenance = Provenance::start(resolved, None);
    provenance.started_utc = started;
    provenance.shards = shards
        .iter()
        .map(|(_, _, r)| r.provenance.clone().unwrap_or_default())
        .collect();
    let first = &shards[0].2;
    let merged = Results {
        scenario: first.scenario.clone(),
        description: first.description.clone(),
        swept_keys: first.swept_keys.clone(),
        rows,
        roc,
        markers: iaps::sweep::capacity_markers(&points),
        provenance: None,
    };
    outdir::check(&a.out, resolved, a.force)?;
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let _lock = outdir::Lock::take(&a.out)?;
    let resolved_path = a.out.join("scenario.resolved.toml");
    iaps::results::write_file(&resolved_path, |w| w.write_all(resolved.as_bytes()))
        .with_context(|| format!("writing {}", resolved_path.display()))?;
    provenance.finished_utc = iaps::results::provenance::utc_now();
    let mut with = merged.clone();
    with.provenance = Some(provenance);
    with.save(&a.out)
        .with_context(|| format!("saving results in {}", a.out.display()))?;
    say::out(&format!(
        "{}: {} row(s) from {} shard(s) in {}",
        sc.name,
        merged.rows.len(),
        shards.len(),
        a.out.display()
    ));
    if !a.no_plots {
        let files = plot_all(&merged, &a.out).context("drawing plots")?;
        say::out(&format!(
            "{} plot file(s) in {}",
            files.len(),
            a.out.display()
        ));
    }
    Ok(())
}
