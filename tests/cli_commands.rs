//! The `iaps` binary: same seed, same bytes whatever the thread count; bad
//! input is a clear error with a non-zero exit, never a panic.

use std::path::PathBuf;
use std::process::Command;

fn iaps(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_iaps"))
        .args(args)
        .output()
        .expect("run iaps")
}

/// results.json without its `provenance` object (written last), which
/// records the command line, threads and times and so differs between runs.
fn without_provenance(json: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8(json).unwrap();
    match text.find(",\n  \"provenance\"") {
        Some(k) => format!("{}\n}}\n", &text[..k]).into_bytes(),
        None => text.into_bytes(),
    }
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("iaps-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn reference_output_does_not_depend_on_threads() {
    let base = ["reference", "--drops", "6", "--frames", "10", "--seed", "3"];
    let one = iaps(&[&base[..], &["--threads", "1"]].concat());
    let two = iaps(&[&base[..], &["--threads", "2"]].concat());
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);
    let text = String::from_utf8(one.stdout).unwrap();
    assert!(text.contains("IAPS with s0") && text.contains("min P_total"));
}

#[test]
fn run_outputs_and_traces_do_not_depend_on_threads() {
    let dir = temp("threads");
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.join(format!("t{threads}"));
        let json = dir.join(format!("t{threads}.jsonl"));
        let chrome = dir.join(format!("t{threads}.json"));
        let o = iaps(&[
            "run",
            "--set",
            "run.drops=3",
            "--set",
            "run.frames=3",
            "--set",
            "run.seed=4",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "--trace-json",
            json.to_str().unwrap(),
            "--trace-chrome",
            chrome.to_str().unwrap(),
            "--no-plots",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let read = |p: PathBuf| std::fs::read(p).unwrap();
        outputs.push((
            String::from_utf8(o.stdout)
                .unwrap()
                .replace(out.to_str().unwrap(), "OUT"),
            read(out.join("results.csv")),
            without_provenance(read(out.join("results.json"))),
            read(json),
            read(chrome),
        ));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert!(
        outputs[0].3.len() > 1000 && outputs[0].4.len() > 1000,
        "traces were written"
    );
    assert!(
        outputs[0].0.contains("unlimited, samples") && outputs[0].0.contains("10 Mbit/s, adaptive")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_names_the_file_key_and_range() {
    let out = iaps(&["reference", "--pfa", "2"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--pfa 2: must be in (0, 1)"), "{err}");

    let dir = temp("bad");
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        "[sensing]\npfa = 2\n\n[system]\nusers = 40\nbogus = 1\n",
    )
    .unwrap();
    let out = iaps(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    for needle in [
        "bad.toml:2",
        "sensing.pfa",
        "bad.toml:5",
        "system.users",
        "system.bogus",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in {err}");
    }
    assert!(!err.contains("panicked"));

    let out = iaps(&["run", "--set", "backhaul.loss=7", "--no-plots"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--set") && err.contains("loss"), "{err}");
    let out = iaps(&["run", "no-such-scenario"]);
    assert_eq!(out.status.code(), Some(1));
    let out = iaps(&["run", "--threads", "many"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_listed_scenario_passes_check() {
    let list = iaps(&["list"]);
    assert!(list.status.success());
    let names: Vec<String> = String::from_utf8(list.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect();
    assert!(names.len() >= 10, "{names:?}");
    for name in &names {
        let out = iaps(&["check", name]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let resolved = String::from_utf8(out.stdout).unwrap();
        assert!(
            resolved.contains("iaps_version") && resolved.contains("seed"),
            "{name}"
        );
    }
}

#[test]
fn an_interrupted_run_resumes_to_the_same_results() {
    let dir = temp("resume");
    let args = |out: &PathBuf, resume: bool| {
        let mut v: Vec<String> = [
            "run",
            "--set",
            "run.drops=2",
            "--set",
            "run.frames=5",
            "--no-plots",
            "--out",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.push(out.to_str().unwrap().to_string());
        if resume {
            v.push("--resume".into());
        }
        v
    };
    let run = |v: Vec<String>| iaps(&v.iter().map(String::as_str).collect::<Vec<_>>());
    let full = dir.join("full");
    assert!(run(args(&full, false)).status.success());
    // Kill after two of the four points: keep only their rows, marked so
    // that rerunning them instead of keeping them would show.
    let cut = dir.join("cut");
    assert!(run(args(&cut, false)).status.success());
    let mut partial = iaps::results::Results::load(&cut).unwrap();
    partial.rows.truncate(2);
    let originals: Vec<f64> = partial.rows.iter().map(|r| r.pd_analytic_paper).collect();
    for r in &mut partial.rows {
        r.pd_analytic_paper = 0.125;
    }
    partial.save(&cut).unwrap();
    let resumed = run(args(&cut, true));
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let mut got = iaps::results::Results::load(&cut).unwrap();
    let want = iaps::results::Results::load(&full).unwrap();
    assert_eq!(got.rows.len(), 4);
    for (r, original) in got.rows.iter_mut().take(2).zip(originals) {
        assert_eq!(r.pd_analytic_paper, 0.125, "a finished point was run again");
        r.pd_analytic_paper = original;
    }
    // Compared in their JSON form, where NaN (a metric not defined) is null
    // and so equal to itself.
    let json = |r: &iaps::results::Results| {
        let mut r = r.clone();
        r.provenance = None;
        serde_json::to_value(r).unwrap()
    };
    assert_eq!(
        json(&got),
        json(&want),
        "resumed rows equal an uninterrupted run's"
    );
    assert_eq!(
        std::fs::read(full.join("scenario.resolved.toml")).unwrap(),
        std::fs::read(cut.join("scenario.resolved.toml")).unwrap()
    );
    // A different scenario in the same directory is refused, not mixed in.
    let mut other = args(&cut, true);
    other[4] = "run.frames=6".into();
    let refused = run(other);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("different scenario"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn capacity_prints_what_each_report_needs_per_node_and_segment() {
    // A frame every 0.5 ms: a 12-byte decision needs 192 kbit/s, a 19-byte
    // statistic 304 kbit/s; 1500-byte packets with 40-byte headers add 160
    // bytes to f32 samples of 20 x 30 complex values (4 packets).
    let set = [
        "--set",
        "backhaul.frame_interval_s=5e-4",
        "--set",
        "backhaul.aggregation=[{ nodes = \"raps\" }]",
    ];
    let o = iaps(&[&["capacity", "default"], &set[..]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let line = |report: &str, link: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(report) && l.contains(link))
            .unwrap_or_else(|| panic!("no {report} on {link} in\n{text}"))
            .to_string()
    };
    assert!(
        line("decision", "bs..rap10").contains("192.0 kbit/s"),
        "{text}"
    );
    assert!(
        line("statistic", "bs..rap10").contains("304.0 kbit/s"),
        "{text}"
    );
    // Ten RAPs share segment 0: ten times a RAP's statistic bytes.
    assert!(line("statistic", "segment 0").contains(" 190 "), "{text}");
    assert!(
        line("statistic", "segment 0").contains("3.040 Mbit/s"),
        "{text}"
    );

    let csv = |extra: &[&str]| {
        let o = iaps(&[&["capacity", "default", "--csv"], &set[..], extra].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let bytes = |text: &str, report: &str, link: &str| -> u64 {
        let l = text
            .lines()
            .find(|l| l.contains(&format!(",{report},{link},")))
            .unwrap_or_else(|| panic!("no {report} on {link} in\n{text}"));
        // The variants column may hold commas: count from the end.
        l.rsplit(',').nth(3).unwrap().parse().unwrap()
    };
    let plain = csv(&[]);
    assert!(plain.starts_with("setup,variants,report,link,bytes_per_frame,"));
    let packets = csv(&[
        "--set",
        "backhaul.mtu_bytes=1500",
        "--set",
        "backhaul.packet_header_bytes=40",
    ]);
    assert_eq!(
        bytes(&packets, "samples (f32)", "rap4"),
        bytes(&plain, "samples (f32)", "rap4") + 4 * 40
    );
    assert_eq!(bytes(&packets, "decision", "bs"), 12 + 40);
    // JSON carries the same numbers; bad input is an error.
    let o = iaps(&[&["capacity", "default", "--json"], &set[..]].concat());
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let needs = doc["setups"][0]["needs"].as_array().unwrap();
    let d = needs
        .iter()
        .find(|n| n["report"] == "decision" && n["link"] == "rap7")
        .unwrap();
    assert_eq!(d["stable_bps"], 192e3);
    let o = iaps(&[
        "capacity",
        "default",
        "--set",
        "backhaul.packet_header_bytes=8",
        "--set",
        "backhaul.mtu_bytes=8",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("backhaul.mtu_bytes") && !err.contains("panicked"),
        "{err}"
    );
}
