//! The registry: a plain value holding the kinds of extractor a run can use. It starts from
//! the one visible list of built-in kinds ([`BUILTIN_KINDS`]); a user's own crate adds kinds by
//! value (`Registry::builtin().with_kind(...)`) and hands the registry to mizan's command line
//! (`mizan::cli::main_with`). The registry file (`extractors.toml`) declares named instances of
//! the kinds — built-in ones with parameters, external commands, predictions files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::extract::command::{CommandExtractor, CommandSpec};
use crate::extract::gazetteer::GazetteerExtractor;
use crate::extract::news_rules::NewsRules;
use crate::extract::oracle::Oracle;
use crate::extract::perceptron::{PerceptronModel, PerceptronNer};
use crate::extract::predictions::PredictionsFile;
use crate::extract::Extractor;
use crate::load::AnnotationFormat;
use crate::model::{Article, Span};

/// Makes an extractor from its declaration.
pub type Build = fn(&Declaration, &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError>;

/// A kind of extractor: its name (what `kind = "…"` says in a registry file), a description,
/// and how to build an instance from its declaration.
#[derive(Clone, Copy)]
pub struct Kind {
    /// What `kind = "…"` names in a registry file, and the default instance's name.
    pub name: &'static str,
    /// One line for `mizan extractors`.
    pub description: &'static str,
    /// Whether an instance needs a parameter that has no default (a model file, a command);
    /// kinds without one run when `mizan run` is given no `--extractor`.
    pub needs_configuration: bool,
    /// Whether an instance named after the kind exists without a registry file.
    pub listed_by_default: bool,
    /// Makes an instance from its declaration.
    pub build: Build,
}

impl Kind {
    /// A kind whose instances exist under its own name without a registry file, and run by
    /// default when they need no configuration.
    pub const fn new(name: &'static str, description: &'static str, build: Build) -> Self {
        Kind { name, description, needs_configuration: false, listed_by_default: true, build }
    }

    /// A kind that only exists through declarations with parameters (a model, a path).
    pub const fn configured(name: &'static str, description: &'static str, build: Build) -> Self {
        Kind { name, description, needs_configuration: true, listed_by_default: false, build }
    }
}

/// Every built-in kind. One line each.
pub const BUILTIN_KINDS: &[Kind] = &[
    Kind::new("oracle", "returns the gold spans (tests the whole path: every score is 1.0)", build_oracle),
    Kind::new("gazetteer", "dictionary lookup of places, organisations and people over normalised Arabic, proclitics outside the span", build_gazetteer),
    Kind::new("news-rules", "datelines, quotes with their speakers, and dates, by rules for Arabic news copy", build_news_rules),
    Kind::new(
        "perceptron-ner",
        "an averaged-perceptron BIO tagger; the shipped model (ANERcorp train, CC BY-SA 4.0) unless `model` names another",
        build_perceptron,
    ),
    Kind::configured("command", "an external program in any language, one JSON article a line on stdin", build_command),
    Kind::configured("predictions", "a span file of predictions made elsewhere (`path = \"…\"`), scored like any extractor", build_predictions),
];

/// The kinds a run can use: the built-in ones and any a user's crate adds.
///
/// ```
/// use mizan::extract::registry::{Context, Declaration, Kind, Registry, RegistryError};
/// use mizan::extract::Extractor;
///
/// fn build_mine(declaration: &Declaration, _: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
///     declaration.allow_only(&[])?;
///     Err(declaration.error("not built in this example"))
/// }
/// let registry = Registry::builtin().with_kind(Kind::new("mine", "my extractor", build_mine));
/// assert!(registry.kind("mine").is_some() && registry.kind("gazetteer").is_some());
/// ```
#[derive(Clone)]
pub struct Registry {
    kinds: Vec<Kind>,
}

impl Registry {
    /// The built-in kinds ([`BUILTIN_KINDS`]).
    pub fn builtin() -> Self {
        Registry { kinds: BUILTIN_KINDS.to_vec() }
    }

    /// The registry with one more kind; a kind of the same name is replaced.
    pub fn with_kind(mut self, kind: Kind) -> Self {
        self.kinds.retain(|k| k.name != kind.name);
        self.kinds.push(kind);
        self
    }

    /// Every kind, built-in ones first.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// The kind named `name`.
    pub fn kind(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.name == name)
    }

    fn kind_names(&self) -> String {
        self.kinds.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
    }

    /// The kind of a declaration.
    pub fn kind_of(&self, declaration: &Declaration) -> Result<&Kind, RegistryError> {
        self.kind(&declaration.kind).ok_or_else(|| declaration.error(format!("unknown kind `{}` (one of: {})", declaration.kind, self.kind_names())))
    }

    /// The instances that exist without a registry file: one per kind listed by default.
    pub fn builtin_declarations(&self) -> Vec<Declaration> {
        self.kinds.iter().filter(|kind| kind.listed_by_default).map(|kind| Declaration::new(kind.name, kind.name)).collect()
    }

    /// Built-in instances, then the registry file's (which may replace a built-in of the same
    /// name).
    pub fn declarations(&self, file: Option<&Path>) -> Result<Vec<Declaration>, RegistryError> {
        let mut all = self.builtin_declarations();
        if let Some(path) = file {
            for declaration in self.read_file(path)? {
                all.retain(|d| d.name != declaration.name);
                all.push(declaration);
            }
        }
        Ok(all)
    }

    /// Reads a registry file: `[extractor.<name>]` tables with a `kind` and its parameters.
    pub fn read_file(&self, path: &Path) -> Result<Vec<Declaration>, RegistryError> {
        let file_error = |message: String| RegistryError::File { path: path.to_path_buf(), message };
        // Bounded like a line (MIZAN_MAX_LINE_BYTES): a registry is a few lines of TOML.
        let text = crate::load::read_bounded_text(path).map_err(|e| match e {
            crate::load::LoadError::Io { source, .. } => file_error(format!("cannot read: {source}")),
            crate::load::LoadError::Unusable { message, .. } => file_error(message),
            other => file_error(other.to_string()),
        })?;
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
                check_name(name).map_err(|message| file_error(format!("[extractor.{}]: {message}", name.escape_debug())))?;
                let Some(entry) = entry.as_table() else {
                    return Err(file_error(format!("[extractor.{name}] must be a table")));
                };
                let mut params = entry.clone();
                let kind = match params.remove("kind") {
                    Some(toml::Value::String(kind)) => kind,
                    _ => return Err(file_error(format!("[extractor.{name}] needs `kind` (one of: {})", self.kind_names()))),
                };
                if self.kind(&kind).is_none() {
                    return Err(file_error(format!("[extractor.{name}]: unknown kind `{kind}` (one of: {})", self.kind_names())));
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

    /// Describes an instance. A command or a predictions file is described from its
    /// declaration, without starting or reading it; other kinds are built (with no dataset: an
    /// oracle lists no layers until it has one).
    pub fn describe(&self, declaration: &Declaration) -> Result<Info, RegistryError> {
        let kind = self.kind_of(declaration)?;
        let description = declaration.description.clone().unwrap_or_else(|| kind.description.to_string());
        let (version, layers) = match kind.name {
            "command" => (declaration.string("version")?.unwrap_or_default(), declaration.strings("layers")?.unwrap_or_default()),
            "predictions" => (declaration.string("version")?.unwrap_or_else(|| "content hash".into()), vec![]),
            _ => {
                let extractor = self.build(declaration, &Context { gold: &[], articles: &[], jobs: 1 })?;
                (extractor.version().to_string(), extractor.layers())
            }
        };
        Ok(Info { name: declaration.name.clone(), kind: declaration.kind.clone(), version, layers, description })
    }

    /// Builds an extractor from its declaration.
    pub fn build(&self, declaration: &Declaration, context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
        check_name(&declaration.name).map_err(|message| declaration.error(message))?;
        (self.kind_of(declaration)?.build)(declaration, context)
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::builtin()
    }
}

/// Extractor names become file names (`predictions/<name>.jsonl`) and report keys, so they are
/// identifiers: ASCII letters, digits, `-`, `_` and `.`, not starting with `.` or `-`.
pub fn check_name(name: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() || name.len() > 100 {
        return Err("an extractor name must have 1 to 100 characters".into());
    }
    if !name.chars().all(allowed) || name.starts_with(['.', '-']) {
        return Err(format!(
            "`{}` is not a valid extractor name: use letters, digits, `-`, `_` and `.` (not first)",
            name.chars().take(60).collect::<String>().escape_debug()
        ));
    }
    Ok(())
}

/// What a run offers extractors while they are built.
pub struct Context<'a> {
    /// The dataset's gold (for `oracle`).
    pub gold: &'a [Span],
    /// The dataset's articles (a predictions file is checked against them).
    pub articles: &'a [Article],
    /// Threads of the run: the default number of worker processes of a command.
    pub jobs: usize,
}

/// A named instance: a kind and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    /// The instance name (`--extractor NAME`, `predictions/NAME.jsonl`).
    pub name: String,
    /// The kind's name.
    pub kind: String,
    /// Replaces the kind's description in `mizan extractors`.
    pub description: Option<String>,
    /// Every other key of its `[extractor.NAME]` table.
    pub params: toml::Table,
    /// The registry file it comes from; relative paths are resolved against its folder.
    pub file: Option<PathBuf>,
}

/// Why a registry file or a declaration is unusable.
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The registry file cannot be read or parsed.
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    /// A declaration's parameters are wrong, or its extractor cannot start.
    #[error("extractor `{name}`: {message}")]
    Declaration { name: String, message: String },
    /// No instance has that name.
    #[error("unknown extractor `{name}` (known: {known}); declare it in extractors.toml or pass --registry FILE")]
    Unknown { name: String, known: String },
}

impl Declaration {
    /// A declaration of `kind` named `name`, with no parameters and no file.
    pub fn new(name: impl Into<String>, kind: impl Into<String>) -> Self {
        Declaration { name: name.into(), kind: kind.into(), description: None, params: toml::Table::new(), file: None }
    }

    /// The same declaration with one more parameter.
    pub fn with_param(mut self, key: impl Into<String>, value: impl Into<toml::Value>) -> Self {
        self.params.insert(key.into(), value.into());
        self
    }

    /// An error about this declaration, naming it (and its file).
    pub fn error(&self, message: impl Into<String>) -> RegistryError {
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

    /// A string parameter, if given.
    pub fn string(&self, key: &str) -> Result<Option<String>, RegistryError> {
        match self.params.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.error(format!("`{key}` must be a string, found {}", other.type_str()))),
        }
    }

    /// A list-of-strings parameter, if given.
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

    /// A positive number parameter, if given.
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

/// The shipped tagger: trained on ANERcorp train by `mizan train perceptron-ner` with the
/// default options (models/README.md), embedded so that it works from any folder and after
/// `cargo install`. CC BY-SA 4.0, as ANERcorp.
pub const SHIPPED_PERCEPTRON: &[u8] = include_bytes!("../../models/perceptron-ner-anercorp.pnr");

fn build_perceptron(declaration: &Declaration, _context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
    declaration.allow_only(&["model"])?;
    let extractor = match declaration.string("model")? {
        Some(model) => PerceptronNer::load(&declaration.name, &declaration.path(&model)),
        None => PerceptronModel::decode(SHIPPED_PERCEPTRON, Path::new("models/perceptron-ner-anercorp.pnr (shipped)"))
            .map(|model| PerceptronNer::from_model(&declaration.name, model)),
    }
    .map_err(|e| declaration.error(e.to_string()))?;
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

fn build_predictions(declaration: &Declaration, context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
    declaration.allow_only(&["path", "format", "version", "layers"])?;
    let path = declaration.string("path")?.ok_or_else(|| declaration.error("`path` is required: a file of predictions"))?;
    let format = match declaration.string("format")? {
        None => AnnotationFormat::Spans,
        Some(name) => name.parse().map_err(|e: String| declaration.error(format!("`format`: {e}")))?,
    };
    let layers = declaration.strings("layers")?.filter(|l| !l.is_empty());
    let file = PredictionsFile::load_as(&declaration.name, &declaration.path(&path), format, context.articles, declaration.string("version")?, layers)
        .map_err(|e| declaration.error(e))?;
    Ok(Box::new(file))
}

/// Finds a declaration by name.
pub fn find<'a>(all: &'a [Declaration], name: &str) -> Result<&'a Declaration, RegistryError> {
    all.iter()
        .find(|d| d.name == name)
        .ok_or_else(|| RegistryError::Unknown { name: name.to_string(), known: all.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ") })
}

/// What `mizan extractors` lists about an instance.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[allow(missing_docs)]
pub struct Info {
    pub name: String,
    pub kind: String,
    pub version: String,
    /// Empty for an oracle, which answers the layers of whatever gold it is given.
    pub layers: Vec<String>,
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(text: &str) -> Result<Vec<Declaration>, RegistryError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("extractors.toml");
        std::fs::write(&path, text).unwrap();
        Registry::builtin().read_file(&path)
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
        let context = Context { gold: &[], articles: &[], jobs: 2 };
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
            let message = Registry::builtin().build(&all[0], &context).err().unwrap().to_string();
            assert!(message.contains(fragment), "{text}: {message}");
        }
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let all = Registry::builtin().declarations(None).unwrap();
        let message = find(&all, "nope").unwrap_err().to_string();
        assert!(message.contains("unknown extractor `nope` (known: oracle"), "{message}");
    }

    #[test]
    fn names_are_identifiers() {
        // Keys as TOML writes them.
        for bad in ["../../x", "a/b", ".hidden", "-x", "", "a b", "x\\u001b[31m"] {
            let text = format!("[extractor.\"{bad}\"]\nkind = \"oracle\"\n");
            let message = registry(&text).unwrap_err().to_string();
            assert!(message.contains("extractor name"), "{bad:?}: {message}");
        }
        for good in ["my-ner", "bert_v2", "model.1"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        let context = Context { gold: &[], articles: &[], jobs: 1 };
        let error = Registry::builtin().build(&Declaration::new("../x", "oracle"), &context).err().unwrap().to_string();
        assert!(error.contains("not a valid extractor name"), "{error}");
    }

    #[test]
    fn a_users_kind_extends_the_builtin_ones() {
        fn build_mine(declaration: &Declaration, _: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
            declaration.allow_only(&["n"])?;
            Ok(Box::new(NewsRules::new(&declaration.name)))
        }
        let registry = Registry::builtin().with_kind(Kind::new("mine", "mine", build_mine));
        assert_eq!(registry.kinds().len(), BUILTIN_KINDS.len() + 1);
        let names: Vec<String> = registry.declarations(None).unwrap().into_iter().map(|d| d.name).collect();
        assert!(names.contains(&"mine".to_string()) && names.contains(&"gazetteer".to_string()), "{names:?}");
        let all = registry.read_file(&{
            let dir = tempfile::tempdir().unwrap().keep();
            let path = dir.join("extractors.toml");
            std::fs::write(&path, "[extractor.x]\nkind = \"mine\"\nn = 3\n").unwrap();
            path
        });
        let all = all.unwrap();
        let context = Context { gold: &[], articles: &[], jobs: 1 };
        assert_eq!(registry.build(&all[0], &context).unwrap().name(), "x");
        assert!(Registry::builtin().read_file(&all[0].file.clone().unwrap()).unwrap_err().to_string().contains("unknown kind `mine`"));
    }
}
