//! # iaps: integrated active and passive sensing in DFRC networks
//!
//! A multi-antenna base station (BS) serves `K` users and senses a target from
//! its own echoes (active sensing); `R` receive access points (RAPs) sense the
//! same target from the reflected BS signal (passive sensing); a central
//! controller (CC) fuses what reaches it over the backhaul.
//!
//! ```text
//!                 target (alpha_0 .. alpha_R)
//!                /    |      \
//!     echo (4) /     |        \ reflection (7)
//!            /       |         \
//!   +-------+   +-------+    +-------+
//!   |  BS   |   | RAP 1 | .. | RAP R |---- direct path G_r X (7)
//!   +-------+   +-------+    +-------+
//!       |  X = W S (1) to K users, SINR (3)
//!       |           |            |
//!       +---- backhaul links ----+
//!                   |
//!               +------+
//!               |  CC  |  GLRT (25) / soft sum / voting (47)
//!               +------+
//! ```
//!
//! ## Layout
//! - [`params`]: the validated system parameters every other stage takes.
//! - [`rng`]: seeded, order-independent random streams (ChaCha8).
//! - [`linalg`]: complex matrix aliases and Gaussian fills.
//! - [`radio`]: geometry, arrays, channels, precoders, targets and the received
//!   signals of paper Sec. II (eqs. 1-11).
//! - [`power`]: power allocation (Secs. III-IV): the LP P2, the closed-form
//!   max-p0 rule, Algorithm 1 as printed, minimum power.
//! - [`detect`]: the centralized GLRT (eqs. 24-25), the local whitened GLRT
//!   (eqs. 35-42) and thresholds from the exact null laws.
//! - [`fusion`]: k-out-of-n voting (eqs. 47-53), OR/AND/majority,
//!   Chair-Varshney, and per-node thresholds for a fused false-alarm target.
//! - [`analytic`]: detection probability three ways: as printed, corrected, exact.
//! - [`special`]: Marcum Q, gamma tails, sums of exponentials, binomial tails.
//! - [`stats`]: confidence intervals for empirical rates.
//! - [`mc`]: deterministic parallel Monte Carlo counting.
//! - [`reference`]: per-drop evaluation with the fusion named explicitly, the
//!   oracle for the engine.
//!
//! Everything here is plain data and pure functions: no global state, and every
//! random draw takes the caller's RNG. The simulator (actors, links, engine)
//! stands on top of this library.
//!
//! ## Example
//! ```
//! use iaps::special::marcum_q;
//! let q = marcum_q(1, 5f64.sqrt(), 10f64.sqrt());
//! assert!((q - 0.2313084493).abs() < 1e-9);
//! ```

/// `$fast` where the CPU has AVX-512F, else `$base`: the hot loops' run-time
/// dispatch. `$fast` calls a `#[target_feature(enable = "avx512f")]` build of
/// the same code as `$base` (the same IEEE operations in the same order, so
/// the same bits; each kernel has a test that compares the two).
macro_rules! avx512_or {
    ($fast:expr, $base:expr $(,)?) => {{
        #[cfg(target_arch = "x86_64")]
        let out = if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F, checked on the line above.
            unsafe { $fast }
        } else {
            $base
        };
        #[cfg(not(target_arch = "x86_64"))]
        let out = $base;
        out
    }};
}

pub mod analytic;
pub mod design;
pub mod detect;
pub mod fusion;
pub mod linalg;
pub mod mc;
pub mod network;
pub mod node;
pub mod params;
pub mod pool;
pub mod power;
pub mod presets;
pub mod radio;
pub mod reference;
pub mod results;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod special;
pub mod stats;
pub mod sweep;
pub mod trace;
