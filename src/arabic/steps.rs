//! What the Arabic normaliser does: one flag per step, and the named sets of flags.
//!
//! [`Steps::MATCHING`] is the fold the gazetteer and the perceptron tagger have always used;
//! their committed baseline reports depend on it, so it never changes. The user-facing
//! profiles (`mizan normalize --profile`) are separate presets:
//!
//! | step | `light` | `search` | `full` |
//! |---|---|---|---|
//! | `unicode` (NFC / NFKC) | NFC | NFC | NFKC |
//! | `controls` (bidi marks, zero-width characters, BOM) | yes | yes | yes |
//! | `tatweel` | yes | yes | yes |
//! | `whitespace` (runs → one space, or one `\n`) | yes | yes | yes |
//! | `diacritics` (harakat, shadda, sukun, dagger alef, Quranic marks) | | yes | yes |
//! | `alef` (أ إ آ ٱ → ا) | | yes | yes |
//! | `ya` (ى → ي) | | yes | yes |
//! | `persian` (ی → ي, ک → ك) | | yes | yes |
//! | `digits` (٠–٩, ۰–۹ → 0–9) | | yes | yes |
//! | `ta-marbuta` (ة → ه) | | | yes |
//! | `hamza` (ؤ → و, ئ → ي) | | | yes |

use std::fmt;
use std::str::FromStr;

/// Unicode normalisation form applied before the Arabic folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnicodeForm {
    None,
    Nfc,
    Nfkc,
}

/// The steps of one normalisation. Each is independent; they are applied in one pass, in the
/// order of the fields, after the Unicode form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Steps {
    pub unicode: UnicodeForm,
    /// Remove bidi control marks, zero-width spaces and (non-)joiners, word joiner and BOM.
    pub controls: bool,
    pub tatweel: bool,
    /// Remove harakat, shadda, sukun, dagger alef and the Quranic marks U+06D6–U+06ED.
    pub diacritics: bool,
    /// Also remove the Quranic honorific signs U+0610–U+061A (with `diacritics`).
    pub quranic_signs: bool,
    pub alef: bool,
    pub ya: bool,
    pub persian: bool,
    pub ta_marbuta: bool,
    pub hamza: bool,
    pub digits: bool,
    pub whitespace: bool,
}

/// The names of the steps, as `--with`/`--without` take them.
pub const STEP_NAMES: [&str; 11] = ["controls", "tatweel", "diacritics", "alef", "ya", "persian", "ta-marbuta", "hamza", "digits", "whitespace", "nfc"];

impl Steps {
    /// Nothing at all.
    pub const NONE: Steps = Steps {
        unicode: UnicodeForm::None,
        controls: false,
        tatweel: false,
        diacritics: false,
        quranic_signs: false,
        alef: false,
        ya: false,
        persian: false,
        ta_marbuta: false,
        hamza: false,
        digits: false,
        whitespace: false,
    };

    /// The gazetteer's and the tagger's fold: every letter fold but hamza, digits, controls,
    /// tatweel and diacritics; no Unicode form; whitespace as written.
    pub const MATCHING: Steps = Steps {
        unicode: UnicodeForm::None,
        controls: true,
        tatweel: true,
        diacritics: true,
        quranic_signs: false,
        alef: true,
        ya: true,
        persian: true,
        ta_marbuta: true,
        hamza: false,
        digits: true,
        whitespace: false,
    };

    /// Invisible and layout-only changes: the text reads the same.
    pub const LIGHT: Steps = Steps { unicode: UnicodeForm::Nfc, controls: true, tatweel: true, whitespace: true, ..Steps::NONE };

    /// What search engines fold: marks, letter variants and digits, keeping ة and hamza seats.
    pub const SEARCH: Steps = Steps { diacritics: true, quranic_signs: true, alef: true, ya: true, persian: true, digits: true, ..Steps::LIGHT };

    /// Everything, NFKC included (presentation forms and ligatures are decomposed).
    pub const FULL: Steps = Steps { unicode: UnicodeForm::Nfkc, ta_marbuta: true, hamza: true, ..Steps::SEARCH };

    /// A profile by name: `light`, `search`, `full` (and `matching`, the extractors' fold).
    pub fn profile(name: &str) -> Option<Steps> {
        match name {
            "light" => Some(Steps::LIGHT),
            "search" => Some(Steps::SEARCH),
            "full" => Some(Steps::FULL),
            "matching" => Some(Steps::MATCHING),
            "none" => Some(Steps::NONE),
            _ => None,
        }
    }

    /// Turns one step on or off by its name ([`STEP_NAMES`], plus `nfkc`); `Err` names the
    /// known steps.
    pub fn set(&mut self, name: &str, on: bool) -> Result<(), String> {
        match name {
            "controls" => self.controls = on,
            "tatweel" => self.tatweel = on,
            "diacritics" => {
                self.diacritics = on;
                self.quranic_signs = on;
            }
            "alef" => self.alef = on,
            "ya" => self.ya = on,
            "persian" => self.persian = on,
            "ta-marbuta" => self.ta_marbuta = on,
            "hamza" => self.hamza = on,
            "digits" => self.digits = on,
            "whitespace" => self.whitespace = on,
            "nfc" => self.unicode = if on { UnicodeForm::Nfc } else { UnicodeForm::None },
            "nfkc" => self.unicode = if on { UnicodeForm::Nfkc } else { UnicodeForm::None },
            _ => return Err(format!("unknown normalisation step `{name}`; the steps are {}, nfkc", STEP_NAMES.join(", "))),
        }
        Ok(())
    }

    /// The steps that are on, by name, in [`STEP_NAMES`] order (`nfc`/`nfkc` first).
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = match self.unicode {
            UnicodeForm::None => vec![],
            UnicodeForm::Nfc => vec!["nfc"],
            UnicodeForm::Nfkc => vec!["nfkc"],
        };
        let flags = [
            ("controls", self.controls),
            ("tatweel", self.tatweel),
            ("diacritics", self.diacritics),
            ("alef", self.alef),
            ("ya", self.ya),
            ("persian", self.persian),
            ("ta-marbuta", self.ta_marbuta),
            ("hamza", self.hamza),
            ("digits", self.digits),
            ("whitespace", self.whitespace),
        ];
        names.extend(flags.iter().filter(|(_, on)| *on).map(|(name, _)| *name));
        names
    }
}

impl fmt::Display for Steps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.names().join(","))
    }
}

impl FromStr for Steps {
    type Err = String;

    /// A profile name.
    fn from_str(name: &str) -> Result<Steps, String> {
        Steps::profile(name).ok_or_else(|| format!("unknown normalisation profile `{name}`; use light, search or full"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_grow_and_steps_toggle() {
        assert_eq!(Steps::LIGHT.names(), ["nfc", "controls", "tatweel", "whitespace"]);
        assert_eq!(Steps::SEARCH.names(), ["nfc", "controls", "tatweel", "diacritics", "alef", "ya", "persian", "digits", "whitespace"]);
        assert_eq!(Steps::FULL.names(), ["nfkc", "controls", "tatweel", "diacritics", "alef", "ya", "persian", "ta-marbuta", "hamza", "digits", "whitespace"]);
        assert_eq!(Steps::MATCHING.names(), ["controls", "tatweel", "diacritics", "alef", "ya", "persian", "ta-marbuta", "digits"]);
        let mut steps = Steps::SEARCH;
        steps.set("diacritics", false).unwrap();
        steps.set("hamza", true).unwrap();
        assert!(!steps.diacritics && !steps.quranic_signs && steps.hamza);
        assert!(steps.set("colour", true).unwrap_err().contains("the steps are"));
        assert!("heavy".parse::<Steps>().is_err());
        assert_eq!("full".parse::<Steps>(), Ok(Steps::FULL));
    }
}
