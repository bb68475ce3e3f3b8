//! report.json's bytes: serde_json's pretty layout (two spaces a level), written by a formatter
//! that puts each line break and its indentation in one write. serde_json's own writes the
//! indentation two spaces at a time, and a report over tens of thousands of articles is
//! mostly indentation: its per-article counts are seven lines each, eight levels deep.

use std::io::{self, Write};

use serde::Serialize;

use crate::report::Report;

/// The report as report.json holds it: pretty-printed, with a final line break. `out` is best
/// a buffered writer: the layout comes in many small writes.
pub fn write_report<W: Write>(out: &mut W, report: &Report) -> io::Result<()> {
    report.serialize(&mut serde_json::Serializer::with_formatter(&mut *out, Pretty::default()))?;
    out.write_all(b"\n")
}

/// `serde_json::ser::PrettyFormatter` with its default indentation, method for method.
#[derive(Default)]
struct Pretty {
    level: usize,
    has_value: bool,
}

/// A line break followed by the indentation of the deepest level written in one piece.
const BREAK: &[u8] = b",\n                                                                ";

impl Pretty {
    /// `,` when not first, then the line break and the current indentation.
    fn line<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        let from = usize::from(first);
        let width = 2 * self.level;
        if width + 2 <= BREAK.len() {
            return writer.write_all(&BREAK[from..width + 2]);
        }
        writer.write_all(&BREAK[from..2])?;
        for _ in 0..self.level {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(writer, true)?;
        }
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(writer, true)?;
        }
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.line(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, Pretty::default())).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_layout_is_serde_jsons_at_every_depth() {
        assert_eq!(BREAK.len(), 2 + 64);
        // Empty and full arrays and objects, nested past the one-piece indentation.
        let mut deep = serde_json::json!({"leaf": [1, {}, [], {"x": []}], "s": "a\n\"b\"", "f": 0.1, "n": null});
        for k in 0..40 {
            deep = serde_json::json!({format!("k{k}"): [deep, k, []], "e": {}});
        }
        for value in [serde_json::json!([]), serde_json::json!({}), serde_json::json!(3), serde_json::json!([[]]), serde_json::json!({"a": {"b": {}}}), deep] {
            assert_eq!(pretty(&value), serde_json::to_string_pretty(&value).unwrap());
        }
    }
}
