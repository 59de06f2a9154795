//! `iaps run`, `check`, `list` and `plot`: scenarios in, results files out.

use crate::{CheckCmd, RunCmd};
use anyhow::{Context, Result};
use iaps::node::DropId;
use iaps::results::{Results, RocRow, Row, plot_all};
use iaps::scenario::{Scenario, bundled};
use iaps::sweep::{RunOptions, resume_scenario};
use iaps::trace::{ChromeWriter, TraceEvent};
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

fn load(name: &str, sets: &[String]) -> Result<Scenario> {
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
    print!("{}", sc.resolved_toml());
    eprintln!("{}: ok, {} point(s) x variant(s)", sc.origin, points.len());
    Ok(())
}

/// `iaps list`: the bundled scenarios and their descriptions.
pub fn list() -> Result<()> {
    for (name, text) in bundled() {
        let sc = Scenario::parse(text, &format!("bundled:{name}"))?;
        println!("{name:<10} {}", sc.description);
    }
    Ok(())
}

/// `iaps plot DIR`: redraw the plots from DIR/results.json.
pub fn plot(dir: &Path) -> Result<()> {
    let results = Results::load(dir)
        .with_context(|| format!("reading {}", dir.join("results.json").display()))?;
    for f in plot_all(&results, dir)? {
        println!("{}", f.display());
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

/// The rows an interrupted run left in `out`, if it ran the same scenario.
fn finished_rows(out: &Path, resolved: &str) -> Result<(Vec<Row>, Vec<RocRow>)> {
    let previous = match std::fs::read_to_string(out.join("scenario.resolved.toml")) {
        Ok(p) => p,
        Err(_) => return Ok((Vec::new(), Vec::new())),
    };
    if previous != resolved {
        anyhow::bail!(
            "--resume: {} holds a different scenario; use another --out or run without --resume",
            out.join("scenario.resolved.toml").display()
        );
    }
    match Results::load(out) {
        Ok(r) => Ok((r.rows, r.roc)),
        Err(_) => Ok((Vec::new(), Vec::new())),
    }
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

    fn wanted(&self) -> bool {
        self.json.is_some() || self.chrome.is_some()
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

/// `iaps run`: every point through the engine, results saved after each point.
pub fn run(a: &RunCmd) -> Result<()> {
    let sc = load(&a.scenario, &a.sets)?;
    let points = sc.points()?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&sc.name));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let resolved_path = out.join("scenario.resolved.toml");
    let resolved = sc.resolved_toml();
    let (finished, finished_roc) = if a.resume {
        finished_rows(&out, &resolved)?
    } else {
        (Vec::new(), Vec::new())
    };
    std::fs::write(&resolved_path, &resolved)
        .with_context(|| format!("writing {}", resolved_path.display()))?;
    iaps::trace::init(None);
    let mut trace_files = TraceFiles::open(a)?;

    let total: u64 = points
        .iter()
        .skip(finished.len())
        .map(|p| p.setup.run.drops)
        .sum();
    let bar = if std::io::stderr().is_terminal() {
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
    println!(
        "{} ({}): {} point(s), results in {}",
        sc.name,
        sc.origin,
        points.len(),
        out.display()
    );
    println!(
        "{}",
        header(&sc.sweep.iter().map(|s| s.key.clone()).collect::<Vec<_>>())
    );
    let mut save_error = None;
    let opts = RunOptions {
        threads: a.threads,
        record_trace: trace_files.wanted(),
    };
    let results = resume_scenario(
        &sc,
        finished,
        finished_roc,
        opts,
        |_| bar.inc(1),
        |partial, p, output| {
            bar.suspend(|| println!("{}", line(&output.row)));
            bar.set_message(format!("{} {}", p.index, p.variant));
            if let Err(e) = trace_files.write(&p.variant, &output.traces) {
                save_error.get_or_insert(e);
            }
            if let Err(e) = partial.save(&out) {
                save_error.get_or_insert(
                    anyhow::Error::from(e).context(format!("saving results in {}", out.display())),
                );
            }
        },
    )?;
    bar.finish_and_clear();
    if let Some(e) = save_error {
        return Err(e);
    }
    results
        .save(&out)
        .with_context(|| format!("saving results in {}", out.display()))?;
    trace_files.finish()?;
    println!("\n* exact Pd of the CC's fusion if every report arrived by the deadline");
    if !a.no_plots {
        let files = plot_all(&results, &out).context("drawing plots")?;
        println!("{} plot file(s) in {}", files.len(), out.display());
    }
    eprintln!("{:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
