//! The terminal rendering of a comparison: which reports, on what data, then per extractor and
//! layer the figures of every report with each one's difference to the first and its
//! significance, the per-label differences, and the most changed articles with their spans.

use std::collections::HashMap;
use std::fmt::Write;

use crate::compare::changes::{ChangeKind, Side, SpanChange};
use crate::compare::gate::Gate;
use crate::compare::source::SpanRef;
use crate::compare::{Comparison, LayerComparison, SchemeRow};
use crate::report::terminal::align;

/// Article id → text, for quoting spans; empty when the dataset is not at hand.
pub type Texts<'a> = HashMap<&'a str, &'a str>;

/// How reports are called in tables: A, B, C, …
pub fn letter(k: usize) -> String {
    match u8::try_from(k).ok().filter(|&k| k < 26) {
        Some(k) => char::from(b'A' + k).to_string(),
        None => format!("R{}", k + 1),
    }
}

fn figure(x: f64) -> String {
    format!("{x:.4}")
}

fn signed(x: f64) -> String {
    // No "-0.0000": a difference that rounds to zero is shown as +0.0000.
    let x = if x.abs() < 0.000_05 { 0.0 } else { x };
    format!("{x:+.4}")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The whole comparison; `top` changed articles per extractor, layer and report.
pub fn render(comparison: &Comparison, top: usize, texts: &Texts<'_>) -> String {
    let mut out = String::new();
    for (k, report) in comparison.reports.iter().enumerate() {
        let commit = report.git_commit.as_deref().map_or("unknown".to_string(), |c| c.chars().take(10).collect());
        let _ = writeln!(out, "{}: {}  (created {}, commit {}, mizan {})", letter(k), report.path, report.created, commit, report.mizan_version);
    }
    let dataset = &comparison.reports[0].dataset;
    if comparison.dataset.same {
        let _ = writeln!(
            out,
            "dataset: {} ({}, fingerprint {}), the same in every report",
            dataset.name,
            plural(dataset.articles as usize, "article", "articles"),
            dataset.fingerprint
        );
    } else {
        let _ = writeln!(out, "datasets differ: {}; the tests use only the articles both reports scored", comparison.dataset.differences.join("; "));
    }
    for note in &comparison.dataset.unchecked {
        let _ = writeln!(out, "note: {note}; only the dataset's name and article count were checked");
    }
    let s = &comparison.settings;
    let _ = writeln!(
        out,
        "p: paired approximate randomization over articles ({} trials); CI: paired bootstrap {:.0}% interval of ΔF1 ({} resamples); seed {}; * p < {}",
        s.trials,
        s.level * 100.0,
        s.resamples,
        s.seed,
        s.alpha
    );
    for extractor in &comparison.extractors {
        for layer in &extractor.layers {
            let versions: Vec<String> = extractor
                .versions
                .iter()
                .enumerate()
                .map(|(k, v)| match v {
                    Some(v) => {
                        let failed = if v.failed > 0 { format!(", failed on {}", plural(v.failed, "article", "articles")) } else { String::new() };
                        format!("{} {} (config {}{failed})", letter(k), v.version, v.config_hash.chars().take(8).collect::<String>())
                    }
                    None => format!("{} absent", letter(k)),
                })
                .collect();
            let _ = writeln!(out, "\n{} on {}: version {}", extractor.name, layer.layer, versions.join(", "));
            out.push_str(&scheme_table(&layer.overall, "scheme", |r| r.scheme.clone(), true));
            out.push_str(&power_note(layer, s.alpha));
            if !layer.per_label.is_empty() {
                out.push_str("per label (strict, each label scored on its own)\n");
                let strict: Vec<(String, &SchemeRow)> =
                    layer.per_label.iter().filter_map(|l| l.schemes.iter().find(|r| r.scheme == "strict").map(|r| (l.label.clone(), r))).collect();
                let rows: Vec<SchemeRow> = strict.iter().map(|(label, r)| SchemeRow { scheme: label.clone(), ..(*r).clone() }).collect();
                out.push_str(&scheme_table(&rows, "label", |r| r.scheme.clone(), false));
            }
            out.push_str(&changed(comparison, layer, top, texts));
        }
    }
    if !comparison.only_in.is_empty() {
        out.push_str("\nnot in every report:\n");
        for presence in &comparison.only_in {
            let what = match &presence.layer {
                Some(layer) => format!("{}, layer {}", presence.extractor, layer),
                None => presence.extractor.clone(),
            };
            let reports: Vec<String> = presence.reports.iter().map(|&k| letter(k)).collect();
            let _ = writeln!(out, "  {what}: only in {}", reports.join(", "));
        }
    }
    // Names, labels and article text come from the reports: nothing raw reaches the terminal.
    crate::model::lines_for_terminal(&out).into_owned()
}

/// Rows per scheme (or label) and report: figures, then differences for reports after the first.
fn scheme_table(rows: &[SchemeRow], head: &str, name: impl Fn(&SchemeRow) -> String, tests: bool) -> String {
    let mut header = vec![head, "report", "precision", "recall", "F1", "ΔP", "ΔR", "ΔF1"];
    if tests {
        header.extend(["p", "95% CI of ΔF1"]);
    }
    let mut table = vec![header.into_iter().map(String::from).collect::<Vec<_>>()];
    for row in rows {
        for (k, figures) in row.figures.iter().enumerate() {
            let mut cells = vec![if k == 0 { name(row) } else { String::new() }, letter(k)];
            let Some(f) = figures else {
                cells.push("-".into());
                table.push(cells);
                continue;
            };
            cells.extend([figure(f.precision), figure(f.recall), figure(f.f1)]);
            if let Some(d) = row.delta(k) {
                cells.extend([signed(d.precision), signed(d.recall), signed(d.f1)]);
                if tests {
                    match &d.significance {
                        Some(s) => cells.extend([
                            format!("{}{}", figure(s.p_value), if d.significant == Some(true) { "*" } else { " " }),
                            format!("[{}, {}]", signed(s.interval[0]), signed(s.interval[1])),
                        ]),
                        None => cells.extend(["-".to_string(), "-".to_string()]),
                    }
                }
            }
            table.push(cells);
        }
    }
    align(&table, 2)
}

/// A warning when too few articles differ for any difference to reach significance.
fn power_note(layer: &LayerComparison, alpha: f64) -> String {
    let Some(s) = layer.overall.iter().flat_map(|r| r.deltas.iter().flatten()).filter_map(|d| d.significance.as_ref()).find(|s| s.observed != 0.0) else {
        return String::new();
    };
    if s.can_reach(alpha) {
        return String::new();
    }
    format!("note: the reports differ on {} of {}: no difference here can reach p < {alpha}\n", plural(s.differing, "article", "articles"), s.articles)
}

fn span_text(span: &SpanRef, text: Option<&str>) -> String {
    let mut out = format!("{} {}–{}", span.label, span.start, span.end);
    if let Some(text) = text {
        let quoted: String = text.chars().skip(span.start).take(span.end.saturating_sub(span.start)).collect();
        let short: String = if quoted.chars().count() > 40 { quoted.chars().take(39).chain(['…']).collect() } else { quoted };
        let _ = write!(out, " «{}»", short.replace('\n', " "));
    }
    for (key, value) in &span.attrs {
        let _ = write!(out, " {key}={value}");
    }
    out
}

fn side_text(side: &Option<Side>, gold: &Option<SpanRef>, text: Option<&str>) -> String {
    let Some(side) = side else { return "absent".into() };
    let name = crate::report::tables::outcome_name(side.outcome).to_string();
    match &side.pred {
        Some(pred) if gold.as_ref().is_none_or(|g| (g.start, g.end, &g.label, &g.attrs) != (pred.start, pred.end, &pred.label, &pred.attrs)) => {
            format!("{name} ({})", span_text(pred, text))
        }
        _ => name,
    }
}

fn change_line(change: &SpanChange, text: Option<&str>) -> String {
    let kind = match change.kind {
        ChangeKind::Fixed => "fixed",
        ChangeKind::Regressed => "regressed",
        ChangeKind::Changed => "changed",
        ChangeKind::SpuriousAdded => "+spurious",
        ChangeKind::SpuriousRemoved => "-spurious",
    };
    match &change.gold {
        Some(gold) => format!(
            "{kind:<10} {}: {} → {}",
            span_text(gold, text),
            side_text(&change.before, &change.gold, text),
            side_text(&change.after, &change.gold, text)
        ),
        None => {
            let side = change.after.as_ref().or(change.before.as_ref());
            format!("{kind:<10} {}", side.and_then(|s| s.pred.as_ref()).map_or(String::new(), |p| span_text(p, text)))
        }
    }
}

fn changed(comparison: &Comparison, layer: &LayerComparison, top: usize, texts: &Texts<'_>) -> String {
    let mut out = String::new();
    for set in &layer.changed {
        let pair = format!("{} → {}", letter(0), letter(set.report));
        if !set.available {
            let missing: Vec<&str> =
                [0, set.report].iter().filter(|&&k| !comparison.reports[k].outcomes).map(|&k| comparison.reports[k].path.as_str()).collect();
            let _ = writeln!(out, "changed articles {pair}: need report folders with outcomes.jsonl ({} has none)", missing.join(", "));
            continue;
        }
        if set.articles.is_empty() {
            let _ = writeln!(out, "changed articles {pair}: none");
            continue;
        }
        let _ = writeln!(
            out,
            "changed articles {pair}: {}; {} fixed, {} regressed, {} other",
            plural(set.articles.len(), "article", "articles"),
            set.fixed,
            set.regressed,
            set.other
        );
        for article in set.articles.iter().take(top) {
            let _ = writeln!(out, "  {}: {} fixed, {} regressed, {} other", article.article_id, article.fixed, article.regressed, article.other);
            let text = texts.get(article.article_id.as_str()).copied();
            for change in &article.changes {
                let _ = writeln!(out, "    {}", change_line(change, text));
            }
        }
        if set.articles.len() > top {
            let _ = writeln!(out, "  … and {} more (--top N shows more; --json has all)", set.articles.len() - top);
        }
    }
    out
}

/// The gate's verdict, for stderr.
pub fn gate_lines(gate: &Gate) -> String {
    let mut out = String::new();
    for r in &gate.regressions {
        let _ = writeln!(out, "regression in {}: {r}", letter(r.report));
        if !r.testable && gate.alpha < 1.0 {
            let _ = writeln!(
                out,
                "  the drop is larger than {} and these reports cannot show it significant at alpha {}, so the gate fails closed; \
                 to gate on the drop alone, pass --alpha 1",
                gate.threshold, gate.alpha
            );
        }
    }
    for r in &gate.not_significant {
        let _ = writeln!(out, "note: {}: {r}, a drop larger than {} that is not significant (p ≥ {})", letter(r.report), gate.threshold, gate.alpha);
    }
    crate::model::lines_for_terminal(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn reports_are_lettered() {
        assert_eq!([letter(0), letter(1), letter(25), letter(26)], ["A", "B", "Z", "R27"]);
    }

    #[test]
    fn differences_have_a_sign_and_no_negative_zero() {
        assert_eq!([signed(0.0), signed(-0.00001), signed(-0.25), signed(0.125)], ["+0.0000", "+0.0000", "-0.2500", "+0.1250"]);
    }

    #[test]
    fn span_changes_read_as_before_and_after() {
        let span = |start, end, label: &str| SpanRef { start, end, label: label.into(), attrs: BTreeMap::new() };
        let side = |outcome, pred| Some(Side { outcome, pred });
        use crate::score::scheme::Outcome::*;
        let text = Some("قال لافروف في موسكو");
        let cases = [
            (
                SpanChange {
                    kind: ChangeKind::Regressed,
                    gold: Some(span(4, 10, "PER")),
                    before: side(Correct, Some(span(4, 10, "PER"))),
                    after: side(Missed, None),
                },
                "regressed  PER 4–10 «لافروف»: correct → missed",
            ),
            (
                SpanChange {
                    kind: ChangeKind::Changed,
                    gold: Some(span(14, 19, "LOC")),
                    before: side(Missed, None),
                    after: side(WrongBoundary, Some(span(11, 19, "LOC"))),
                },
                "changed    LOC 14–19 «موسكو»: missed → wrong_boundary (LOC 11–19 «في موسكو»)",
            ),
            (
                SpanChange { kind: ChangeKind::SpuriousAdded, gold: None, before: None, after: side(Spurious, Some(span(0, 3, "ORG"))) },
                "+spurious  ORG 0–3 «قال»",
            ),
        ];
        for (change, expected) in cases {
            assert_eq!(change_line(&change, text), expected);
        }
        assert_eq!(span_text(&span(0, 3, "X"), None), "X 0–3");
    }
}
