//! Tags as small integers: each distinct tag string is split into its chunk prefix and its type
//! once, the first time the line loop meets it, and every later occurrence is one hash-table
//! probe. conlleval.pl's chunk rules only ever compare prefixes against a few fixed strings and
//! types for equality, so a prefix class, a prefix id and a type id carry everything they need.

use std::collections::HashMap;

/// The outside tag that chunk rules are written against; `-o` only maps another name onto it.
pub(super) const OUTSIDE: &[u8] = b"O";

/// The prefixes conlleval.pl's rules name; every other prefix behaves alike (`Other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    B,
    I,
    E,
    O,
    /// `.`: neither starts nor ends a chunk on a type change.
    Dot,
    /// `[` and `]`: bracketed one-token chunks.
    Bracket,
    Other,
}

/// A tag, interned: its prefix's class and id (ids are equal exactly when the prefix bytes
/// are) and its type's id (likewise). Type id 0 is the empty type; prefix id 0 is `O`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Tag {
    pub class: Class,
    pub prefix: u32,
    pub kind: u32,
}

/// The outside tag `O` with the empty type, the state before the first line and after a
/// sentence break.
pub(super) const OUTSIDE_TAG: Tag = Tag { class: Class::O, prefix: 0, kind: 0 };

/// Interns tags for one pass over (part of) the input, applying `-r`'s mapping on the way.
pub(super) struct Tags {
    raw: bool,
    outside_tag: Vec<u8>,
    /// Open addressing over `entries`: 0 is an empty slot, otherwise an index plus one.
    slots: Vec<u32>,
    entries: Vec<(Box<[u8]>, Tag)>,
    prefixes: HashMap<Vec<u8>, u32>,
    type_ids: HashMap<Vec<u8>, u32>,
    /// Type names by id.
    pub types: Vec<Vec<u8>>,
}

impl Tags {
    pub(super) fn new(raw: bool, outside_tag: &[u8]) -> Self {
        Tags {
            raw,
            outside_tag: outside_tag.to_vec(),
            slots: vec![0; 64],
            entries: Vec::new(),
            prefixes: HashMap::from([(OUTSIDE.to_vec(), 0)]),
            type_ids: HashMap::from([(Vec::new(), 0)]),
            types: vec![Vec::new()],
        }
    }

    /// The interned form of `tag` as it appears in the input.
    #[inline]
    pub(super) fn get(&mut self, tag: &[u8]) -> Tag {
        let mask = self.slots.len() - 1;
        let mut slot = hash(tag) as usize & mask;
        loop {
            match self.slots[slot] {
                0 => return self.insert(tag, slot),
                index => {
                    let (bytes, found) = &self.entries[index as usize - 1];
                    if **bytes == *tag {
                        return *found;
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    #[cold]
    fn insert(&mut self, tag: &[u8], slot: usize) -> Tag {
        let interned = self.classify(tag);
        self.entries.push((tag.into(), interned));
        self.slots[slot] = self.entries.len() as u32;
        // Keep the table at most half full so probes stay short.
        if self.entries.len() * 2 > self.slots.len() {
            let size = self.slots.len() * 2;
            self.slots = vec![0; size];
            for (index, (bytes, _)) in self.entries.iter().enumerate() {
                let mut slot = hash(bytes) as usize & (size - 1);
                while self.slots[slot] != 0 {
                    slot = (slot + 1) & (size - 1);
                }
                self.slots[slot] = index as u32 + 1;
            }
        }
        interned
    }

    fn classify(&mut self, tag: &[u8]) -> Tag {
        // In raw mode the script maps the outside tag to `O` and gives every other tag a `B-`
        // prefix, so each token is a one-token phrase whose type is the whole raw tag. A
        // literal `O` stays outside even when another outside tag is configured.
        let mapped;
        let tag = if !self.raw {
            tag
        } else if tag == self.outside_tag.as_slice() || tag == OUTSIDE {
            OUTSIDE
        } else {
            mapped = [b"B-", tag].concat();
            &mapped
        };
        let (prefix, kind) = split_tag(tag);
        let class = match prefix {
            b"B" => Class::B,
            b"I" => Class::I,
            b"E" => Class::E,
            b"O" => Class::O,
            b"." => Class::Dot,
            b"[" | b"]" => Class::Bracket,
            _ => Class::Other,
        };
        let next = self.prefixes.len() as u32;
        let prefix = *self.prefixes.entry(prefix.to_vec()).or_insert(next);
        let kind = match self.type_ids.get(kind) {
            Some(&id) => id,
            None => {
                let id = self.types.len() as u32;
                self.type_ids.insert(kind.to_vec(), id);
                self.types.push(kind.to_vec());
                id
            }
        };
        Tag { class, prefix, kind }
    }
}

/// A multiplicative hash over eight-byte words: tags are a few bytes long.
#[inline]
fn hash(bytes: &[u8]) -> u64 {
    let mut hash = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word.try_into().unwrap_or_default())).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    hash = (hash.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(0x517c_c1b7_2722_0a95);
    hash ^ (hash >> 29)
}

/// Splits a tag at its first hyphen into chunk prefix and type; without a hyphen the whole
/// tag is the prefix and the type is empty.
pub(super) fn split_tag(tag: &[u8]) -> (&[u8], &[u8]) {
    let (prefix, kind) = match tag.iter().position(|&byte| byte == b'-') {
        Some(hyphen) => (&tag[..hyphen], &tag[hyphen + 1..]),
        None => (tag, &b""[..]),
    };
    // The script normalises types with `$type ? $type : ""`, and the string "0" is false in
    // Perl: a type spelled `0` becomes the empty type.
    (prefix, if kind == b"0" { b"" } else { kind })
}

/// Whether a chunk ended between the previous and the current token (conlleval.pl's
/// `endOfChunk`).
#[inline]
pub(super) fn end_of_chunk(prev: Tag, now: Tag) -> bool {
    use Class::*;
    matches!((prev.class, now.class), (B, B) | (B, O) | (I, B) | (I, O) | (E, E) | (E, I) | (E, O))
        || (!matches!(prev.class, O | Dot) && prev.kind != now.kind)
        // Bracketed chunks are taken to be one token long.
        || prev.class == Bracket
}

/// Whether a chunk started between the previous and the current token (conlleval.pl's
/// `startOfChunk`).
#[inline]
pub(super) fn start_of_chunk(prev: Tag, now: Tag) -> bool {
    use Class::*;
    matches!((prev.class, now.class), (B, B) | (I, B) | (O, B) | (O, I) | (E, E) | (E, I) | (O, E))
        || (!matches!(now.class, O | Dot) && prev.kind != now.kind)
        || now.class == Bracket
}
