//! Writing output files from the CLI: atomically, with the path in every error.

use std::path::Path;

use anyhow::Context;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::atomic::write_atomic(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Writes a dataset folder: refuses to replace a dataset already at `out` unless `force`, then
/// writes every file atomically, the manifest last.
pub fn write_dataset(out: &Path, folder: &crate::dataset::DatasetFolder<'_>, force: bool) -> anyhow::Result<()> {
    let manifest = out.join("manifest.toml");
    if manifest.exists() && !force {
        anyhow::bail!("{} already exists; pass --force to replace the dataset there", manifest.display());
    }
    for (path, bytes) in folder.files() {
        write_atomic(&out.join(path), &bytes)?;
    }
    Ok(())
}
