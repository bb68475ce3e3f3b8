//! Writing output files from the CLI: atomically, with the path in every error. A dataset
//! folder is stamped with its version (`[version]` in the manifest) as it is written.

use std::path::{Path, PathBuf};

use anyhow::Context;
use mizan::dataset::DatasetVersion;
use mizan::progress::NoProgress;
use mizan::{Dataset, DatasetSpec};

pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    mizan::atomic::write_atomic(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Writes a dataset folder: refuses to replace a dataset already at `out` unless `force`, then
/// writes every file atomically, the manifest last, stamped with its version.
pub fn write_dataset(out: &Path, folder: &mizan::dataset::DatasetFolder<'_>, force: bool) -> anyhow::Result<()> {
    write_dataset_from(out, folder, force, None)
}

/// [`write_dataset`] for a dataset made from another: `parent` is the fingerprint of the input.
/// Gold files of a replaced dataset that the new one does not have are removed, so that the
/// folder holds the new dataset only.
/// The version's fingerprint is that of the folder read back, so it is exactly what a report
/// on the folder carries.
pub fn write_dataset_from(out: &Path, folder: &mizan::dataset::DatasetFolder<'_>, force: bool, parent: Option<&str>) -> anyhow::Result<()> {
    let manifest_path = out.join("manifest.toml");
    if manifest_path.exists() && !force {
        anyhow::bail!("{} already exists; pass --force to replace the dataset there", manifest_path.display());
    }
    let files = folder.files();
    // A replaced dataset's other gold layers would be read back as part of the new one.
    let stale: Vec<PathBuf> = std::fs::read_dir(out.join("gold"))
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "jsonl")).collect())
        .unwrap_or_default();
    for path in stale.iter().filter(|p| !files.iter().any(|(f, _)| out.join(f) == **p)) {
        std::fs::remove_file(path).with_context(|| format!("removing {} from the dataset being replaced", path.display()))?;
    }
    for (path, bytes) in files {
        write_atomic(&out.join(path), &bytes)?;
    }
    let spec = DatasetSpec::Named(out.display().to_string());
    let (written, _) = Dataset::load(&spec, &NoProgress).with_context(|| format!("reading back {}", out.display()))?;
    let mut manifest = folder.manifest.clone();
    manifest.version = Some(DatasetVersion {
        fingerprint: written.fingerprint(),
        command: command_line(),
        created: mizan::report::now_rfc3339(),
        parent: parent.map(str::to_string),
    });
    write_atomic(&manifest_path, manifest.to_toml().as_bytes())
}

/// The command line as a shell would take it back: `mizan normalize sana --out 'my dir'`.
fn command_line() -> String {
    let quote = |arg: String| {
        if !arg.is_empty() && arg.chars().all(|c| c.is_alphanumeric() || "-_./=,:@+".contains(c)) {
            arg
        } else {
            format!("'{}'", arg.replace('\'', r"'\''"))
        }
    };
    let mut args = std::env::args();
    let program = args.next().map(|p| Path::new(&p).file_name().map_or(p.clone(), |n| n.to_string_lossy().into_owned()));
    program.into_iter().chain(args.map(quote)).collect::<Vec<_>>().join(" ")
}

/// Refuses an output folder that holds anything unless `force`, and any output folder that is
/// (or holds) the input's files: a curation command never writes over what it reads.
pub fn check_output_folder(out: &Path, inputs: &[&DatasetSpec], force: bool) -> anyhow::Result<()> {
    let canonical_out = out.canonicalize().ok();
    let paths: Vec<PathBuf> = inputs
        .iter()
        .flat_map(|spec| match spec {
            DatasetSpec::Named(name) => vec![PathBuf::from(name), Path::new("datasets").join(name), Path::new("gold").join(name)],
            DatasetSpec::Files { articles, gold } => std::iter::once(articles.clone()).chain(gold.iter().cloned()).collect(),
        })
        .collect();
    for input in paths {
        let Ok(input) = input.canonicalize() else { continue };
        let input_dir = if input.is_dir() { input.clone() } else { input.parent().map(Path::to_path_buf).unwrap_or_default() };
        if canonical_out.as_ref().is_some_and(|o| *o == input_dir || input_dir.starts_with(o)) {
            anyhow::bail!("{} holds the input dataset; write to another folder (the input is never overwritten)", out.display());
        }
    }
    let non_empty = std::fs::read_dir(out).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if non_empty && !force {
        anyhow::bail!("{} is not empty; choose an empty or new folder, or pass --force to write into it", out.display());
    }
    Ok(())
}
