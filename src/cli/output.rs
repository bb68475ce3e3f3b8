//! Writing output files from the CLI: atomically, with the path in every error. A dataset
//! folder is stamped with its version (`[version]` in the manifest) as it is written.
//!
//! A report folder is written whole ([`ReportFolder`]): every file goes into a fresh hidden
//! sibling folder (`.DIR.tmp-XXXXXX`), which then takes DIR's place in one rename, so that a
//! reader — or a run killed at any moment — sees either the previous complete report or the new
//! one, never a mix, and no file of an earlier run survives beside a report that no longer lists
//! it. Entries in DIR that are not mizan's (a prediction cache kept there, notes) are carried
//! over into the new folder.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::dataset::DatasetVersion;
use crate::progress::NoProgress;
use crate::{Dataset, DatasetSpec};

pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::atomic::write_atomic(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Writes a dataset folder: refuses to replace a dataset already at `out` unless `force`, then
/// writes every file atomically, the manifest last, stamped with its version.
pub fn write_dataset(out: &Path, folder: &crate::dataset::DatasetFolder<'_>, force: bool) -> anyhow::Result<()> {
    write_dataset_from(out, folder, force, None)
}

/// [`write_dataset`] for a dataset made from another: `parent` is the fingerprint of the input.
/// Gold files of a replaced dataset that the new one does not have are removed, so that the
/// folder holds the new dataset only.
/// The version's fingerprint is that of the folder read back, so it is exactly what a report
/// on the folder carries.
pub fn write_dataset_from(out: &Path, folder: &crate::dataset::DatasetFolder<'_>, force: bool, parent: Option<&str>) -> anyhow::Result<()> {
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
        created: crate::report::now_rfc3339(),
        parent: parent.map(str::to_string),
        mizan_version: Some(env!("CARGO_PKG_VERSION").to_string()),
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

/// The entries of a report folder that mizan writes; anything else in DIR is the user's and is
/// kept. (`.tmp…` files are what an interrupted atomic write of an older mizan left.)
const REPORT_ENTRIES: [&str; 6] = ["report.json", "report.md", "report.html", "outcomes.jsonl", "predictions", "tables"];

fn is_report_entry(name: &str) -> bool {
    REPORT_ENTRIES.contains(&name) || name.starts_with(".tmp")
}

/// Where a report folder goes, checked before any work: not an existing file, not the current
/// folder or one above it, and its parent can be created.
#[derive(Debug, Clone)]
pub struct ReportTarget {
    target: PathBuf,
    parent: PathBuf,
    name: String,
}

impl ReportTarget {
    /// Checks `out` as a report folder; called at the start of `run`, so that a bad `--out`
    /// fails in milliseconds rather than after the extraction.
    pub fn check(out: &Path) -> anyhow::Result<ReportTarget> {
        let mut target = std::path::absolute(out).with_context(|| format!("resolving {}", out.display()))?;
        // A link to a folder: the report replaces the folder it points at, and the link stays.
        if std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
            match std::fs::metadata(&target) {
                Ok(meta) if meta.is_dir() => target = std::fs::canonicalize(&target).with_context(|| format!("resolving {}", out.display()))?,
                Ok(_) => bail!("{} links to something that is not a folder; --out names the folder the report is written into", out.display()),
                Err(_) => bail!("{}: {}", out.display(), crate::load::missing_path_message(out)),
            }
        }
        let (Some(parent), Some(name)) = (target.parent(), target.file_name().and_then(|n| n.to_str())) else {
            bail!("{}: cannot write a report here; name a folder of its own, e.g. --out reports/run1", out.display());
        };
        if name == "." || name == ".." {
            bail!("{}: name the report folder itself, e.g. --out reports/run1", out.display());
        }
        if let Ok(metadata) = std::fs::symlink_metadata(&target) {
            if !metadata.is_dir() {
                bail!("{} exists and is not a folder; --out names the folder the report is written into", out.display());
            }
        }
        if let Ok(current) = std::env::current_dir() {
            if current.starts_with(&target) {
                bail!("{}: the report folder is replaced whole, so it cannot be the current folder or hold it; name a folder of its own", out.display());
            }
        }
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        Ok(ReportTarget { parent: parent.to_path_buf(), name: name.to_string(), target })
    }

    fn previous(&self) -> PathBuf {
        self.parent.join(format!("{}.previous", self.name))
    }

    /// Staging folders are `.DIR.tmp-PID-XXXXXX`: the process id tells a folder that a running
    /// `mizan run` is still writing from one that a killed run left.
    fn staging_prefix(&self) -> String {
        format!(".{}.tmp-", self.name)
    }

    /// Cleans what killed runs left: staging folders (their carried-over user entries go back to
    /// DIR first) and `DIR.previous` (put back when DIR itself is missing).
    fn clean_leftovers(&self) -> anyhow::Result<()> {
        let previous = self.previous();
        if previous.is_dir() {
            if self.target.exists() {
                self.give_back(&previous)?;
                remove(&previous)?;
            } else {
                std::fs::rename(&previous, &self.target).with_context(|| format!("restoring {}", self.target.display()))?;
            }
        }
        let prefix = self.staging_prefix();
        for entry in std::fs::read_dir(&self.parent).with_context(|| format!("reading {}", self.parent.display()))? {
            let entry = entry.with_context(|| format!("reading {}", self.parent.display()))?;
            let writer =
                entry.file_name().to_str().and_then(|n| n.strip_prefix(&prefix)).map(|rest| rest.split('-').next().and_then(|p| p.parse::<u32>().ok()));
            if writer.is_some_and(|pid| pid.is_none_or(|pid| !is_running(pid))) && entry.path().is_dir() {
                self.give_back(&entry.path())?;
                remove(&entry.path())?;
            }
        }
        Ok(())
    }

    /// Moves the user's entries of a leftover folder back into DIR, where DIR lacks them.
    fn give_back(&self, leftover: &Path) -> anyhow::Result<()> {
        if !self.target.is_dir() {
            return Ok(());
        }
        for (name, path) in user_entries(leftover)? {
            let back = self.target.join(&name);
            if !back.exists() {
                std::fs::rename(&path, &back).with_context(|| format!("moving {} back to {}", path.display(), back.display()))?;
            }
        }
        Ok(())
    }
}

/// Whether process `pid` is alive (another `mizan run` writing into the same folder).
#[cfg(unix)]
fn is_running(pid: u32) -> bool {
    pid != std::process::id()
        // SAFETY: kill(2) with signal 0 only checks that the process exists.
        && libc::pid_t::try_from(pid).is_ok_and(|pid| unsafe { libc::kill(pid, 0) } == 0)
}

#[cfg(not(unix))]
fn is_running(_pid: u32) -> bool {
    false
}

/// Entries of `dir` that are not mizan's report files.
fn user_entries(dir: &Path) -> anyhow::Result<Vec<(std::ffi::OsString, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_report_entry) {
            out.push((name, entry.path()));
        }
    }
    Ok(out)
}

fn remove(path: &Path) -> anyhow::Result<()> {
    std::fs::remove_dir_all(path).with_context(|| format!("removing {}", path.display()))
}

/// A report folder being written: files go to the staging folder, and [`ReportFolder::commit`]
/// swaps it in. Dropped without commit (an error), the staging folder is removed.
pub struct ReportFolder {
    target: ReportTarget,
    staging: PathBuf,
    committed: bool,
}

impl ReportFolder {
    /// Cleans leftovers of killed runs and creates a fresh staging folder beside DIR.
    pub fn begin(target: &ReportTarget) -> anyhow::Result<ReportFolder> {
        target.clean_leftovers()?;
        let staging = tempfile::Builder::new()
            .prefix(&format!("{}{}-", target.staging_prefix(), std::process::id()))
            .tempdir_in(&target.parent)
            .with_context(|| format!("creating a folder in {}", target.parent.display()))?
            .keep();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&staging, std::fs::Permissions::from_mode(0o755))
                .with_context(|| format!("setting permissions on {}", staging.display()))?;
        }
        Ok(ReportFolder { target: target.clone(), staging, committed: false })
    }

    /// Writes `bytes` to `relative` inside the folder (its final path in errors). `relative`
    /// must stay inside: a `..`, a root or a prefix in it (say from an extractor named
    /// `../../x`) is refused.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let (path, shown) = self.staged(relative)?;
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", shown.display()))
    }

    /// Writes `relative` as [`ReportFolder::write`] does, with what `fill` writes into it
    /// through a buffer: a file of tens of megabytes goes straight to disk instead of being
    /// built in memory first. May be called from several threads at once.
    pub fn write_with(&self, relative: &str, fill: impl FnOnce(&mut BufWriter<std::fs::File>) -> std::io::Result<()>) -> anyhow::Result<()> {
        let (path, shown) = self.staged(relative)?;
        let file = std::fs::File::create(&path).with_context(|| format!("writing {}", shown.display()))?;
        let mut writer = BufWriter::with_capacity(1 << 18, file);
        fill(&mut writer).and_then(|()| writer.flush()).with_context(|| format!("writing {}", shown.display()))
    }

    /// Where `relative` goes in the staging folder, its folder created, and its final path.
    fn staged(&self, relative: &str) -> anyhow::Result<(PathBuf, PathBuf)> {
        if relative.is_empty() || !Path::new(relative).components().all(|c| matches!(c, std::path::Component::Normal(_))) {
            bail!("{:?} would be written outside {}; names in output paths must be plain file names", relative, self.target.target.display());
        }
        let path = self.staging.join(relative);
        let shown = self.target.target.join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", shown.display()))?;
        }
        Ok((path, shown))
    }

    /// Carries the user's entries of the old DIR over, then puts the new folder in DIR's place
    /// with one rename (an atomic exchange where the system has one), and removes the old one.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let target = &self.target.target;
        let staging = &self.staging;
        if !target.exists() {
            std::fs::rename(staging, target).with_context(|| format!("moving the report into {}", target.display()))?;
            self.committed = true;
            return Ok(());
        }
        for (name, path) in user_entries(target)? {
            let into = staging.join(&name);
            std::fs::rename(&path, &into).with_context(|| format!("moving {} into the new report", path.display()))?;
        }
        if exchange(staging, target) {
            // `staging` now holds the old report.
            remove(staging)?;
        } else {
            let previous = self.target.previous();
            std::fs::rename(target, &previous).with_context(|| format!("moving {} aside", target.display()))?;
            std::fs::rename(staging, target).with_context(|| format!("moving the report into {}", target.display()))?;
            remove(&previous)?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for ReportFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Swaps two folders in one step (Linux `renameat2(RENAME_EXCHANGE)`); `false` where the system
/// or the file system cannot, and the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (std::ffi::CString::new(a.as_os_str().as_bytes()), std::ffi::CString::new(b.as_os_str().as_bytes())) else {
        return false;
    };
    // SAFETY: both paths are NUL-terminated strings that outlive the call; renameat2 touches
    // no memory of ours.
    unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_rewrite_replaces_the_report_whole_and_keeps_the_users_entries() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let target = ReportTarget::check(&out).unwrap();
        let first = ReportFolder::begin(&target).unwrap();
        first.write("report.json", b"1").unwrap();
        first.write("predictions/a.jsonl", b"a").unwrap();
        first.commit().unwrap();
        std::fs::create_dir(out.join("cache")).unwrap();
        std::fs::write(out.join("cache/x"), b"kept").unwrap();
        let second = ReportFolder::begin(&target).unwrap();
        second.write("report.json", b"2").unwrap();
        second.write("predictions/b.jsonl", b"b").unwrap();
        second.write_with("predictions/c.jsonl", |w| w.write_all(b"c")).unwrap();
        second.commit().unwrap();
        assert_eq!(names(&out), ["cache", "predictions", "report.json"]);
        assert_eq!(names(&out.join("predictions")), ["b.jsonl", "c.jsonl"]);
        assert_eq!(std::fs::read(out.join("predictions/c.jsonl")).unwrap(), b"c");
        assert_eq!(std::fs::read(out.join("cache/x")).unwrap(), b"kept");
        assert_eq!(names(root.path()), ["out"], "no staging or previous folder left");
        let third = ReportFolder::begin(&target).unwrap();
        for bad in ["predictions/../../x.jsonl", "/etc/x", "../x", ""] {
            assert!(third.write(bad, b"x").unwrap_err().to_string().contains("outside"), "{bad}");
            assert!(third.write_with(bad, |w| w.write_all(b"x")).unwrap_err().to_string().contains("outside"), "{bad}");
        }
        drop(third);
        assert_eq!(names(root.path()), ["out"], "nothing written outside");
    }

    #[test]
    fn leftovers_of_a_killed_run_are_cleaned_and_user_entries_given_back() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(out.join("predictions")).unwrap();
        std::fs::write(out.join("report.json"), b"old").unwrap();
        let leftover = root.path().join(".out.tmp-999999999-abc123");
        // A staging folder of a run still going (here: the test runner's parent) is left alone.
        let running = root.path().join(format!(".out.tmp-{}-def456", std::os::unix::process::parent_id()));
        std::fs::create_dir(&running).unwrap();
        std::fs::create_dir_all(leftover.join("cache")).unwrap();
        std::fs::write(leftover.join("report.json"), b"half").unwrap();
        let folder = ReportFolder::begin(&ReportTarget::check(&out).unwrap()).unwrap();
        assert!(!leftover.exists());
        assert!(running.exists());
        std::fs::remove_dir(&running).unwrap();
        assert!(out.join("cache").is_dir(), "the user's entry went back");
        drop(folder);
        assert_eq!(names(root.path()), ["out"], "an uncommitted staging folder is removed");
        // A run killed between the two renames of the fallback: DIR.previous is put back.
        std::fs::rename(&out, root.path().join("out.previous")).unwrap();
        let _folder = ReportFolder::begin(&ReportTarget::check(&out).unwrap()).unwrap();
        assert_eq!(std::fs::read(out.join("report.json")).unwrap(), b"old");
    }

    #[test]
    fn bad_targets_are_refused_before_any_work() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        assert!(ReportTarget::check(&file).unwrap_err().to_string().contains("exists and is not a folder"));
        assert!(ReportTarget::check(&file.join("sub")).is_err(), "a parent that is a file");
        assert!(ReportTarget::check(Path::new("/")).is_err());
        // A link to a folder is followed: the folder is replaced, the link kept.
        let real = root.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let folder = ReportFolder::begin(&ReportTarget::check(&link).unwrap()).unwrap();
        folder.write("report.json", b"{}").unwrap();
        folder.commit().unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(real.join("report.json")).unwrap(), b"{}");
    }
}
