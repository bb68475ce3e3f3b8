//! brat standoff out: `<id>.txt` and `<id>.ann` per article. Spans become `T` lines numbered
//! in offset order; fragments sharing `attrs.group` join back into one discontinuous `T`; the
//! attrs `note` and `norm` become `#` and `N` lines, every other attr an `A` line (binary when
//! its value is `"true"`). Relations read from `relations.jsonl` come back as `R`, `E` and `*`
//! lines when the spans they name are there.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use crate::model::{Article, Span};

/// The files of a brat collection, relative to its folder. An article id that is not a safe
/// relative path (empty, absolute, `..`) is refused with its id.
pub fn write_brat(articles: &[Article], spans: &[Span], relations: &[Value]) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let mut by_article: BTreeMap<&str, Vec<&Span>> = BTreeMap::new();
    for span in spans {
        by_article.entry(&span.article_id).or_default().push(span);
    }
    let mut relations_of: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for relation in relations {
        relations_of.entry(relation["article_id"].as_str().unwrap_or_default()).or_default().push(relation);
    }
    let mut files = Vec::new();
    for article in articles {
        let id = &article.id;
        if id.is_empty() || id.starts_with('/') || id.split('/').any(|part| part.is_empty() || part == "." || part == "..") || id.contains('\\') {
            return Err(format!("article id `{id}` cannot be a brat file name; rename the article"));
        }
        let spans = by_article.remove(id.as_str()).unwrap_or_default();
        let ann = ann_text(article, &spans, relations_of.get(id.as_str()).map_or(&[][..], Vec::as_slice));
        files.push((PathBuf::from(format!("{id}.txt")), article.text.clone().into_bytes()));
        files.push((PathBuf::from(format!("{id}.ann")), ann.into_bytes()));
    }
    Ok(files)
}

/// One `T` to write: its fragments (ascending), label and attrs.
struct Bound<'a> {
    fragments: Vec<(usize, usize)>,
    label: &'a str,
    attrs: BTreeMap<&'a str, &'a str>,
}

fn ann_text(article: &Article, spans: &[&Span], relations: &[&Value]) -> String {
    let mut bounds: Vec<Bound<'_>> = Vec::new();
    let mut groups: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut sorted: Vec<&Span> = spans.to_vec();
    sorted.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
    for span in sorted {
        let attrs: BTreeMap<&str, &str> = span.attrs.iter().filter(|(k, _)| k.as_str() != "group").map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if let Some(group) = span.attrs.get("group") {
            if let Some(&k) = groups.get(&(group.as_str(), span.label.as_str())) {
                bounds[k].fragments.push((span.start, span.end));
                continue;
            }
            groups.insert((group.as_str(), span.label.as_str()), bounds.len());
        }
        bounds.push(Bound { fragments: vec![(span.start, span.end)], label: &span.label, attrs });
    }
    let mut out = String::new();
    let mut ids: BTreeMap<(usize, usize, &str), String> = BTreeMap::new();
    let (mut attributes, mut notes, mut norms) = (0, 0, 0);
    for (k, bound) in bounds.iter().enumerate() {
        let id = format!("T{}", k + 1);
        let offsets: Vec<String> = bound.fragments.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let text: Vec<&str> = bound.fragments.iter().map(|&(s, e)| article.slice(s, e).unwrap_or_default()).collect();
        let _ = writeln!(out, "{id}\t{} {}\t{}", bound.label, offsets.join(";"), text.join(" ").replace(['\n', '\r'], " "));
        let start = bound.fragments.iter().map(|f| f.0).min().unwrap_or(0);
        let end = bound.fragments.iter().map(|f| f.1).max().unwrap_or(0);
        ids.entry((start, end, bound.label)).or_insert_with(|| id.clone());
        for (&key, &value) in &bound.attrs {
            match key {
                "note" => {
                    notes += 1;
                    let _ = writeln!(out, "#{notes}\tAnnotatorNotes {id}\t{}", value.replace(['\n', '\r', '\t'], " "));
                }
                "norm" => {
                    norms += 1;
                    let _ = writeln!(out, "N{norms}\tReference {id} {value}\t{value}");
                }
                _ => {
                    attributes += 1;
                    let key = key.replace(char::is_whitespace, "_");
                    match value {
                        "true" => _ = writeln!(out, "A{attributes}\t{key} {id}"),
                        _ => _ = writeln!(out, "A{attributes}\t{key} {id} {}", value.replace(char::is_whitespace, "_")),
                    }
                }
            }
        }
    }
    let (mut r, mut e) = (0, 0);
    for relation in relations {
        let args: Option<Vec<(String, String)>> = relation["args"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|arg| {
                let role = arg["role"].as_str()?.to_string();
                let key = (arg["start"].as_u64()? as usize, arg["end"].as_u64()? as usize, arg["label"].as_str()?);
                Some((role, ids.get(&key)?.clone()))
            })
            .collect();
        let (Some(args), Some(kind)) = (args, relation["type"].as_str()) else { continue };
        let joined: Vec<String> = args.iter().map(|(role, id)| format!("{role}:{id}")).collect();
        match relation["kind"].as_str() {
            Some("event") => {
                e += 1;
                let _ = writeln!(out, "E{e}\t{}", joined.join(" "));
            }
            Some("equivalence") => {
                let members: Vec<&str> = args.iter().map(|(_, id)| id.as_str()).collect();
                let _ = writeln!(out, "*\t{kind} {}", members.join(" "));
            }
            _ => {
                r += 1;
                let _ = writeln!(out, "R{r}\t{kind} {}", joined.join(" "));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_join_and_attrs_become_lines() {
        let article = Article::new("d", "وزير الخارجية الروسي", BTreeMap::new());
        let spans = vec![
            Span::new("d", 0, 4, "PER").with_attr("group", "T9").with_attr("note", "x y"),
            Span::new("d", 14, 20, "PER").with_attr("group", "T9").with_attr("note", "x y"),
            Span::new("d", 5, 13, "ORG").with_attr("Negated", "true").with_attr("Level", "high"),
        ];
        let files = write_brat(std::slice::from_ref(&article), &spans, &[]).unwrap();
        let ann = String::from_utf8(files[1].1.clone()).unwrap();
        assert_eq!(ann, "T1\tPER 0 4;14 20\tوزير الروسي\n#1\tAnnotatorNotes T1\tx y\nT2\tORG 5 13\tالخارجية\nA1\tLevel T2 high\nA2\tNegated T2\n");
        assert!(write_brat(&[Article::new("../x", "t", BTreeMap::new())], &[], &[]).is_err());
    }
}
