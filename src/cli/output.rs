//! Writing files so that readers never see half of one: write a temporary file in the same
//! folder, then rename it over the target. An interrupted write leaves the old file intact.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut temporary =
        tempfile::NamedTempFile::new_in(dir).with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    temporary.write_all(bytes).with_context(|| format!("writing {}", path.display()))?;
    temporary.as_file().sync_all().with_context(|| format!("writing {}", path.display()))?;
    temporary.persist(path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
