//! The output directory of a run: where it is, whether it may be written,
//! and a lock so that two runs never share one.
//!
//! Rules (docs/scenarios.md, "Outputs"):
//! - without `--out`, results go to `out/NAME` with NAME made one safe path
//!   component (letters, digits, `-`, `_`, `.`; others become `_`; no
//!   leading dot), so a scenario name cannot point outside `out/`;
//! - `/` and the home folder are refused;
//! - a folder holding another scenario's results (a scenario.resolved.toml
//!   that differs) or other files is refused unless `--force`;
//! - `.iaps.lock` is created with `create_new` and removed when the run
//!   ends; a lock whose process is gone (same host, no `/proc/PID`) is stale
//!   and taken over with a note; otherwise the run is refused.

use anyhow::{Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files a run writes into its directory (besides plots).
pub const RESULT_FILES: [&str; 4] = [
    "results.csv",
    "results.json",
    "roc.csv",
    "scenario.resolved.toml",
];

/// The lock file's name.
pub const LOCK: &str = ".iaps.lock";

/// `name` as one safe path component.
pub fn safe_component(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if s.starts_with('.') {
        s.insert(0, '_');
    }
    if s.is_empty() {
        s = "scenario".into();
    }
    s
}

/// The absolute, normalized form of `p` (without resolving links of parts
/// that do not exist yet).
fn absolute(p: &Path) -> PathBuf {
    let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    // Resolve the longest existing prefix, keep the rest.
    let mut existing = p.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(n), Some(parent)) => {
                rest.push(n.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for n in rest.into_iter().rev() {
        out.push(n);
    }
    out
}

/// Refuses `/`, the home folder and folders that hold something else.
/// `resolved` is the scenario this run writes.
pub fn check(out: &Path, resolved: &str, force: bool) -> Result<()> {
    let abs = absolute(out);
    if abs.parent().is_none() {
        bail!(
            "--out {}: refusing to write results into the root folder; give a folder of its own",
            out.display()
        );
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    if home.is_some_and(|h| absolute(Path::new(&h)) == abs) {
        bail!(
            "--out {}: refusing to write results into the home folder; give a folder of its own",
            out.display()
        );
    }
    if !abs.exists() {
        return Ok(());
    }
    if !abs.is_dir() {
        bail!("--out {}: exists and is not a folder", out.display());
    }
    let previous = out.join("scenario.resolved.toml");
    match std::fs::read_to_string(&previous) {
        Ok(p) if p == resolved => Ok(()),
        Ok(p) if !force => {
            let name = p
                .lines()
                .find_map(|l| l.strip_prefix("name = "))
                .unwrap_or("?")
                .to_string();
            bail!(
                "--out {}: holds the results of another scenario ({name}, or the same one with \
                 other settings: {} differs); use another --out, or --force to replace them",
                out.display(),
                previous.display()
            )
        }
        Ok(_) => Ok(()),
        Err(_) if force => Ok(()),
        Err(_) => {
            let others: Vec<String> = std::fs::read_dir(out)
                .map(|d| {
                    d.filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| n != LOCK && !n.starts_with(".results") && !n.contains(".tmp"))
                        .take(3)
                        .collect()
                })
                .unwrap_or_default();
            if others.is_empty() {
                Ok(())
            } else {
                bail!(
                    "--out {}: is not empty and holds no iaps results (it has {}{}); use an empty \
                     or new folder, or --force to write into it",
                    out.display(),
                    others.join(", "),
                    if others.len() == 3 { ", ..." } else { "" }
                )
            }
        }
    }
}

/// Refuses trace paths that would overwrite the run's results or each other.
pub fn check_traces(out: &Path, json: Option<&Path>, chrome: Option<&Path>) -> Result<()> {
    let out = absolute(out);
    let mut seen: Vec<(PathBuf, &str)> = Vec::new();
    for (p, flag) in [(json, "--trace-json"), (chrome, "--trace-chrome")] {
        let Some(p) = p else { continue };
        let abs = absolute(p);
        if let Some((_, other)) = seen.iter().find(|(q, _)| *q == abs) {
            bail!(
                "{flag} {}: the same file as {other}; give each trace its own file",
                p.display()
            );
        }
        let name = abs.file_name().map(|n| n.to_string_lossy().into_owned());
        let in_out = abs.parent() == Some(out.as_path());
        let clash = name.as_deref().is_some_and(|n| {
            RESULT_FILES.contains(&n) || n == LOCK || n.ends_with(".svg") || n.ends_with(".png")
        });
        if in_out && clash {
            bail!(
                "{flag} {}: would overwrite the run's results in {}; write the trace elsewhere",
                p.display(),
                out.display()
            );
        }
        if abs == out {
            bail!("{flag} {}: is the output folder", p.display());
        }
        seen.push((abs, flag));
    }
    Ok(())
}

/// The lock of one output folder, removed when dropped.
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes `out/.iaps.lock` (see the module doc for stale locks).
    pub fn take(out: &Path) -> Result<Lock> {
        let path = out.join(LOCK);
        for attempt in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    let _ = writeln!(
                        f,
                        "pid {}\nhost {}\nstarted {}",
                        std::process::id(),
                        host(),
                        iaps::results::provenance::utc_now()
                    );
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt == 0 => {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    let field = |k: &str| {
                        text.lines()
                            .find_map(|l| l.strip_prefix(k).map(|v| v.trim().to_string()))
                    };
                    let pid = field("pid ").and_then(|p| p.parse::<u32>().ok());
                    let same_host = field("host ").is_none_or(|h| h == host());
                    let gone = pid.is_some_and(|pid| {
                        same_host
                            && Path::new("/proc/self").exists()
                            && !Path::new(&format!("/proc/{pid}")).exists()
                    });
                    if gone {
                        crate::say::err(&format!(
                            "iaps: note: removing the stale lock {} of process {} (no longer running)",
                            path.display(),
                            pid.unwrap_or(0)
                        ));
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    bail!(
                        "{} is locked by another run ({}); wait for it, use another --out, or \
                         delete the lock if no run is using the folder",
                        path.display(),
                        text.trim().replace('\n', ", ")
                    );
                }
                Err(e) => bail!("creating {}: {e}", path.display()),
            }
        }
        bail!("could not take {}", path.display())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// This machine's name, for the lock (empty if unknown).
fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}
