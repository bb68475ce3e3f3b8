//! `mizan extractors [--json]`: the extractors a run can use — the built-in instances and those
//! declared in the registry file.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::extract::registry::Registry;
use crate::report::terminal::align;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Registry file declaring extractors (default: ./extractors.toml when present).
    #[arg(long, value_name = "FILE")]
    pub registry: Option<PathBuf>,
    /// Print a JSON list of {name, kind, version, layers, description}.
    #[arg(long)]
    json: bool,
}

/// The registry file to read: `--registry`, or `./extractors.toml` when it exists.
pub fn registry_path(given: Option<&PathBuf>) -> Option<PathBuf> {
    given.cloned().or_else(|| Some(PathBuf::from("extractors.toml")).filter(|p| p.is_file()))
}

pub fn run(args: Args, registry: &Registry) -> anyhow::Result<ExitCode> {
    let all = registry.declarations(registry_path(args.registry.as_ref()).as_deref())?;
    let mut infos = Vec::new();
    let mut failed = false;
    for declaration in &all {
        match registry.describe(declaration) {
            Ok(info) => infos.push(info),
            Err(error) => {
                eprintln!("error: {}", crate::model::for_terminal(&error.to_string()));
                failed = true;
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&infos)?);
    } else {
        let mut rows = vec![["name", "kind", "version", "layers", "description"].iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        for info in &infos {
            let layers = if info.layers.is_empty() { "(the gold's)".to_string() } else { info.layers.join(",") };
            rows.push(vec![info.name.clone(), info.kind.clone(), info.version.clone(), layers, info.description.clone()]);
        }
        print!("{}", align(&rows, 5));
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
