//! Printing that never ends a run: a closed pipe (`iaps run | head -1`) or a
//! full device on standard output is remembered, not a panic, so results are
//! still saved. `main` reports a failed standard output (other than a closed
//! pipe) after the command finished, with exit status 1.

use std::io::Write;
use std::sync::Mutex;

/// The first error writing to standard output, if any.
static FAILED: Mutex<Option<std::io::Error>> = Mutex::new(None);

/// Writes `line` and a newline to standard output; on failure, remembers the
/// error and prints nothing more.
pub fn out(line: &str) {
    let mut failed = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    if failed.is_some() {
        return;
    }
    let mut o = std::io::stdout().lock();
    if let Err(e) = o
        .write_all(line.as_bytes())
        .and_then(|()| o.write_all(b"\n"))
        .and_then(|()| o.flush())
    {
        *failed = Some(e);
    }
}

/// Writes raw text (no newline added) to standard output, like [`out`].
pub fn out_raw(text: &str) {
    let mut failed = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    if failed.is_some() {
        return;
    }
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        *failed = Some(e);
    }
}

/// Writes `line` to standard error, ignoring failures.
pub fn err(line: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e
        .write_all(line.as_bytes())
        .and_then(|()| e.write_all(b"\n"));
}

/// The standard-output failure to report: any but a closed pipe (a reader
/// that stopped reading, as `head` does, is not an error of the run).
pub fn stdout_failure() -> Option<String> {
    let failed = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    failed
        .as_ref()
        .filter(|e| e.kind() != std::io::ErrorKind::BrokenPipe)
        .map(|e| e.to_string())
}
