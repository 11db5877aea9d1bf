//! A progress bar for long runs.

use std::io::{self, IsTerminal};

/// A progress bar on stderr for long runs: only on a terminal, never in
/// CI, and only once a run has taken two seconds, so short runs and logs
/// stay clean. Safe to tick from worker threads.
pub struct Progress {
    start: std::time::Instant,
    total: u64,
    done: std::sync::atomic::AtomicU64,
    enabled: bool,
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        Progress {
            start: std::time::Instant::now(),
            total: total as u64,
            done: std::sync::atomic::AtomicU64::new(0),
            enabled: io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
            bar: std::sync::OnceLock::new(),
        }
    }

    pub fn tick(&self) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if !self.enabled || self.start.elapsed() < std::time::Duration::from_secs(2) {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            let bar = indicatif::ProgressBar::new(self.total);
            let style =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        bar.set_position(done);
    }

    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}
