//! List files: reading them, and the lists mizan ships (embedded in the binary).
//!
//! A list file is plain UTF-8 text, one name per line. Blank lines are ignored; a line that
//! starts with `#` is a comment, except `# label: LOC`, which gives the label of the names
//! below it (until the next such line). Names above any label line take their label from
//! the file name: the part of the stem before the first `-` when it is written in capitals
//! (`LOC.txt`, `LOC-cldr.txt` → `LOC`). A name with neither is an error.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::matcher::{normalize_name, Entry, Gazetteer};

/// Why list files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}:{line}: {message}", path.display())]
    Format { path: PathBuf, line: usize, message: String },
}

/// The shipped lists: file name under `data/gazetteer/` and contents.
const BUILTIN: [(&str, &str); 4] = [
    ("LOC-cldr.txt", include_str!("../../../data/gazetteer/LOC-cldr.txt")),
    ("LOC-extra.txt", include_str!("../../../data/gazetteer/LOC-extra.txt")),
    ("ORG.txt", include_str!("../../../data/gazetteer/ORG.txt")),
    ("PER.txt", include_str!("../../../data/gazetteer/PER.txt")),
];

impl Gazetteer {
    /// The lists shipped in `data/gazetteer/`, compiled on first use.
    pub fn builtin() -> &'static Gazetteer {
        static BUILT: OnceLock<Gazetteer> = OnceLock::new();
        BUILT.get_or_init(|| {
            let mut entries = Vec::new();
            for (name, contents) in builtin_lists() {
                let path = Path::new("data/gazetteer").join(name);
                // The shipped lists are checked by the tests below; a failure is a build defect.
                entries.extend(parse_list(contents, &path).unwrap_or_else(|e| panic!("shipped list: {e}")));
            }
            Gazetteer::new(entries)
        })
    }

    /// Reads and compiles list files (format in this module's documentation).
    pub fn from_files(paths: &[PathBuf]) -> Result<Gazetteer, GazetteerError> {
        let mut entries = Vec::new();
        for path in paths {
            let bytes = std::fs::read(path).map_err(|source| GazetteerError::Io { path: path.clone(), source })?;
            let contents = String::from_utf8(bytes).map_err(|e| {
                let line = e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
                format_error(path, line, "not valid UTF-8: save the list as UTF-8".into())
            })?;
            entries.extend(parse_list(&contents, path)?);
        }
        Ok(Gazetteer::new(entries))
    }
}

/// The shipped lists: file name under `data/gazetteer/`, and contents.
pub(crate) fn builtin_lists() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTIN.into_iter()
}

fn format_error(path: &Path, line: usize, message: String) -> GazetteerError {
    GazetteerError::Format { path: path.to_path_buf(), line, message }
}

/// The entries of one list file; `path` names it in errors and gives the default label.
pub(crate) fn parse_list(contents: &str, path: &Path) -> Result<Vec<Entry>, GazetteerError> {
    let mut label = label_from_file_name(path);
    let mut entries = Vec::new();
    for (index, line) in contents.lines().enumerate() {
        let line = line.trim_start_matches('\u{FEFF}').trim();
        let number = index + 1;
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(value) = comment.trim().strip_prefix("label:") {
                let value = value.trim();
                if value.is_empty() || value.contains(char::is_whitespace) {
                    return Err(format_error(path, number, format!("bad label `{value}`: write `# label: LOC`")));
                }
                label = Some(value.to_string());
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let Some(label) = &label else {
            let message = format!("`{line}` has no label: add a `# label: LOC` line above it, or name the file after its label (LOC.txt)");
            return Err(format_error(path, number, message));
        };
        if normalize_name(line).is_empty() {
            return Err(format_error(path, number, format!("`{line}` has no letters left once marks are removed")));
        }
        entries.push(Entry { name: line.to_string(), label: label.clone() });
    }
    Ok(entries)
}

/// `LOC.txt`, `LOC-cldr.txt` → `LOC`; nothing for a stem not written in capitals.
fn label_from_file_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let label = stem.split('-').next()?;
    let capitals = label.starts_with(|c: char| c.is_ascii_uppercase()) && label.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    capitals.then(|| label.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_list_files() {
        type Expected = Result<&'static [(&'static str, &'static str)], &'static str>;
        let cases: &[(&str, &str, Expected)] = &[
            ("LOC.txt", "# source: x\n\nروسيا\n  لندن  \n", Ok(&[("روسيا", "LOC"), ("لندن", "LOC")])),
            ("LOC-cldr.txt", "\u{FEFF}روسيا\n", Ok(&[("روسيا", "LOC")])),
            ("names.txt", "# label: PER\nلافروف\n# label: ORG\nسانا\n", Ok(&[("لافروف", "PER"), ("سانا", "ORG")])),
            ("LOC.txt", "# label: ORG\nسانا\n", Ok(&[("سانا", "ORG")])),
            ("LOC.txt", "", Ok(&[])),
            ("names.txt", "# a list\nروسيا\n", Err("names.txt:2: `روسيا` has no label")),
            ("my-LOC.txt", "روسيا\n", Err("my-LOC.txt:1: `روسيا` has no label")),
            ("LOC.txt", "روسيا\n# label: \n", Err("LOC.txt:2: bad label ``")),
            ("LOC.txt", "# label: A B\n", Err("LOC.txt:1: bad label `A B`")),
            ("LOC.txt", "روسيا\nـــ\u{064E}\n", Err("LOC.txt:2: `ـــ\u{064E}` has no letters")),
        ];
        for &(file, contents, expected) in cases {
            let got = parse_list(contents, Path::new(file));
            match (got, expected) {
                (Ok(entries), Ok(want)) => {
                    let got: Vec<(&str, &str)> = entries.iter().map(|e| (e.name.as_str(), e.label.as_str())).collect();
                    assert_eq!(got, want, "{file}: {contents:?}");
                }
                (Err(error), Err(want)) => assert!(error.to_string().starts_with(want), "{error} vs {want}"),
                (got, want) => panic!("{file}: {contents:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn reads_files_and_names_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("ORG.txt");
        std::fs::write(&good, "# compiled by hand\nسانا\nرويترز\n").unwrap();
        let gazetteer = Gazetteer::from_files(std::slice::from_ref(&good)).unwrap();
        assert_eq!(gazetteer.len(), 2);
        assert_eq!(gazetteer.label_of("سانا"), Some("ORG"));

        let latin1 = dir.path().join("PER.txt");
        std::fs::write(&latin1, b"ok\n\xe9t\xe9\n").unwrap();
        let error = Gazetteer::from_files(&[good.clone(), latin1.clone()]).unwrap_err().to_string();
        assert_eq!(error, format!("{}:2: not valid UTF-8: save the list as UTF-8", latin1.display()));

        let missing = dir.path().join("LOC.txt");
        let error = Gazetteer::from_files(std::slice::from_ref(&missing)).unwrap_err().to_string();
        assert!(error.starts_with(&format!("{}: ", missing.display())), "{error}");
    }

    #[test]
    fn shipped_lists_load() {
        for (name, contents) in builtin_lists() {
            let entries = parse_list(contents, &Path::new("data/gazetteer").join(name)).unwrap();
            assert!(!entries.is_empty(), "{name}");
            assert!(contents.starts_with('#'), "{name} has no header");
        }
        let builtin = Gazetteer::builtin();
        assert!(builtin.len() > 1500, "{}", builtin.len());
        assert!(std::ptr::eq(builtin, Gazetteer::builtin()));
        for (name, label) in [("روسيا", "LOC"), ("دمشق", "LOC"), ("سانا", "ORG"), ("لافروف", "PER")] {
            assert_eq!(builtin.label_of(name), Some(label), "{name}");
        }
    }

    #[test]
    fn shipped_lists_give_each_name_one_label() {
        let mut labels: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
        for (name, contents) in builtin_lists() {
            for entry in parse_list(contents, Path::new(name)).unwrap() {
                labels.entry(normalize_name(&entry.name)).or_default().insert(entry.label);
            }
        }
        let ambiguous: Vec<_> = labels.iter().filter(|(_, l)| l.len() > 1).collect();
        assert!(ambiguous.is_empty(), "names under several labels: {ambiguous:?}");
    }
}
