//! Panics at the command line. An extractor's panic is data: the runner catches it and records
//! the article as failed, so while extractors run the hook is kept quiet ([`QuietPanics`]). A
//! panic in mizan's own code is a bug: [`catch_internal`] turns it into a clear message asking
//! for a report, instead of a bare exit 101.

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many [`QuietPanics`] guards are alive.
static QUIET: AtomicUsize = AtomicUsize::new(0);

/// Installs the command line's panic hook, once at start: the default hook, silent while a
/// [`QuietPanics`] guard is alive. Swapping hooks around the guarded code instead would have to
/// set the hook again while a panic unwinds, which aborts the process.
pub fn install_hook() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !is_quiet() {
            default(info)
        }
    }));
}

fn is_quiet() -> bool {
    QUIET.load(Ordering::SeqCst) > 0
}

/// Keeps the hook quiet until dropped — however the guarded code ends, a panic included.
pub struct QuietPanics(());

impl QuietPanics {
    pub fn install() -> Self {
        QUIET.fetch_add(1, Ordering::SeqCst);
        QuietPanics(())
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        QUIET.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs the command; a panic that escapes it is reported as an internal error (exit 101).
pub fn catch_internal(command: impl FnOnce() -> ExitCode) -> ExitCode {
    match panic::catch_unwind(AssertUnwindSafe(command)) {
        Ok(code) => code,
        Err(payload) => {
            eprintln!("{}", internal_error(payload.as_ref()));
            ExitCode::from(101)
        }
    }
}

/// The message for a panic that escaped a command.
pub fn internal_error(payload: &(dyn std::any::Any + Send)) -> String {
    let message =
        payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned()).unwrap_or_else(|| "(no message)".into());
    format!(
        "error: internal error in mizan {}: {message}\nThis is a bug in mizan, not in your data: please report it with the command you ran.",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_ends_with_a_panic_inside_it_and_internal_panics_are_reported() {
        let result = panic::catch_unwind(|| {
            let _quiet = QuietPanics::install();
            assert!(is_quiet());
            panic::resume_unwind(Box::new("inside"));
        });
        assert!(result.is_err());
        assert!(!is_quiet(), "the guard was dropped while unwinding");
        let code = catch_internal(|| panic::resume_unwind(Box::new(String::from("boom 42"))));
        assert_eq!(code, ExitCode::from(101));
        let payload: Box<dyn std::any::Any + Send> = Box::new(String::from("boom 42"));
        let message = internal_error(payload.as_ref());
        assert!(message.contains("internal error") && message.contains("boom 42") && message.contains("please report"), "{message}");
    }
}
