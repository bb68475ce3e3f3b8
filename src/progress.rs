//! How long-running library work reports progress without printing: the CLI passes an
//! implementation that draws a bar; tests and piped runs pass [`NoProgress`].

/// Receives progress events. Every method has an empty default so an implementation picks what
/// it shows.
pub trait Progress: Sync {
    /// A new phase begins; `total` is in the phase's own unit (bytes, articles) when known.
    fn start(&self, _what: &str, _total: Option<u64>) {}
    /// Work done so far in the current phase.
    fn position(&self, _done: u64) {}
    /// One more unit done in the current phase.
    fn advance(&self, _by: u64) {}
    /// The current phase is over.
    fn finish(&self) {}
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {}
