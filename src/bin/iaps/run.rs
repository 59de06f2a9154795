//! `iaps run`, `check`, `list` and `plot`: scenarios in, results files out.

use crate::{CheckCmd, RunCmd, outdir, say};
use anyhow::{Context, Result, bail};
use iaps::node::DropId;
use iaps::results::{Provenance, Results, RocRow, Row, plot_all};
use iaps::scenario::{Point, Scenario, bundled};
use iaps::sweep::{RunOptions, resume_scenario, selected_points};
use iaps::trace::{ChromeWriter, TraceEvent};
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// A bundled scenario or a file, with `--set` overrides applied.
pub(crate) fn load(name: &str, sets: &[String]) -> Result<Scenario> {
    let is_bundled = bundled().iter().any(|(n, _)| *n == name);
    if !is_bundled && !Path::new(name).exists() {
        bail!(
            "no scenario `{name}`: it is neither a bundled scenario nor a file; `iaps list` \
             shows the bundled ones"
        );
    }
    let mut sc = Scenario::named(name)?;
    for s in sets {
        sc.set(s)?;
    }
    Ok(sc)
}

/// `iaps check`: validate every point and print the resolved scenario.
pub fn check(a: &CheckCmd) -> Result<()> {
    let sc = load(&a.scenario, &a.sets)?;
    let points = sc.points()?;
    say::out_raw(&sc.resolved_toml());
    let drops: u64 = points
        .iter()
        .map(|p| p.setup.run.drops)
        .fold(0, u64::saturating_add);
    say::err(&format!(
        "{}: ok, {} point(s) x variant(s), {drops} drop(s) in all",
        sc.origin,
        points.len()
    ));
    Ok(())
}

/// `iaps list`: the bundled scenarios and their descriptions.
pub fn list() -> Result<()> {
    let width = bundled().iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, text) in bundled() {
        let sc = Scenario::parse(text, &format!("bundled:{name}"))?;
        say::out(&format!("{name:<width$} {}", sc.description));
    }
    Ok(())
}

/// `iaps plot DIR`: redraw the plots from DIR/results.json.
pub fn plot(dir: &Path) -> Result<()> {
    let results = Results::load(dir)
        .with_context(|| format!("reading {}", dir.join("results.json").display()))?;
    for f in plot_all(&results, dir)? {
        say::out(&f.display().to_string());
    }
    Ok(())
}

fn header(keys: &[String]) -> String {
    let mut h: String = keys.iter().map(|k| format!("{k:>16} ")).collect();
    h.push_str(&format!(
        "{:<22} {:>24} {:>9} {:>9} {:>10} {:>10} {:>9} {:>6} {:>6} {:>7}",
        "variant",
        "Pd [95% CI]",
        "Pd exact*",
        "Pfa",
        "lat mean",
        "lat p99",
        "B/frame",
        "late",
        "lost",
        "SINR ok"
    ));
    h
}

fn line(r: &Row) -> String {
    let mut s: String = r
        .coords
        .iter()
        .map(|c| format!("{:>16} ", c.to_string().trim_matches('"')))
        .collect();
    s.push_str(&format!(
        "{:<22} {:>6.4} [{:.4}, {:.4}] {:>9.4} {:>9.2e} {:>7.1} us {:>7.1} us {:>9.0} {:>6.3} {:>6.3} {:>7.3}",
        r.variant,
        r.pd,
        r.pd_low,
        r.pd_high,
        r.pd_analytic_exact,
        r.pfa,
        r.latency_mean_s * 1e6,
        r.latency_p99_s * 1e6,
        r.backhaul_bytes_per_frame,
        r.late_fraction,
        r.lost_fraction,
        r.sinr_ok_fraction
    ));
    s
}

/// The rows an interrupted run left in `out`, if it ran the same scenario:
/// the longest valid prefix of the points to run (see [`resume_check`]).
/// Says on standard error how many rows it keeps, or why it starts over.
fn finished_rows(
    out: &Path,
    resolved: &str,
    points: &[Point],
    quiet: bool,
) -> Result<(Vec<Row>, Vec<RocRow>)> {
    let note = |m: String| {
        if !quiet {
            say::err(&format!("iaps: --resume: {m}"));
        }
    };
    let resolved_path = out.join("scenario.resolved.toml");
    let previous = match std::fs::read_to_string(&resolved_path) {
        Ok(p) => p,
        Err(_) => {
            note(format!(
                "no {} to resume: starting from the first point",
                resolved_path.display()
            ));
            return Ok((Vec::new(), Vec::new()));
        }
    };
    if previous != resolved {
        bail!(
            "--resume: {} holds a different scenario; use another --out or run without --resume",
            resolved_path.display()
        );
    }
    let r = match Results::load(out) {
        Ok(r) => r,
        Err(e) => {
            note(format!(
                "cannot use {}: {e}; starting over",
                out.join("results.json").display()
            ));
            return Ok((Vec::new(), Vec::new()));
        }
    };
    let (keep, why) = resume_check(&r, points);
    let rows: Vec<Row> = r.rows.into_iter().take(keep).collect();
    if let Some(why) = why {
        note(format!(
            "kept {keep} row(s); {why}: running it and the points after it again"
        ));
    } else {
        note(format!(
            "kept {keep} row(s) of {}; running the other {}",
            points.len(),
            points.len() - keep
        ));
    }
    Ok((rows, r.roc))
}

/// How many leading rows of `r` may be kept for `points` (the points the
/// run would run, in order), and why the next one may not, if one is there.
/// A kept row is the point's (coordinates and variant equal), has
/// probabilities in [0, 1] (or NaN) with low <= estimate <= high, and counts
/// that agree (drops as the point says, infeasible and null frames within
/// their totals); its ROC rows are valid the same way.
pub fn resume_check(r: &Results, points: &[Point]) -> (usize, Option<String>) {
    for (i, row) in r.rows.iter().enumerate() {
        let Some(p) = points.get(i) else {
            return (
                i,
                Some(format!(
                    "row {} is past the scenario's {} point(s)",
                    i + 1,
                    points.len()
                )),
            );
        };
        let coords: Vec<serde_json::Value> = p
            .coords
            .iter()
            .map(|(_, v)| iaps::sweep::toml_to_json(v))
            .collect();
        let bad = |m: String| (i, Some(format!("row {} ({}) {m}", i + 1, row.variant)));
        if row.coords != coords || row.variant != p.variant {
            return bad(format!(
                "is not point {} of the scenario ({:?} '{}')",
                i + 1,
                coords,
                p.variant
            ));
        }
        if let Some(m) = row_problem(row, p.setup.run.drops) {
            return bad(m);
        }
        let roc: Vec<&RocRow> = (r.roc.iter())
            .filter(|x| x.coords == row.coords && x.variant == row.variant)
            .collect();
        if roc.len() != p.setup.run.roc_pfa.len()
            && p.setup.run.fidelity != iaps::scenario::Fidelity::Analytic
        {
            return bad(format!(
                "has {} ROC row(s), not {}",
                roc.len(),
                p.setup.run.roc_pfa.len()
            ));
        }
        for x in roc {
            if let Some(m) = roc_problem(x) {
                return bad(m);
            }
        }
    }
    (r.rows.len().min(points.len()), None)
}

/// Whether `lo <= x <= hi` within [0, 1], NaN allowed (all NaN, or just x).
fn interval_ok(name: &str, x: f64, lo: f64, hi: f64) -> Option<String> {
    let p = |v: f64| v.is_nan() || (0.0..=1.0).contains(&v);
    for (n, v) in [
        (name.to_string(), x),
        (format!("{name}_low"), lo),
        (format!("{name}_high"), hi),
    ] {
        if !p(v) {
            return Some(format!("has {n} = {v}, outside [0, 1]"));
        }
    }
    let any_nan = x.is_nan() || lo.is_nan() || hi.is_nan();
    if !any_nan && !(lo..=hi).contains(&x) {
        return Some(format!(
            "has {name} = {x} outside its interval [{lo}, {hi}]"
        ));
    }
    None
}

fn row_problem(r: &Row, drops: u64) -> Option<String> {
    interval_ok("pd", r.pd, r.pd_low, r.pd_high)
        .or_else(|| interval_ok("pfa", r.pfa, r.pfa_low, r.pfa_high))
        .or_else(|| {
            for (n, v) in [
                ("pd_analytic_paper", r.pd_analytic_paper),
                ("pd_analytic_exact", r.pd_analytic_exact),
                ("pd_analytic_corrected", r.pd_analytic_corrected),
                ("pd_analytic_arrived", r.pd_analytic_arrived),
                ("pfa_analytic_arrived", r.pfa_analytic_arrived),
                ("late_fraction", r.late_fraction),
                ("lost_fraction", r.lost_fraction),
                ("sinr_ok_fraction", r.sinr_ok_fraction),
                ("pd_drops_low", r.pd_drops_low),
                ("pd_drops_high", r.pd_drops_high),
                ("stale_fraction", r.stale_fraction),
            ] {
                if !(v.is_nan() || (0.0..=1.0).contains(&v)) {
                    return Some(format!("has {n} = {v}, outside [0, 1]"));
                }
            }
            None
        })
        .or_else(|| {
            (r.drops != drops).then(|| format!("has drops = {}, the point runs {drops}", r.drops))
        })
        .or_else(|| {
            (r.infeasible_drops > r.drops).then(|| {
                format!(
                    "has infeasible_drops = {} > drops = {}",
                    r.infeasible_drops, r.drops
                )
            })
        })
        .or_else(|| {
            let fused: u64 = r.fused_nodes.iter().sum();
            (!r.fused_nodes.is_empty() && fused != r.frames).then(|| {
                format!(
                    "has a fused_nodes histogram of {fused} frames for frames = {}",
                    r.frames
                )
            })
        })
        .or_else(|| {
            (r.null_frames > r.frames).then(|| {
                format!(
                    "has null_frames = {} > frames = {}",
                    r.null_frames, r.frames
                )
            })
        })
}

fn roc_problem(r: &RocRow) -> Option<String> {
    interval_ok("roc pd", r.pd, r.pd_low, r.pd_high)
        .or_else(|| interval_ok("roc pfa", r.pfa, r.pfa_low, r.pfa_high))
        .or_else(|| {
            (!(r.pfa_design > 0.0 && r.pfa_design < 1.0))
                .then(|| format!("has a ROC row with pfa_design = {}", r.pfa_design))
        })
}

/// The trace files of a run, written point by point as the run goes.
struct TraceFiles {
    json: Option<(PathBuf, BufWriter<File>)>,
    chrome: Option<(PathBuf, ChromeWriter<BufWriter<File>>)>,
}

impl TraceFiles {
    /// Creates the files now, so a bad path fails before any work is done.
    fn open(a: &RunCmd) -> Result<Self> {
        let create = |path: &PathBuf| -> Result<BufWriter<File>> {
            let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
            Ok(BufWriter::new(f))
        };
        let json = match &a.trace_json {
            Some(p) => Some((p.clone(), create(p)?)),
            None => None,
        };
        let chrome = match &a.trace_chrome {
            Some(p) => Some((p.clone(), ChromeWriter::new(create(p)?)?)),
            None => None,
        };
        Ok(TraceFiles { json, chrome })
    }

    fn write(&mut self, label: &str, traces: &[(DropId, Vec<TraceEvent>)]) -> Result<()> {
        for (id, events) in traces {
            if let Some((path, w)) = &mut self.json {
                iaps::trace::write_json_lines(w, *id, events)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            if let Some((path, w)) = &mut self.chrome {
                w.write_drop(*id, label, events)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        if let Some((path, mut w)) = self.json {
            w.flush()
                .with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some((path, w)) = self.chrome {
            let mut w = w
                .finish()
                .with_context(|| format!("writing {}", path.display()))?;
            w.flush()
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    }
}

/// A duration for people: seconds to years.
fn human(secs: f64) -> String {
    if !secs.is_finite() {
        return "forever".into();
    }
    let (v, unit) = if secs < 120.0 {
        (secs, "s")
    } else if secs < 7200.0 {
        (secs / 60.0, "min")
    } else if secs < 2.0 * 86400.0 {
        (secs / 3600.0, "h")
    } else if secs < 2.0 * 365.25 * 86400.0 {
        (secs / 86400.0, "days")
    } else {
        (secs / (365.25 * 86400.0), "years")
    };
    if v >= 1e6 {
        format!("{v:.2e} {unit}")
    } else {
        format!("{v:.1} {unit}")
    }
}

/// `iaps run`: every point through the engine, results saved after each point.
pub fn run(a: &RunCmd) -> Result<()> {
    let sc = load(&a.scenario, &a.sets)?;
    let opts = RunOptions {
        threads: a.threads,
        record_trace: a.trace_json.is_some() || a.trace_chrome.is_some(),
        shard: a.shard,
    };
    let points = selected_points(&sc, &opts)?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(outdir::safe_component(&sc.name)));
    let resolved = sc.resolved_toml();
    outdir::check(&out, &resolved, a.force || a.resume)?;
    outdir::check_traces(&out, a.trace_json.as_deref(), a.trace_chrome.as_deref())?;
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let _lock = outdir::Lock::take(&out)?;
    let mut trace_files = TraceFiles::open(a)?;
    let resolved_path = out.join("scenario.resolved.toml");
    let (finished, finished_roc) = if a.resume {
        finished_rows(&out, &resolved, &points, a.quiet)?
    } else {
        (Vec::new(), Vec::new())
    };
    iaps::results::write_file(&resolved_path, |w| w.write_all(resolved.as_bytes()))
        .with_context(|| format!("writing {}", resolved_path.display()))?;
    iaps::trace::init(None);
    let mut provenance = Provenance::start(&resolved, Some(iaps::pool::threads(a.threads)));
    provenance.shard = a.shard.map_or(String::new(), |s| s.to_string());

    let todo = &points[finished.len().min(points.len())..];
    let total: u64 = todo
        .iter()
        .map(|p| p.setup.run.drops)
        .fold(0, u64::saturating_add);
    let frames: f64 = todo
        .iter()
        .map(|p| p.setup.run.drops as f64 * p.setup.run.frames as f64)
        .sum();
    let show = !a.quiet;
    let bar = if show && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} drops  {elapsed} elapsed, ETA {eta}  {msg}",
            )
            .expect("valid template"),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = std::time::Instant::now();
    if show {
        say::out(&format!(
            "{} ({}): {} point(s){}, results in {}",
            sc.name,
            sc.origin,
            points.len(),
            a.shard.map_or(String::new(), |s| format!(" of shard {s}")),
            out.display()
        ));
        say::err(&format!(
            "iaps: work: {total} drop(s), {} frame(s) in {} point(s) to run; a time \
             estimate follows the first drop",
            iaps::results::float_cell(frames),
            todo.len()
        ));
        say::out(&header(
            &sc.sweep.iter().map(|s| s.key.clone()).collect::<Vec<_>>(),
        ));
    }
    let mut save_error = None;
    let mut estimated = false;
    // Without a terminal (no bar): a progress line after 5 s, then every 30 s.
    let mut next_report = 5.0;
    let save = |partial: &Results, provenance: &Provenance| -> Result<()> {
        let mut r = partial.clone();
        r.provenance = Some(provenance.clone());
        r.save(&out)
            .with_context(|| format!("saving results in {}", out.display()))
    };
    let results = resume_scenario(
        &sc,
        finished,
        finished_roc,
        opts,
        |i| {
            bar.inc(1);
            if !show {
                return;
            }
            let done = i + 1;
            let elapsed = started.elapsed().as_secs_f64();
            let eta = elapsed / done as f64 * (total - done) as f64;
            if !estimated {
                estimated = true;
                bar.suspend(|| {
                    say::err(&format!(
                        "iaps: estimate: {} per drop, about {} for all {total} drop(s)",
                        human(elapsed / done as f64),
                        human(elapsed / done as f64 * total as f64)
                    ))
                });
            } else if bar.is_hidden() && elapsed >= next_report {
                next_report = elapsed + 30.0;
                say::err(&format!(
                    "iaps: progress: {done}/{total} drops ({:.1}%), {} elapsed, about {} to go",
                    100.0 * done as f64 / total.max(1) as f64,
                    human(elapsed),
                    human(eta)
                ));
            }
        },
        |partial, p, output| {
            if show {
                bar.suspend(|| say::out(&line(&output.row)));
            }
            bar.set_message(format!("{} {}", p.index, p.variant));
            if let Err(e) = trace_files.write(&p.variant, &output.traces) {
                save_error.get_or_insert(e);
            }
            if let Err(e) = save(partial, &provenance) {
                save_error.get_or_insert(e);
            }
        },
    )?;
    bar.finish_and_clear();
    if let Some(e) = save_error {
        return Err(e);
    }
    provenance.finished_utc = iaps::results::provenance::utc_now();
    save(&results, &provenance)?;
    trace_files.finish()?;
    if show {
        say::out("\n* exact Pd of the CC's fusion if every report arrived by the deadline");
    }
    if !a.no_plots {
        let files = plot_all(&results, &out).context("drawing plots")?;
        if show {
            say::out(&format!(
                "{} plot file(s) in {}",
                files.len(),
                out.display()
            ));
        }
    }
    if show {
        say::err(&format!("{:.1} s", started.elapsed().as_secs_f64()));
    }
    Ok(())
}
