//! The registry: the one visible list of built-in extractor kinds ([`KINDS`]), and the
//! registry file (`extractors.toml`) that declares named instances of them — built-in kinds
//! with parameters, or external commands. Adding a Rust extractor is one file plus one line in
//! [`KINDS`] (`docs/extractors.md`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::extract::command::{CommandExtractor, CommandSpec};
use crate::extract::gazetteer::GazetteerExtractor;
use crate::extract::news_rules::NewsRules;
use crate::extract::oracle::Oracle;
use crate::extract::perceptron::PerceptronNer;
use crate::extract::Extractor;
use crate::model::Span;

/// Makes an extractor from its declaration.
pub type Build = fn(&Declaration, &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError>;

/// A built-in kind of extractor.
pub struct Kind {
    pub name: &'static str,
    pub description: &'static str,
    /// Whether an instance needs a parameter that has no default (a model file, a command);
    /// kinds without one run when `mizan run` is given no `--extractor`.
    pub needs_configuration: bool,
    /// Whether an instance named after the kind exists without a registry file.
    pub listed_by_default: bool,
    pub build: Build,
}

/// Every built-in kind. One line each.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "oracle",
        description: "returns the gold spans (tests the whole path: every score is 1.0)",
        needs_configuration: false,
        listed_by_default: true,
        build: build_oracle,
    },
    Kind {
        name: "gazetteer",
        description: "dictionary lookup of places, organisations and people over normalised Arabic, proclitics outside the span",
        needs_configuration: false,
        listed_by_default: true,
        build: build_gazetteer,
    },
    Kind {
        name: "news-rules",
        description: "datelines, quotes with their speakers, and dates, by rules for Arabic news copy",
        needs_configuration: false,
        listed_by_default: true,
        build: build_news_rules,
    },
    Kind {
        name: "perceptron-ner",
        description: "an averaged-perceptron BIO tagger trained with `mizan train perceptron-ner`",
        needs_configuration: true,
        listed_by_default: false,
        build: build_perceptron,
    },
    Kind {
        name: "command",
        description: "an external program in any language, one JSON article a line on stdin",
        needs_configuration: true,
        listed_by_default: false,
        build: build_command,
    },
];

/// What a run offers extractors while they are built.
pub struct Context<'a> {
    /// The dataset's gold (for `oracle`).
    pub gold: &'a [Span],
    /// Threads of the run: the default number of worker processes of a command.
    pub jobs: usize,
}

/// A named instance: a kind and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub params: toml::Table,
    /// The registry file it comes from; relative paths are resolved against its folder.
    pub file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    #[error("extractor `{name}`: {message}")]
    Declaration { name: String, message: String },
    #[error("unknown extractor `{name}` (known: {known}); declare it in extractors.toml or pass --registry FILE")]
    Unknown { name: String, known: String },
}

impl Declaration {
    fn error(&self, message: impl Into<String>) -> RegistryError {
        let at = self.file.as_ref().map(|f| format!(" in {}", f.display())).unwrap_or_default();
        RegistryError::Declaration { name: self.name.clone(), message: format!("{}{at}", message.into()) }
    }

    /// Refuses parameters the kind does not know, so a misspelt key is never ignored.
    pub fn allow_only(&self, known: &[&str]) -> Result<(), RegistryError> {
        for key in self.params.keys() {
            if !known.contains(&key.as_str()) {
                let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                return Err(self.error(format!("unknown parameter `{key}` for kind `{}` (parameters: {known})", self.kind)));
            }
        }
        Ok(())
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, RegistryError> {
        match self.params.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.error(format!("`{key}` must be a string, found {}", other.type_str()))),
        }
    }

    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, RegistryError> {
        match self.params.get(key) {
            None => Ok(None),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_string).ok_or_else(|| self.error(format!("`{key}` must be a list of strings"))))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.error(format!("`{key}` must be a list of strings, found {}", other.type_str()))),
        }
    }

    pub fn number(&self, key: &str) -> Result<Option<f64>, RegistryError> {
        match self.params.get(key) {
            None => Ok(None),
            Some(toml::Value::Integer(n)) if *n > 0 => Ok(Some(*n as f64)),
            Some(toml::Value::Float(x)) if *x > 0.0 => Ok(Some(*x)),
            Some(other) => Err(self.error(format!("`{key}` must be a positive number, found {other}"))),
        }
    }

    /// A path parameter, resolved against the registry file's folder.
    pub fn path(&self, value: &str) -> PathBuf {
        let path = PathBuf::from(value);
        match (&self.file, path.is_absolute()) {
            (Some(file), false) => file.parent().unwrap_or(Path::new("")).join(path),
            _ => path,
        }
    }

    /// The folder relative paths and commands start from.
    pub fn folder(&self) -> PathBuf {
        match &self.file {
            Some(file) => file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf(),
            None => PathBuf::from("."),
        }
    }
}

fn build_oracle(declaration: &Declaration, context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
    declaration.allow_only(&[])?;
    Ok(Box::new(Oracle::new(declaration.name.clone(), context.gold)))
}

fn build_gazetteer(declaration: &Declaration, _context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
    declaration.allow_only(&["lists"])?;
    let lists: Option<Vec<PathBuf>> = declaration.strings("lists")?.map(|l| l.iter().map(|p| declaration.path(p)).collect());
    let extractor = GazetteerExtractor::new(&declaration.name, lists.as_deref()).map_err(|e| declaration.error(e.to_string()))?;
    Ok(Box::new(extractor))
}

fn build_perceptron(declaration: &Declaration, _context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
    declaration.allow_only(&["model"])?;
    let model = declaration.string("model")?.ok_or_else(|| declaration.error("`model` is required: a file written by `mizan train perceptron-ner`"))?;
    let extractor = PerceptronNer::load(&declaration.name, &declaration.path(&model)).map_err(|e| declaration.error(e.to_string()))?;
    Ok(Box::new(extractor))
}

fn build_news_rules(declaration: &Declaration, _context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
    declaration.allow_only(&[])?;
    Ok(Box::new(NewsRules::new(&declaration.name)))
}

fn build_command(declaration: &Declaration, context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
    declaration.allow_only(&["command", "version", "layers", "timeout_secs", "workers", "env"])?;
    let command = declaration
        .strings("command")?
        .filter(|c| !c.is_empty())
        .ok_or_else(|| declaration.error("`command` is required: a list such as [\"python3\", \"extractor.py\"]"))?;
    let version = declaration.string("version")?.ok_or_else(|| declaration.error("`version` is required (a string)"))?;
    let layers = declaration
        .strings("layers")?
        .filter(|l| !l.is_empty())
        .ok_or_else(|| declaration.error("`layers` is required: the layers it answers, e.g. [\"ner\"]"))?;
    let timeout = Duration::from_secs_f64(declaration.number("timeout_secs")?.unwrap_or(30.0));
    let workers = declaration.number("workers")?.map_or(context.jobs, |n| n as usize).max(1);
    let env = match declaration.params.get("env") {
        None => BTreeMap::new(),
        Some(toml::Value::Table(table)) => table
            .iter()
            .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())).ok_or_else(|| declaration.error(format!("env `{k}` must be a string"))))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(declaration.error("`env` must be a table of strings")),
    };
    let spec = CommandSpec { name: declaration.name.clone(), command, version, layers, timeout, workers, env, dir: declaration.folder() };
    Ok(Box::new(CommandExtractor::start(spec).map_err(|e| declaration.error(e))?))
}

/// The instances that exist without a registry file: one per kind listed by default.
pub fn builtin_declarations() -> Vec<Declaration> {
    KINDS
        .iter()
        .filter(|kind| kind.listed_by_default)
        .map(|kind| Declaration { name: kind.name.into(), kind: kind.name.into(), description: None, params: toml::Table::new(), file: None })
        .collect()
}

/// Reads a registry file: `[extractor.<name>]` tables with a `kind` and its parameters.
pub fn read_registry(path: &Path) -> Result<Vec<Declaration>, RegistryError> {
    let file_error = |message: String| RegistryError::File { path: path.to_path_buf(), message };
    let text = std::fs::read_to_string(path).map_err(|e| file_error(format!("cannot read: {e}")))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| format!("line {}: ", 1 + text[..s.start].matches('\n').count())).unwrap_or_default();
        file_error(format!("{line}{}", e.message()))
    })?;
    let mut declarations = Vec::new();
    for (key, value) in &table {
        if key != "extractor" {
            return Err(file_error(format!("unknown table `{key}`; declare extractors as [extractor.<name>]")));
        }
        let Some(entries) = value.as_table() else {
            return Err(file_error("`extractor` must be a table of [extractor.<name>] tables".into()));
        };
        for (name, entry) in entries {
            let Some(entry) = entry.as_table() else {
                return Err(file_error(format!("[extractor.{name}] must be a table")));
            };
            let mut params = entry.clone();
            let kind = match params.remove("kind") {
                Some(toml::Value::String(kind)) => kind,
                _ => return Err(file_error(format!("[extractor.{name}] needs `kind` (one of: {})", kind_names()))),
            };
            if !KINDS.iter().any(|k| k.name == kind) {
                return Err(file_error(format!("[extractor.{name}]: unknown kind `{kind}` (one of: {})", kind_names())));
            }
            let description = match params.remove("description") {
                None => None,
                Some(toml::Value::String(d)) => Some(d),
                Some(_) => return Err(file_error(format!("[extractor.{name}]: `description` must be a string"))),
            };
            declarations.push(Declaration { name: name.clone(), kind, description, params, file: Some(path.to_path_buf()) });
        }
    }
    Ok(declarations)
}

fn kind_names() -> String {
    KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}

/// The kind of a declaration.
pub fn kind_of(declaration: &Declaration) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == declaration.kind)
}

/// Built-in instances, then the registry file's (which may replace a built-in of the same
/// name).
pub fn declarations(registry: Option<&Path>) -> Result<Vec<Declaration>, RegistryError> {
    let mut all = builtin_declarations();
    if let Some(path) = registry {
        for declaration in read_registry(path)? {
            all.retain(|d| d.name != declaration.name);
            all.push(declaration);
        }
    }
    Ok(all)
}

/// Finds a declaration by name.
pub fn find<'a>(all: &'a [Declaration], name: &str) -> Result<&'a Declaration, RegistryError> {
    all.iter()
        .find(|d| d.name == name)
        .ok_or_else(|| RegistryError::Unknown { name: name.to_string(), known: all.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ") })
}

/// What `mizan extractors` lists about an instance.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Info {
    pub name: String,
    pub kind: String,
    pub version: String,
    pub layers: Vec<String>,
    pub description: String,
}

/// Describes an instance. A command is described from its declaration, without starting it;
/// a built-in kind is built (with no gold: an oracle lists no layers until it has a dataset).
pub fn describe(declaration: &Declaration) -> Result<Info, RegistryError> {
    let kind = kind_of(declaration).ok_or_else(|| declaration.error(format!("unknown kind `{}` (one of: {})", declaration.kind, kind_names())))?;
    let description = declaration.description.clone().unwrap_or_else(|| kind.description.to_string());
    let (version, layers) = if kind.name == "command" {
        (declaration.string("version")?.unwrap_or_default(), declaration.strings("layers")?.unwrap_or_default())
    } else {
        let extractor = build(declaration, &Context { gold: &[], jobs: 1 })?;
        (extractor.version().to_string(), extractor.layers())
    };
    Ok(Info { name: declaration.name.clone(), kind: declaration.kind.clone(), version, layers, description })
}

/// Builds an extractor from its declaration.
pub fn build(declaration: &Declaration, context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
    let kind = kind_of(declaration).ok_or_else(|| declaration.error(format!("unknown kind `{}` (one of: {})", declaration.kind, kind_names())))?;
    (kind.build)(declaration, context)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(text: &str) -> Result<Vec<Declaration>, RegistryError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("extractors.toml");
        std::fs::write(&path, text).unwrap();
        read_registry(&path)
    }

    #[test]
    fn reads_declarations_with_parameters() {
        let all = registry(
            "[extractor.py]\nkind = \"command\"\ncommand = [\"python3\", \"x.py\"]\nversion = \"0.1\"\nlayers = [\"ner\"]\ndescription = \"a test\"\n",
        )
        .unwrap();
        assert_eq!(all[0].name, "py");
        assert_eq!(all[0].kind, "command");
        assert_eq!(all[0].description.as_deref(), Some("a test"));
        assert_eq!(all[0].strings("command").unwrap().unwrap(), ["python3", "x.py"]);
        assert!(all[0].folder().is_absolute());
    }

    #[test]
    fn bad_registries_say_what_is_wrong() {
        let cases = [
            ("[extractor.x]\n", "needs `kind`"),
            ("[extractor.x]\nkind = \"crf\"\n", "unknown kind `crf`"),
            ("[extractors.x]\nkind = \"oracle\"\n", "unknown table `extractors`"),
            ("[extractor.x\n", "line 1:"),
        ];
        for (text, fragment) in cases {
            let message = registry(text).unwrap_err().to_string();
            assert!(message.contains(fragment), "{text}: {message}");
        }
    }

    #[test]
    fn building_checks_parameters() {
        let context = Context { gold: &[], jobs: 2 };
        let cases = [
            ("[extractor.x]\nkind = \"oracle\"\nmodel = \"m\"\n", "unknown parameter `model` for kind `oracle`"),
            ("[extractor.x]\nkind = \"command\"\nversion = \"1\"\nlayers = [\"ner\"]\n", "`command` is required"),
            ("[extractor.x]\nkind = \"command\"\ncommand = [\"true\"]\nlayers = [\"ner\"]\n", "`version` is required"),
            ("[extractor.x]\nkind = \"command\"\ncommand = [\"true\"]\nversion = \"1\"\n", "`layers` is required"),
            ("[extractor.x]\nkind = \"command\"\ncommand = \"true\"\nversion = \"1\"\nlayers = [\"ner\"]\n", "list of strings"),
            ("[extractor.x]\nkind = \"command\"\ncommand = [\"true\"]\nversion = \"1\"\nlayers = [\"ner\"]\ntimeout_secs = -1\n", "positive number"),
        ];
        for (text, fragment) in cases {
            let all = registry(text).unwrap();
            let message = build(&all[0], &context).err().unwrap().to_string();
            assert!(message.contains(fragment), "{text}: {message}");
        }
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let all = declarations(None).unwrap();
        let message = find(&all, "nope").unwrap_err().to_string();
        assert!(message.contains("unknown extractor `nope` (known: oracle"), "{message}");
    }
}
