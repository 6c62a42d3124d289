//! Shared by the benchmarks: quick (CI smoke) mode and Criterion settings (signals come from
//! the test kit).
#![allow(dead_code)]

use std::time::Duration;

use criterion::Criterion;

/// Set this environment variable to 1 for the CI smoke run: tiny inputs, a few samples.
pub const QUICK_ENV: &str = "BARK_EQ_BENCH_QUICK";

/// Whether the benchmarks run in quick smoke mode.
pub fn quick() -> bool {
    std::env::var(QUICK_ENV).is_ok_and(|v| v == "1")
}

/// Criterion configured for a full run, or for seconds in quick mode.
pub fn criterion() -> Criterion {
    let base = Criterion::default().configure_from_args();
    if quick() {
        base.warm_up_time(Duration::from_millis(20))
            .measurement_time(Duration::from_millis(60))
            .sample_size(10)
    } else {
        base.warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4))
            .sample_size(20)
    }
}
