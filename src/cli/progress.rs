//! The terminal rendering of library progress: an indicatif bar on stderr when it is a
//! terminal, nothing when piped or under `--quiet`.

use std::io::IsTerminal;
use std::sync::Mutex;

use crate::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};

pub struct Bar {
    enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bar {
    pub fn new(quiet: bool) -> Self {
        Bar { enabled: !quiet && std::io::stderr().is_terminal(), bar: Mutex::new(None) }
    }

    fn with(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(guard) = self.bar.lock() {
            if let Some(bar) = guard.as_ref() {
                f(bar);
            }
        }
    }
}

impl Progress for Bar {
    fn start(&self, what: &str, total: Option<u64>) {
        if !self.enabled {
            return;
        }
        let bar = match total {
            Some(total) => ProgressBar::new(total).with_style(
                ProgressStyle::with_template("{msg:>20} [{bar:40}] {percent:>3}% {eta}").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner(),
        };
        bar.set_message(what.to_string());
        if let Ok(mut guard) = self.bar.lock() {
            *guard = Some(bar);
        }
    }

    fn position(&self, done: u64) {
        self.with(|bar| bar.set_position(done));
    }

    fn advance(&self, by: u64) {
        self.with(|bar| bar.inc(by));
    }

    fn finish(&self) {
        if let Ok(mut guard) = self.bar.lock() {
            if let Some(bar) = guard.take() {
                bar.finish_and_clear();
            }
        }
    }
}
