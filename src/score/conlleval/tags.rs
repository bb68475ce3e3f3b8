//! Tags as small integers: each distinct tag string is split into its chunk prefix and its type
//! once, the first time the line loop meets it, and every later occurrence is one hash-table
//! probe. conlleval.pl's chunk rules only ever compare prefixes against a few fixed strings and
//! types for equality, so a prefix class, a prefix id and a type id carry everything they need.

use std::collections::HashMap;

/// The outside tag that chunk rules are written against; `-o` only maps another name onto it.
pub(super) const OUTSIDE: &[u8] = b"O";

/// The prefixes conlleval.pl's rules name; every other prefix behaves alike (`Other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
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
    /// Open addressing on tags of up to 16 bytes, keyed by their bytes as two words.
    slots: Vec<Slot>,
    used: usize,
    /// Longer tags.
    long: HashMap<Vec<u8>, Tag>,
    prefixes: HashMap<Vec<u8>, u32>,
    type_ids: HashMap<Vec<u8>, u32>,
    /// Type names by id.
    pub types: Vec<Vec<u8>>,
}

/// A short tag's key (its bytes, zero-padded, and its length) and what it interns to.
#[derive(Clone, Copy)]
struct Slot {
    words: [u64; 2],
    /// `u32::MAX` for an empty slot.
    len: u32,
    tag: Tag,
}

const EMPTY: Slot = Slot { words: [0; 2], len: u32::MAX, tag: OUTSIDE_TAG };

impl Tags {
    pub(super) fn new(raw: bool, outside_tag: &[u8]) -> Self {
        Tags {
            raw,
            outside_tag: outside_tag.to_vec(),
            slots: vec![EMPTY; 64],
            used: 0,
            long: HashMap::new(),
            prefixes: HashMap::from([(OUTSIDE.to_vec(), 0)]),
            type_ids: HashMap::from([(Vec::new(), 0)]),
            types: vec![Vec::new()],
        }
    }

    /// The interned form of the tag `block[start..end]`. Reading the key's two words straight
    /// from the block (masked to the tag's length) is what makes a lookup cost a few
    /// instructions.
    #[inline(always)]
    pub(super) fn get_in(&mut self, block: &[u8], start: usize, end: usize) -> Tag {
        let len = end - start;
        // Most tokens are outside an entity, and `O` is the outside tag in every mode.
        if len == 1 && block[start] == b'O' {
            return OUTSIDE_TAG;
        }
        self.lookup(block, start, end)
    }

    #[inline(never)]
    fn lookup(&mut self, block: &[u8], start: usize, end: usize) -> Tag {
        let len = end - start;
        if len > 16 {
            return self.get_long(&block[start..end]);
        }
        let mut words = match block.get(start..start + 16) {
            Some(bytes) => [word(&bytes[..8]), word(&bytes[8..])],
            None => {
                let mut padded = [0u8; 16];
                padded[..len].copy_from_slice(&block[start..end]);
                [word(&padded[..8]), word(&padded[8..])]
            }
        };
        words[0] &= low_bytes(len);
        words[1] &= low_bytes(len.saturating_sub(8));
        let mask = self.slots.len() - 1;
        let mut slot = hash(words, len) as usize & mask;
        loop {
            let found = &self.slots[slot];
            if found.len == len as u32 && found.words == words {
                return found.tag;
            }
            if found.len == u32::MAX {
                return self.insert(words, &block[start..end], slot);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The interned form of `tag`.
    #[cfg(test)]
    pub(super) fn get(&mut self, tag: &[u8]) -> Tag {
        self.get_in(tag, 0, tag.len())
    }

    #[cold]
    fn get_long(&mut self, tag: &[u8]) -> Tag {
        if let Some(&found) = self.long.get(tag) {
            return found;
        }
        let interned = self.classify(tag);
        self.long.insert(tag.to_vec(), interned);
        interned
    }

    #[cold]
    fn insert(&mut self, words: [u64; 2], tag: &[u8], slot: usize) -> Tag {
        let interned = self.classify(tag);
        self.slots[slot] = Slot { words, len: tag.len() as u32, tag: interned };
        self.used += 1;
        // Keep the table at most half full so probes stay short.
        if self.used * 2 > self.slots.len() {
            let size = self.slots.len() * 2;
            let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
            let mask = self.slots.len() - 1;
            for entry in old.into_iter().filter(|entry| entry.len != u32::MAX) {
                let mut slot = hash(entry.words, entry.len as usize) as usize & mask;
                while self.slots[slot].len != u32::MAX {
                    slot = (slot + 1) & mask;
                }
                self.slots[slot] = entry;
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

fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or_default())
}

/// A mask of the low `n` bytes of a word (all of them from 8 on).
#[inline(always)]
fn low_bytes(n: usize) -> u64 {
    if n >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    }
}

/// A multiplicative hash of a short tag's key.
#[inline(always)]
fn hash(words: [u64; 2], len: usize) -> u64 {
    let mixed = (words[0] ^ words[1].rotate_left(29) ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    mixed ^ (mixed >> 32)
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

/// Every class, in declaration order (the index of each is its discriminant).
const CLASSES: [Class; 7] = [Class::B, Class::I, Class::E, Class::O, Class::Dot, Class::Bracket, Class::Other];

/// conlleval.pl's `endOfChunk` for two prefixes: bit 0 when a chunk ends whatever the types,
/// bit 1 when it ends if the types differ.
const fn end_rule(prev: Class, now: Class) -> u8 {
    use Class::*;
    let always = matches!((prev, now), (B, B) | (B, O) | (I, B) | (I, O) | (E, E) | (E, I) | (E, O))
        // Bracketed chunks are taken to be one token long.
        || matches!(prev, Bracket);
    always as u8 | (!matches!(prev, O | Dot) as u8) << 1
}

/// conlleval.pl's `startOfChunk` for two prefixes, with the same two bits.
const fn start_rule(prev: Class, now: Class) -> u8 {
    use Class::*;
    let always = matches!((prev, now), (B, B) | (I, B) | (O, B) | (O, I) | (E, E) | (E, I) | (O, E)) || matches!(now, Bracket);
    always as u8 | (!matches!(now, O | Dot) as u8) << 1
}

/// Both rules for every pair of classes, indexed `[prev][now]`: end in the low two bits, start
/// in the next two.
const RULES: [[u8; 7]; 7] = {
    let mut table = [[0; 7]; 7];
    let mut prev = 0;
    while prev < 7 {
        let mut now = 0;
        while now < 7 {
            table[prev][now] = end_rule(CLASSES[prev], CLASSES[now]) | start_rule(CLASSES[prev], CLASSES[now]) << 2;
            now += 1;
        }
        prev += 1;
    }
    table
};

/// Whether a chunk ended and whether one started between the previous and the current token
/// (conlleval.pl's `endOfChunk` and `startOfChunk`).
#[inline(always)]
pub(super) fn chunk_bounds(prev: Tag, now: Tag) -> (bool, bool) {
    let rules = RULES[prev.class as usize][now.class as usize];
    let differ = if prev.kind != now.kind { 0b1010 } else { 0 };
    let hit = rules & (0b0101 | differ);
    (hit & 0b11 != 0, hit & 0b1100 != 0)
}

/// Whether a chunk ended between the previous and the current token.
#[cfg(test)]
pub(super) fn end_of_chunk(prev: Tag, now: Tag) -> bool {
    chunk_bounds(prev, now).0
}

/// Whether a chunk started between the previous and the current token.
#[cfg(test)]
pub(super) fn start_of_chunk(prev: Tag, now: Tag) -> bool {
    chunk_bounds(prev, now).1
}
