//! A user's own mizan: the whole command line, with one more extractor kind, `numbers`, that
//! finds runs of ASCII, Arabic-Indic (٠–٩) and Persian (۰–۹) digits. It is built outside
//! mizan's crate, against the public API only:
//!
//! ```sh
//! cargo run -p custom-extractor -- run sana -e numbers --out out/numbers
//! cargo run -p custom-extractor -- run sana -e years --registry examples/custom-extractor/extractors.toml --out out/years
//! ```

use std::process::ExitCode;

use mizan::extract::registry::{Context, Declaration, Kind, Registry, RegistryError};
use mizan::extract::{ExtractError, Extractor};
use mizan::{Article, Span};

/// Numbers as spans: every run of at least `min_digits` digits of one script, labelled `label`
/// in `layer`.
struct Numbers {
    name: String,
    layer: String,
    label: String,
    min_digits: usize,
}

impl Extractor for Numbers {
    fn name(&self) -> &str {
        &self.name
    }

    fn version(&self) -> &str {
        "1"
    }

    fn layers(&self) -> Vec<String> {
        vec![self.layer.clone()]
    }

    fn parameters(&self) -> serde_json::Value {
        serde_json::json!({ "layer": self.layer, "label": self.label, "min_digits": self.min_digits })
    }

    fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError> {
        let mut spans = Vec::new();
        // Offsets are code points, as every mizan span's are.
        let mut run: Option<(usize, u32)> = None;
        let chars: Vec<char> = article.text.chars().collect();
        for (i, &c) in chars.iter().chain(std::iter::once(&' ')).enumerate() {
            let script = digit_script(c);
            match (run, script) {
                (Some((_, open)), Some(now)) if open == now => {}
                (open, now) => {
                    if let Some((start, _)) = open {
                        if i - start >= self.min_digits {
                            let text: String = chars[start..i].iter().collect();
                            spans.push(Span::new(&article.id, start, i, &self.label).with_layer(&self.layer).with_text(text));
                        }
                    }
                    run = now.map(|script| (i, script));
                }
            }
        }
        Ok(spans)
    }
}

/// The zero of the digit's script (`'0'`, `'٠'` or `'۰'`), or `None` for a non-digit.
fn digit_script(c: char) -> Option<u32> {
    ['0', '\u{0660}', '\u{06F0}'].into_iter().map(u32::from).find(|&zero| (zero..zero + 10).contains(&u32::from(c)))
}

/// Builds an instance from its declaration: `layer`, `label` and `min_digits`, all optional.
fn build_numbers(declaration: &Declaration, _context: &Context<'_>) -> Result<Box<dyn Extractor>, RegistryError> {
    declaration.allow_only(&["layer", "label", "min_digits"])?;
    Ok(Box::new(Numbers {
        name: declaration.name.clone(),
        layer: declaration.string("layer")?.unwrap_or_else(|| "number".into()),
        label: declaration.string("label")?.unwrap_or_else(|| "NUM".into()),
        min_digits: declaration.number("min_digits")?.map_or(1, |n| n as usize),
    }))
}

const NUMBERS: Kind = Kind::new("numbers", "runs of ASCII, Arabic-Indic and Persian digits (a kind from outside mizan)", build_numbers);

fn main() -> ExitCode {
    mizan::cli::main_with(Registry::builtin().with_kind(NUMBERS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_each_script_are_one_span_each() {
        let numbers = Numbers { name: "n".into(), layer: "number".into(), label: "NUM".into(), min_digits: 2 };
        let article = Article::new("a", "عام 2018 و٢٠١٩ و۳ و7", Default::default());
        let found: Vec<(usize, usize, String)> = numbers.extract(&article).unwrap().into_iter().map(|s| (s.start, s.end, s.text.unwrap_or_default())).collect();
        assert_eq!(found, [(4, 8, "2018".to_string()), (10, 14, "٢٠١٩".to_string())]);
    }
}
