//! `iaps run`: the embedded default scenario through the message-passing engine.

use crate::EngineArgs;
use anyhow::{Context, Result, bail};
use iaps::network::run_drops;
use iaps::presets::{default_params, default_settings};
use std::io::Write;

pub fn run_default(a: &EngineArgs) -> Result<()> {
    if a.drops == 0 || a.frames == 0 {
        bail!("--drops and --frames must be >= 1");
    }
    let p = default_params(a.rcs_db);
    if let Err(errs) = p.validate() {
        let lines: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
        bail!("invalid parameters:\n{}", lines.join("\n"));
    }
    let tracing_files = a.trace_json.is_some() || a.trace_chrome.is_some();
    iaps::trace::init(None, tracing_files);
    let started = std::time::Instant::now();
    println!(
        "iaps {}: paper Fig. 7 system (R = {}, K = {}, M = {}, N = {}, L = {}), sigma_rcs^2 = {} dB, Pfa = {:e}",
        env!("CARGO_PKG_VERSION"),
        p.system.raps,
        p.system.users,
        p.system.tx_antennas,
        p.system.rap_antennas,
        p.system.frame_symbols,
        a.rcs_db,
        p.sensing.pfa
    );
    println!(
        "{} drops x {} frames per setting, seed {}; one frame per ms, 1 ms decision budget, 50 us link latency\n",
        a.drops, a.frames, a.seed
    );
    println!(
        "{:<22} {:>8} {:>24} {:>8} {:>9} {:>11} {:>11} {:>9} {:>9} {:>6} {:>6}",
        "backhaul",
        "SINR ok",
        "Pd [95% CI]",
        "Pd exact*",
        "Pfa",
        "lat mean",
        "lat p99",
        "B/frame",
        "max util",
        "late",
        "lost"
    );
    let mut traces = Vec::new();
    let mut per_link = Vec::new();
    for (i, (label, net)) in default_settings().into_iter().enumerate() {
        if let Err(errs) = net.validate() {
            let lines: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
            bail!(
                "setting {label}: invalid network parameters:\n{}",
                lines.join("\n")
            );
        }
        let out = run_drops(&p, &net, a.seed, a.drops, a.frames, a.threads, |_| {})
            .with_context(|| format!("setting {label}"))?;
        // One Chrome process per (setting, drop).
        traces.extend(out.trace.into_iter().map(|mut r| {
            r.drop += i as u64 * a.drops;
            r
        }));
        let m = out.metrics;
        let (pd, ci) = m.pd();
        let (pfa, _) = m.pfa();
        let (lat, p99) = m.latency();
        let util = m
            .uplinks
            .iter()
            .map(|l| l.utilization())
            .fold(0.0, f64::max);
        println!(
            "{:<22} {:>8} {:>6.4} [{:.4}, {:.4}] {:>8.4} {:>9.2e} {:>8.1} us {:>8.1} us {:>9.0} {:>9.3} {:>6} {:>6}",
            label,
            format!("{}/{}", m.drops - m.infeasible_drops, m.drops),
            pd,
            ci.low,
            ci.high,
            m.pd_analytic_exact(),
            pfa,
            lat * 1e6,
            p99 * 1e6,
            m.bytes_per_frame(),
            util,
            m.late,
            m.lost
        );
        per_link.push((label, m));
    }
    if a.per_link {
        for (label, m) in &per_link {
            println!("\n{label}: per link");
            println!(
                "{:<8} {:>10} {:>12} {:>9} {:>8} {:>8} {:>12}",
                "link", "messages", "bytes", "util", "lost", "dropped", "peak queue"
            );
            let frames = m.frames.len().max(1) as f64;
            let rows = m
                .uplinks
                .iter()
                .enumerate()
                .map(|(r, l)| (format!("up{r}"), l));
            let rows = rows.chain(
                m.downlinks
                    .iter()
                    .enumerate()
                    .map(|(r, l)| (format!("down{r}"), l)),
            );
            for (name, l) in rows.filter(|(_, l)| l.stats.offered > 0) {
                let s = &l.stats;
                println!(
                    "{:<8} {:>10} {:>10.0}/f {:>9.4} {:>8} {:>8} {:>10} B",
                    name,
                    s.offered,
                    s.offered_bytes as f64 / frames,
                    l.utilization(),
                    s.lost,
                    s.dropped,
                    s.peak_queue_bytes
                );
            }
        }
    }
    if let Some(path) = &a.trace_json {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        iaps::trace::write_json_lines(&mut f, &traces)?;
        f.flush()?;
    }
    if let Some(path) = &a.trace_chrome {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        iaps::trace::write_chrome(&mut f, &traces)?;
        f.flush()?;
    }
    println!("\n* exact Pd of the CC's fusion if every report arrived by the deadline");
    eprintln!("\n{:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
