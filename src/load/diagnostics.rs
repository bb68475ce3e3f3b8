//! Problems found in input, collected rather than thrown: a loader keeps going after a bad line
//! so that `mizan validate` can list every problem at once, each as `path:line: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is. Errors make a dataset unfit to score; warnings are reported (and fail
/// `validate`) but leave the data usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located at a file and (when it has one) a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        match self.line {
            Some(line) => write!(f, "{}:{}: {}{}", self.path.display(), line, tag, self.message),
            None => write!(f, "{}: {}{}", self.path.display(), tag, self.message),
        }
    }
}

/// The problems found while loading, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    problems: Vec<Problem>,
}

impl Diagnostics {
    pub fn error(&mut self, path: &Path, line: Option<usize>, message: impl Into<String>) {
        self.push(path, line, Severity::Error, message.into());
    }

    pub fn warning(&mut self, path: &Path, line: Option<usize>, message: impl Into<String>) {
        self.push(path, line, Severity::Warning, message.into());
    }

    fn push(&mut self, path: &Path, line: Option<usize>, severity: Severity, message: String) {
        self.problems.push(Problem { path: path.to_path_buf(), line, severity, message });
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }

    pub fn warning_count(&self) -> usize {
        self.problems.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.problems.extend(other.problems);
    }

    /// Problems in file order, then line order, so that output reads like a compiler's.
    pub fn sorted(&self) -> Vec<&Problem> {
        let mut sorted: Vec<&Problem> = self.problems.iter().collect();
        sorted.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        sorted
    }
}
