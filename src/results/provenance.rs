//! Where a results file came from: the build (version, git commit), the
//! scenario (a hash of its resolved TOML), the command, the thread count and
//! the wall-clock times. Kept apart from the rows, in results.json's
//! `provenance` object, because it varies from run to run while the rows do
//! not (docs/cluster.md says what `iaps merge` writes there).

use serde::{Deserialize, Serialize};

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit the binary was built from (`unknown` when built outside a
/// git checkout, e.g. from a tarball), set by `build.rs`.
pub const GIT_COMMIT: &str = env!("IAPS_GIT_COMMIT");

/// Whether the checkout had uncommitted changes at build time: `"true"`,
/// `"false"` or `"unknown"`, set by `build.rs`.
pub const GIT_DIRTY: &str = env!("IAPS_GIT_DIRTY");

/// The version line of `iaps --version`: version, commit and dirty flag.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("IAPS_GIT_COMMIT"),
    ", dirty ",
    env!("IAPS_GIT_DIRTY"),
    ")"
);

/// The provenance of one results directory.
///
/// Every field is optional when read, so results.json files without it (or
/// with fewer fields) still load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Provenance {
    /// iaps version of the binary that wrote the file.
    pub iaps_version: String,
    /// Git commit of that binary, or `unknown`.
    pub git_commit: String,
    /// Whether its checkout had uncommitted changes (`None`: unknown).
    pub git_dirty: Option<bool>,
    /// [`scenario_hash`] of scenario.resolved.toml.
    pub scenario_hash: String,
    /// The command line, program name first.
    pub command_line: Vec<String>,
    /// Worker threads used (`None` for `iaps merge`, which runs nothing).
    pub threads: Option<usize>,
    /// Start, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub started_utc: String,
    /// End, UTC (empty while the run is still going).
    pub finished_utc: String,
    /// `I/N` for a shard's results, empty otherwise.
    pub shard: String,
    /// For merged results: each shard's provenance, in shard order.
    pub shards: Vec<Provenance>,
}

impl Provenance {
    /// The provenance of a run starting now, of the scenario whose resolved
    /// TOML is `resolved`.
    pub fn start(resolved: &str, threads: Option<usize>) -> Provenance {
        Provenance {
            iaps_version: VERSION.to_string(),
            git_commit: GIT_COMMIT.to_string(),
            git_dirty: match GIT_DIRTY {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            scenario_hash: scenario_hash(resolved),
            command_line: std::env::args().collect(),
            threads,
            started_utc: utc_now(),
            finished_utc: String::new(),
            shard: String::new(),
            shards: Vec::new(),
        }
    }
}

/// The hash of a resolved scenario: `fnv1a64:` and 16 hex digits of the
/// 64-bit FNV-1a hash of its bytes. It identifies a scenario (same text, same
/// hash); it is not a cryptographic digest.
pub fn scenario_hash(resolved: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in resolved.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// Now, UTC, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc(secs)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (proleptic
/// Gregorian calendar; H. Hinnant's `civil_from_days`).
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn hash_is_fnv1a() {
        assert_eq!(scenario_hash(""), "fnv1a64:cbf29ce484222325");
        assert_eq!(scenario_hash("a"), "fnv1a64:af63dc4c8601ec8c");
        assert_ne!(scenario_hash("a"), scenario_hash("b"));
    }
}
