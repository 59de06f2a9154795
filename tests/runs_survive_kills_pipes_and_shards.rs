//! Reliability of `iaps run` and `iaps merge`: a run killed with SIGKILL and
//! resumed, three shards merged, and an uninterrupted run all give the same
//! bytes; a reader polling the results never sees an empty or torn file; a
//! closed or full standard output neither panics nor loses the results; the
//! output folder is guarded (other scenarios, locks, names, traces).

use iaps::results::{Results, plot_all};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_iaps"))
}

fn iaps(args: &[&str]) -> Output {
    bin().args(args).output().expect("run iaps")
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("iaps-rel-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// results.json without its `provenance` object (written last; it records
/// the command line, thread count and times, which differ between runs).
fn without_provenance(json: &[u8]) -> String {
    let text = String::from_utf8(json.to_vec()).unwrap();
    match text.find(",\n  \"provenance\"") {
        Some(k) => format!("{}\n}}\n", &text[..k]),
        None => text,
    }
}

/// Asserts that two results folders hold the same results.csv and roc.csv
/// bytes, and the same results.json but for its provenance.
fn assert_same_results(a: &Path, b: &Path) {
    for f in ["results.csv", "roc.csv", "scenario.resolved.toml"] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    let (x, y) = (
        std::fs::read(a.join("results.json")).unwrap(),
        std::fs::read(b.join("results.json")).unwrap(),
    );
    assert!(x.windows(14).any(|w| w == b"\"provenance\": "));
    assert_eq!(
        without_provenance(&x),
        without_provenance(&y),
        "results.json"
    );
}

/// A sweep of 6 x 4 = 24 points that takes a few seconds on one thread.
const SLOW: [&str; 6] = [
    "--set",
    "run.drops=10",
    "--set",
    "run.frames=300",
    "--set",
    "sweep.run.seed=[1,2,3,4,5,6]",
];

fn spawn(args: &[&str]) -> Child {
    bin()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn rows_in(dir: &Path) -> usize {
    std::fs::File::open(dir.join("results.json"))
        .ok()
        .and_then(|f| Results::read_json(f).ok())
        .map_or(0, |r| r.rows.len())
}

#[test]
fn a_killed_run_resumes_to_the_bytes_of_an_uninterrupted_one() {
    let dir = temp("kill");
    let (full, cut) = (dir.join("full"), dir.join("cut"));
    let args = |out: &Path| -> Vec<String> {
        let mut v: Vec<String> = ["run", "--no-plots", "--threads", "1", "--out", s(out)]
            .iter()
            .map(|x| x.to_string())
            .collect();
        v.extend(SLOW.iter().map(|x| x.to_string()));
        v
    };
    let mut child = spawn(&refs(&args(&cut)));
    let started = Instant::now();
    while rows_in(&cut) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no row appeared"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let kept = rows_in(&cut);
    assert!(
        (1..24).contains(&kept),
        "killed mid-run: {kept} of 24 rows written"
    );
    assert!(
        cut.join(".iaps.lock").exists(),
        "a killed run leaves its lock"
    );

    let o = iaps(&refs(&args(&full)));
    assert!(o.status.success(), "{}", stderr(&o));
    let mut resume = args(&cut);
    resume.push("--resume".into());
    let o = iaps(&refs(&resume));
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("removing the stale lock"), "{err}");
    assert!(err.contains(&format!("kept {kept} row(s) of 24")), "{err}");
    assert!(!cut.join(".iaps.lock").exists());
    assert_same_results(&full, &cut);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn resume_says_what_it_keeps_and_reruns_bad_rows() {
    let dir = temp("resume");
    let out = dir.join("r");
    let base = [
        "run",
        "--no-plots",
        "--set",
        "run.drops=2",
        "--set",
        "run.frames=5",
        "--out",
        s(&out),
    ];
    let o = iaps(&base);
    assert!(o.status.success(), "{}", stderr(&o));
    let good = std::fs::read(out.join("results.csv")).unwrap();
    let with_resume = [&base[..], &["--resume"]].concat();

    // A tampered row: pd = 5 is not a probability.
    let mut r = Results::load(&out).unwrap();
    r.rows[1].pd = 5.0;
    r.save(&out).unwrap();
    let o = iaps(&with_resume);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("kept 1 row(s); row 2") && err.contains("pd = 5"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("results.csv")).unwrap(), good);

    // A fused-nodes histogram that does not count the row's frames.
    let mut r = Results::load(&out).unwrap();
    assert_eq!(r.rows[2].fused_nodes.iter().sum::<u64>(), r.rows[2].frames);
    r.rows[2].fused_nodes[0] += 1;
    r.save(&out).unwrap();
    let err = stderr(&iaps(&with_resume));
    assert!(
        err.contains("kept 2 row(s); row 3") && err.contains("fused_nodes histogram"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("results.csv")).unwrap(), good);

    // A row of another point is not kept either.
    let mut r = Results::load(&out).unwrap();
    r.rows.swap(0, 1);
    r.save(&out).unwrap();
    let err = stderr(&iaps(&with_resume));
    assert!(
        err.contains("kept 0 row(s); row 1") && err.contains("is not point 1"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("results.csv")).unwrap(), good);

    // An unreadable results.json: says so and starts over.
    std::fs::write(out.join("results.json"), "{ not json").unwrap();
    let o = iaps(&with_resume);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("cannot use") && err.contains("starting over"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("results.csv")).unwrap(), good);

    // All rows valid: all kept.
    let err = stderr(&iaps(&with_resume));
    assert!(
        err.contains("kept 4 row(s) of 4; running the other 0"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn three_merged_shards_equal_one_run() {
    let dir = temp("shards");
    let common = [
        "--set",
        "run.drops=2",
        "--set",
        "run.frames=20",
        "--set",
        "sweep.run.seed=[1,2,3]",
    ];
    let one = dir.join("one");
    let o = iaps(&[&["run", "--out", s(&one)], &common[..]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let mut shard_dirs = Vec::new();
    for i in 1..=3 {
        let d = dir.join(format!("shard{i}"));
        let shard = format!("{i}/3");
        let o = iaps(
            &[
                &["run", "--no-plots", "--shard", &shard, "--out", s(&d)],
                &common[..],
            ]
            .concat(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(rows_in(&d), 4, "shard {i} has 12 / 3 points");
        shard_dirs.push(d);
    }
    let merged = dir.join("merged");
    // Any order of the shard folders.
    let o = iaps(&[
        "merge",
        s(&shard_dirs[2]),
        s(&shard_dirs[0]),
        s(&shard_dirs[1]),
        "--out",
        s(&merged),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_results(&one, &merged);
    for plot in ["pd_vs_run_seed.svg", "pd_vs_run_seed.png"] {
        assert_eq!(
            std::fs::read(one.join(plot)).unwrap(),
            std::fs::read(merged.join(plot)).unwrap(),
            "{plot}"
        );
    }
    let p = Results::load(&merged).unwrap().provenance.unwrap();
    assert_eq!(p.shards.len(), 3);
    assert_eq!(
        p.shards
            .iter()
            .map(|s| s.shard.as_str())
            .collect::<Vec<_>>(),
        ["1/3", "2/3", "3/3"]
    );
    assert_eq!(p.threads, None);

    // A missing shard, a shard given twice, another scenario: refused.
    let out2 = dir.join("m2");
    let o = iaps(&[
        "merge",
        s(&shard_dirs[0]),
        s(&shard_dirs[1]),
        "--out",
        s(&out2),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is in no shard"), "{}", stderr(&o));
    let o = iaps(&[
        "merge",
        s(&shard_dirs[0]),
        s(&shard_dirs[0]),
        s(&shard_dirs[1]),
        s(&shard_dirs[2]),
        "--out",
        s(&out2),
    ]);
    assert!(
        stderr(&o).contains("is in more than one shard"),
        "{}",
        stderr(&o)
    );
    let other = dir.join("other");
    let o = iaps(&[
        "run",
        "--no-plots",
        "--shard",
        "1/3",
        "--set",
        "run.drops=1",
        "--set",
        "run.frames=1",
        "--out",
        s(&other),
    ]);
    assert!(o.status.success());
    let o = iaps(&["merge", s(&shard_dirs[0]), s(&other), "--out", s(&out2)]);
    assert!(stderr(&o).contains("is another scenario"), "{}", stderr(&o));

    // Every row, here and in ROC, has low <= estimate <= high (including
    // rates at zero counts, where the ends are exact).
    let r = Results::load(&merged).unwrap();
    let ok = |lo: f64, x: f64, hi: f64| x.is_nan() || (lo <= x && x <= hi);
    for row in &r.rows {
        assert!(ok(row.pd_low, row.pd, row.pd_high), "{row:?}");
        assert!(ok(row.pfa_low, row.pfa, row.pfa_high), "{row:?}");
    }
    assert!(
        r.rows
            .iter()
            .any(|row| row.pfa == 0.0 && row.pfa_low == 0.0)
    );
    for row in &r.roc {
        assert!(ok(row.pd_low, row.pd, row.pd_high), "{row:?}");
        assert!(ok(row.pfa_low, row.pfa, row.pfa_high), "{row:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Fields of one CSV line (RFC 4180 quotes).
fn fields(line: &str) -> usize {
    let (mut n, mut quoted) = (1, false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => n += 1,
            _ => {}
        }
    }
    n
}

#[test]
fn a_reader_polling_during_a_run_never_sees_a_torn_file() {
    let dir = temp("poll");
    let out = dir.join("p");
    let mut child = spawn(
        &[
            &["run", "--no-plots", "--threads", "1", "--out", s(&out)],
            &SLOW[..],
        ]
        .concat(),
    );
    let mut reads = 0;
    let mut rows_seen = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(csv) = std::fs::read_to_string(out.join("results.csv")) {
            assert!(!csv.is_empty(), "results.csv was empty");
            assert!(csv.ends_with('\n'), "results.csv was torn: {csv}");
            let mut lines = csv.lines();
            let width = fields(lines.next().unwrap());
            for l in lines {
                assert_eq!(fields(l), width, "torn line {l}");
            }
            reads += 1;
        }
        if let Ok(bytes) = std::fs::read(out.join("results.json")) {
            let r = Results::read_json(&bytes[..]).expect("results.json parses");
            rows_seen = rows_seen.max(r.rows.len());
            reads += 1;
        }
    }
    assert!(child.wait().unwrap().success());
    assert!(reads > 20, "only {reads} reads");
    assert!(rows_seen >= 1);
    assert_eq!(rows_in(&out), 24);
    let stray: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(stray.is_empty(), "temporary files left: {stray:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_closed_or_full_stdout_still_saves_the_results() {
    let dir = temp("pipe");
    let out = dir.join("head");
    // `iaps run | head -1`: read one line, then close the pipe.
    let mut child = bin()
        .args([
            "run",
            "--set",
            "run.drops=2",
            "--set",
            "run.frames=10",
            "--out",
            s(&out),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("default"), "{first}");
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.status.success(), "a closed pipe is not an error: {err}");
    assert_eq!(rows_in(&out), 4);
    assert!(out.join("pd_by_variant.svg").exists(), "plots drawn too");

    // A full device: the results are saved, the failure is reported.
    if Path::new("/dev/full").exists() {
        let out = dir.join("full");
        let o = bin()
            .args([
                "run",
                "--no-plots",
                "--set",
                "run.drops=2",
                "--set",
                "run.frames=10",
                "--out",
                s(&out),
            ])
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(o.status.code(), Some(1));
        assert!(err.contains("writing to standard output"), "{err}");
        assert_eq!(rows_in(&out), 4);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_output_folder_is_guarded() {
    let dir = temp("guard");
    let out = dir.join("o");
    let small = [
        "--no-plots",
        "--set",
        "run.drops=1",
        "--set",
        "run.frames=2",
    ];
    let run = |extra: &[&str]| iaps(&[&["run", "--out", s(&out)], &small[..], extra].concat());
    assert!(run(&[]).status.success());
    assert!(run(&[]).status.success(), "the same scenario may run again");
    // Another scenario's results: refused, unless --force.
    let o = run(&["--set", "run.seed=9"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("holds the results of another scenario"),
        "{}",
        stderr(&o)
    );
    assert!(run(&["--set", "run.seed=9", "--force"]).status.success());
    // A live lock: refused.
    let lock = out.join(".iaps.lock");
    std::fs::write(&lock, format!("pid {}\n", std::process::id())).unwrap();
    let o = run(&["--set", "run.seed=9"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is locked by another run"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(&lock).unwrap();
    // A folder with other files: refused.
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("thesis.tex"), "x").unwrap();
    let o = iaps(&[&["run", "--out", s(&docs)], &small[..]].concat());
    assert!(
        stderr(&o).contains("holds no iaps results"),
        "{}",
        stderr(&o)
    );
    // The home folder and the root: refused.
    let o = bin()
        .args([&["run", "--out", s(&docs)], &small[..]].concat())
        .env("HOME", &docs)
        .output()
        .unwrap();
    assert!(stderr(&o).contains("home folder"), "{}", stderr(&o));
    // A scenario name is one path component under out/.
    let cwd = dir.join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let o = bin()
        .args([&["run", "--set", "name=../../escape"], &small[..]].concat())
        .current_dir(&cwd)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(cwd.join("out/_.._.._escape/results.csv").exists());
    assert!(!dir.join("escape").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn quiet_runs_print_nothing_and_results_carry_provenance() {
    let dir = temp("quiet");
    let out = dir.join("q");
    let o = iaps(&[
        "run",
        "--quiet",
        "--no-plots",
        "--threads",
        "2",
        "--set",
        "run.drops=1",
        "--set",
        "run.frames=2",
        "--out",
        s(&out),
    ]);
    assert!(o.status.success());
    assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{}", stderr(&o));
    let p = Results::load(&out).unwrap().provenance.unwrap();
    let version = String::from_utf8(iaps(&["--version"]).stdout).unwrap();
    assert!(version.contains(&p.git_commit), "{version} vs {p:?}");
    assert!(p.git_commit == "unknown" || p.git_commit.len() == 40);
    assert_eq!(
        p.scenario_hash,
        iaps::results::provenance::scenario_hash(
            &std::fs::read_to_string(out.join("scenario.resolved.toml")).unwrap()
        )
    );
    assert_eq!(p.threads, Some(2));
    assert!(p.command_line.iter().any(|a| a == "--quiet"));
    assert!(p.started_utc.ends_with('Z') && p.finished_utc >= p.started_utc);
    // Files of older versions, without provenance, still load.
    let mut old = Results::load(&out).unwrap();
    old.provenance = None;
    let mut text = Vec::new();
    old.write_json(&mut text).unwrap();
    assert!(!String::from_utf8_lossy(&text).contains("provenance"));
    let back = Results::read_json(&text[..]).unwrap();
    assert_eq!(back.provenance, None);
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&old).unwrap()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn csv_floats_are_short_and_long_labels_plot_fast() {
    use iaps::results::float_cell;
    for (x, want) in [
        (1.0842021724855044e-19, "1.0842021724855044e-19"),
        (0.5, "0.5"),
        (1e-4, "0.0001"),
        (5e-5, "5e-5"),
        (1e15, "1e15"),
        (123.25, "123.25"),
        (0.0, "0"),
    ] {
        assert_eq!(float_cell(x), want);
        assert_eq!(float_cell(x).parse::<f64>().unwrap(), x);
    }
    // A 20,000-character label is cut, not measured character by character.
    let dir = temp("label");
    let o = iaps(&[
        "run",
        "--set",
        "run.drops=1",
        "--set",
        "run.frames=2",
        "--out",
        s(&dir.join("r")),
        "--no-plots",
    ]);
    assert!(o.status.success());
    let mut r = Results::load(&dir.join("r")).unwrap();
    r.rows[0].variant = "x".repeat(20_000);
    let started = Instant::now();
    plot_all(&r, &dir.join("r")).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_run_of_1e15_drops_estimates_and_shows_progress_in_bounded_memory() {
    let dir = temp("huge");
    let mut child = bin()
        .args([
            "run",
            "--no-plots",
            "--threads",
            "2",
            "--set",
            "run.drops=1000000000000000",
            "--set",
            "run.frames=1",
            "--out",
            s(&dir.join("h")),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let started = Instant::now();
    while !seen.iter().any(|l: &String| l.contains("progress:")) {
        assert!(started.elapsed() < Duration::from_secs(60), "{seen:?}");
        match lines.next() {
            Some(Ok(l)) => seen.push(l),
            _ => break,
        }
    }
    let rss_kb = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        });
    child.kill().unwrap();
    child.wait().unwrap();
    let text = seen.join("\n");
    assert!(text.contains("work: 4000000000000000 drop(s)"), "{text}");
    assert!(
        text.contains("estimate:") && text.contains("years"),
        "{text}"
    );
    assert!(text.contains("progress:"), "{text}");
    if let Some(kb) = rss_kb {
        assert!(kb < 512 * 1024, "resident memory {kb} kB");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn merged_shards_of_a_capacity_sweep_keep_every_marker() {
    // Each shard runs some capacities only; the markers (the rate each
    // report needs) come from the whole scenario, so the merge has them all.
    let dir = temp("markers");
    let common = [
        "--no-plots",
        "--set",
        "run.drops=1",
        "--set",
        "run.frames=4",
        "--set",
        "run.fidelity=statistic",
        "--set",
        "sweep.backhaul.capacity_bps=[1e5, 1e8]",
    ];
    let one = dir.join("one");
    let o = iaps(&[&["run", "backhaul", "--out", s(&one)], &common[..]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let mut shards = Vec::new();
    for i in 1..=2 {
        let d = dir.join(format!("shard{i}"));
        let shard = format!("{i}/2");
        let args = ["run", "backhaul", "--shard", &shard, "--out", s(&d)];
        let o = iaps(&[&args[..], &common[..]].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        shards.push(d);
    }
    let merged = dir.join("merged");
    let o = iaps(&[
        "merge",
        "--no-plots",
        s(&shards[1]),
        s(&shards[0]),
        "--out",
        s(&merged),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_results(&one, &merged);
    let labels: Vec<String> = (Results::load(&merged).unwrap().markers.iter())
        .map(|m| m.label.clone())
        .collect();
    assert_eq!(labels, ["samples (f32)", "statistic", "decision"]);
    std::fs::remove_dir_all(&dir).ok();
}
