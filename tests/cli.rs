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
fn run_output_does_not_depend_on_threads() {
    let base = ["run", "--drops", "6", "--frames", "10", "--seed", "3"];
    let one = iaps(&[&base[..], &["--threads", "1"]].concat());
    let two = iaps(&[&base[..], &["--threads", "2"]].concat());
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);
    let text = String::from_utf8(one.stdout).unwrap();
    assert!(text.contains("IAPS with s0") && text.contains("min P_total"));
}

#[test]
fn bad_parameters_name_the_key_and_range() {
    let out = iaps(&["run", "--pfa", "2"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("sensing.pfa = 2: must be in (0, 1)"), "{err}");
    assert!(!err.contains("panicked"));
    let out = iaps(&["run", "--drops", "many"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--drops"));
}
