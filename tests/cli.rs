//! The `iaps` binary: same seed, same bytes whatever the thread count; bad
//! input is a clear error with a non-zero exit, never a panic.

use std::process::Command;

fn iaps(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_iaps"))
        .args(args)
        .output()
        .expect("run iaps")
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
fn run_output_and_traces_do_not_depend_on_threads() {
    let dir = std::env::temp_dir().join(format!("iaps-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let json = dir.join(format!("t{threads}.jsonl"));
        let chrome = dir.join(format!("t{threads}.json"));
        let out = iaps(&[
            "run",
            "--drops",
            "3",
            "--frames",
            "3",
            "--seed",
            "4",
            "--threads",
            threads,
            "--trace-json",
            json.to_str().unwrap(),
            "--trace-chrome",
            chrome.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push((
            out.stdout,
            std::fs::read(&json).unwrap(),
            std::fs::read(&chrome).unwrap(),
        ));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert!(
        outputs[0].1.len() > 1000 && outputs[0].2.len() > 1000,
        "traces were written"
    );
    let text = String::from_utf8(outputs[0].0.clone()).unwrap();
    assert!(text.contains("unlimited, samples") && text.contains("10 Mbit/s, adaptive"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_parameters_name_the_key_and_range() {
    let out = iaps(&["reference", "--pfa", "2"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("sensing.pfa = 2: must be in (0, 1)"), "{err}");
    assert!(!err.contains("panicked"));
    let out = iaps(&["run", "--drops", "many"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--drops"));
    let out = iaps(&["run", "--frames", "0"]);
    assert_eq!(out.status.code(), Some(1));
}
