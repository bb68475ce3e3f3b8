//! Writing output files from the CLI: atomically, with the path in every error.

use std::path::Path;

use anyhow::Context;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    mizan::atomic::write_atomic(path, bytes).with_context(|| format!("writing {}", path.display()))
}
