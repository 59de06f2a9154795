//! The bad-input corpus: every file in `tests/bad_inputs/` is a scenario (or a
//! command line) that must be refused with a clear message, never a panic.
//!
//! Each file starts with comment lines:
//! - `# expect: TEXT`: the error output must contain TEXT (repeatable);
//! - `# reject: TEXT`: it must not (a cascade or a doubled word);
//! - `# command: check|run|reference` (default `check`);
//! - `# args: A B ...`: extra arguments, split on spaces; `{TMP}` is a
//!   scratch folder, `{OUT}` the run's output folder;
//! - `# nofile`: the file itself is not passed;
//! - `# origin: --set|none`: where the message says the problem is; by
//!   default the file's path, followed by its line.
//!
//! `iaps run` cases get `--out {OUT} --no-plots`. Each case must exit with a
//! non-zero status, print every expected text, the origin, and no
//! "panicked" anywhere.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    expect: Vec<String>,
    reject: Vec<String>,
    command: String,
    args: Vec<String>,
    nofile: bool,
    origin: Option<String>,
}

fn parse(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).unwrap();
    let mut c = Case {
        expect: Vec::new(),
        reject: Vec::new(),
        command: "check".into(),
        args: Vec::new(),
        nofile: false,
        origin: Some(String::new()),
    };
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let line = line.trim_start_matches('#').trim();
        if let Some(v) = line.strip_prefix("expect:") {
            c.expect.push(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("reject:") {
            c.reject.push(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("command:") {
            c.command = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("args:") {
            c.args = v.split_whitespace().map(String::from).collect();
        } else if line == "nofile" {
            c.nofile = true;
        } else if let Some(v) = line.strip_prefix("origin:") {
            c.origin = match v.trim() {
                "none" => None,
                o => Some(o.to_string()),
            };
        }
    }
    assert!(
        !c.expect.is_empty(),
        "{}: no `# expect:` line",
        path.display()
    );
    c
}

#[test]
fn every_bad_input_is_refused_with_its_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 60, "the corpus has {} files", files.len());
    let tmp = std::env::temp_dir().join(format!("iaps-bad-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut failures = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let c = parse(path);
        let out_dir = tmp.join(format!("out{i}"));
        let fill = |a: &str| {
            a.replace("{TMP}", tmp.to_str().unwrap())
                .replace("{OUT}", out_dir.to_str().unwrap())
        };
        let mut args: Vec<String> = vec![c.command.clone()];
        if !c.nofile && c.command != "reference" {
            args.push(path.to_str().unwrap().to_string());
        }
        args.extend(c.args.iter().map(|a| fill(a)));
        if c.command == "run" && !c.args.iter().any(|a| a == "--out") {
            args.extend(["--out".into(), out_dir.to_str().unwrap().into()]);
            args.push("--no-plots".into());
        }
        let o = Command::new(env!("CARGO_BIN_EXE_iaps"))
            .args(&args)
            .output()
            .expect("run iaps");
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        let all = format!("{err}{}", String::from_utf8_lossy(&o.stdout));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut fail = |m: String| failures.push(format!("{name}: {m}\n  stderr: {err}"));
        if o.status.success() {
            fail("exited 0".into());
            continue;
        }
        if all.contains("panicked") {
            fail("panicked".into());
        }
        for e in &c.expect {
            if !err.contains(e.as_str()) {
                fail(format!("missing `{e}`"));
            }
        }
        for r in &c.reject {
            if err.contains(r.as_str()) {
                fail(format!("has `{r}`, which it must not"));
            }
        }
        match c.origin.as_deref() {
            None => {}
            Some("") => {
                // The file, then its line: `path:LINE:`.
                let p = path.to_str().unwrap();
                let at = err.find(p).map(|k| &err[k + p.len()..]);
                let with_line = at.is_some_and(|rest| {
                    rest.starts_with(':')
                        && rest[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
                });
                if !with_line {
                    fail(format!("does not name `{p}:LINE`"));
                }
            }
            Some(o) if !err.contains(o) => fail(format!("does not name its origin `{o}`")),
            Some(_) => {}
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
