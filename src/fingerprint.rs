//! Stable content hashes: dataset fingerprints, extractor configuration hashes and prediction
//! cache keys. They must not change between Rust versions or machines (std's `DefaultHasher`
//! may), so they are fixed algorithms: a 128-bit FNV-1a (two 64-bit lanes with different
//! offsets) for small things and the first definition of dataset fingerprints, XXH3-128
//! (which `xxhash-rust` implements to its published specification) for datasets from mizan
//! 0.2.0. They are for telling contents apart, not for security.

/// An incremental 128-bit FNV-1a hash.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    lanes: [u64; 2],
}

const PRIME: u64 = 0x0000_0100_0000_01b3;
const OFFSETS: [u64; 2] = [0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142];

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint { lanes: OFFSETS }
    }
}

impl Fingerprint {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes, then a separator so that `("ab", "c")` and `("a", "bc")` differ.
    pub fn add(&mut self, bytes: &[u8]) -> &mut Self {
        // Both lanes in one loop: each byte's two multiplications do not wait for each other,
        // which halves the time of a dataset's fingerprint (the text of every article).
        let [mut first, mut second] = self.lanes;
        let mut step = |byte: u8| {
            first = (first ^ u64::from(byte)).wrapping_mul(PRIME);
            second = (second ^ u64::from(byte)).wrapping_mul(PRIME).rotate_left(29);
        };
        for &byte in bytes {
            step(byte);
        }
        for byte in (bytes.len() as u64).to_le_bytes() {
            step(byte);
        }
        self.lanes = [first, second];
        self
    }

    pub fn add_str(&mut self, text: &str) -> &mut Self {
        self.add(text.as_bytes())
    }

    /// The hash as one 64-bit number (the two lanes mixed), for hash tables and MinHash
    /// shingles: stable like [`Fingerprint::hex`].
    pub fn to_u64(&self) -> u64 {
        self.lanes[0] ^ self.lanes[1].rotate_left(32)
    }

    /// 32 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.lanes[0], self.lanes[1])
    }
}

/// The mizan version from which [`DatasetHash`] defines dataset fingerprints; reports and
/// manifest versions written by earlier versions carry [`Dataset::fingerprint_v1`]'s.
///
/// [`Dataset::fingerprint_v1`]: crate::dataset::Dataset::fingerprint_v1
pub const DATASET_HASH_SINCE: (u64, u64) = (0, 2);

/// Which definition of the dataset fingerprint a mizan version wrote: 1 before 0.2.0 (one
/// serial hash over the articles in id order, then the sorted span lines), 2 from 0.2.0
/// ([`DatasetHash`]). An unreadable version counts as the current one.
pub fn fingerprint_definition(mizan_version: &str) -> u8 {
    let mut parts = mizan_version.split('.').map(|p| p.parse::<u64>());
    match (parts.next(), parts.next()) {
        (Some(Ok(major)), Some(Ok(minor))) if (major, minor) < DATASET_HASH_SINCE => 1,
        _ => 2,
    }
}

/// A dataset's fingerprint (definition 2): the articles and the gold spans as two multisets.
/// Each article's digest is the 128-bit XXH3 of its id, text and metadata JSON, each followed
/// by its length as a little-endian u64; each span's, of its JSON line
/// ([`Span::write_json`]). The digests are summed (wrapping, per multiset) and the fingerprint
/// is the XXH3-128 of a tag, the article count and sum, and the span count and sum. So it
/// does not depend on the order of articles, spans or files, and parts of a dataset hashed
/// apart (on several threads, while streaming) [`DatasetHash::merge`] into the whole's.
///
/// [`Span::write_json`]: crate::model::Span::write_json
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DatasetHash {
    articles: u64,
    article_sum: u128,
    spans: u64,
    span_sum: u128,
}

impl DatasetHash {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one article; `metadata` is its metadata as JSON (`serde_json::to_string` of the
    /// map, `{}` when empty).
    pub fn add_article(&mut self, id: &str, text: &str, metadata: &str) {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for part in [id, text, metadata] {
            hasher.update(part.as_bytes());
            hasher.update(&(part.len() as u64).to_le_bytes());
        }
        self.articles += 1;
        self.article_sum = self.article_sum.wrapping_add(hasher.digest128());
    }

    /// Adds one gold span by its JSON line (without the newline).
    pub fn add_span_line(&mut self, line: &[u8]) {
        self.spans += 1;
        self.span_sum = self.span_sum.wrapping_add(xxhash_rust::xxh3::xxh3_128(line));
    }

    /// Adds an article of a dataset.
    pub fn add(&mut self, article: &crate::model::Article) {
        self.add_article(&article.id, &article.text, &article.metadata_json());
    }

    /// Adds a gold span of a dataset, writing its line in `line` (a buffer to reuse).
    pub fn add_span(&mut self, span: &crate::model::Span, line: &mut Vec<u8>) {
        line.clear();
        span.write_json(line);
        self.add_span_line(line);
    }

    /// Adds what `other` holds, as if its articles and spans had been added here.
    pub fn merge(&mut self, other: &DatasetHash) {
        self.articles += other.articles;
        self.article_sum = self.article_sum.wrapping_add(other.article_sum);
        self.spans += other.spans;
        self.span_sum = self.span_sum.wrapping_add(other.span_sum);
    }

    /// 32 hex digits.
    pub fn hex(&self) -> String {
        let mut bytes = Vec::with_capacity(64);
        bytes.extend_from_slice(b"mizan dataset fingerprint 2");
        bytes.extend_from_slice(&self.articles.to_le_bytes());
        bytes.extend_from_slice(&self.article_sum.to_le_bytes());
        bytes.extend_from_slice(&self.spans.to_le_bytes());
        bytes.extend_from_slice(&self.span_sum.to_le_bytes());
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes))
    }
}

/// Hashes that are keys already (well mixed in every bit, such as XXH3's or the tagger's
/// feature keys), used by hash tables as they are instead of being hashed again.
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

pub(crate) type KeyMap<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<KeyHasher>>;
pub(crate) type KeySet = std::collections::HashSet<u64, std::hash::BuildHasherDefault<KeyHasher>>;

/// 64-bit FNV-1a, incremental: the small hash of one thing (a model file, a gazetteer's
/// entries, a feature key). [`Fingerprint`] is the wider one for contents that must not
/// collide across a whole dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(OFFSETS[0])
    }
}

impl Fnv64 {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn write_byte(&mut self, byte: u8) -> &mut Self {
        self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(PRIME);
        self
    }

    pub fn write(&mut self, bytes: &[u8]) -> &mut Self {
        for &byte in bytes {
            self.write_byte(byte);
        }
        self
    }

    pub fn finish(&self) -> u64 {
        self.0
    }

    /// 16 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// The 64-bit FNV-1a hash of `bytes`.
pub fn fnv64(bytes: &[u8]) -> u64 {
    Fnv64::new().write(bytes).finish()
}

/// The fingerprint of one string.
#[cfg(test)]
fn hash_str(text: &str) -> String {
    Fingerprint::new().add_str(text).hex()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv64_has_the_published_values() {
        // Test vectors of the FNV reference (fnv_test.c).
        assert_eq!(fnv64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv64(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(Fnv64::new().write(b"foo").write(b"bar").hex(), "85944171f73967e8");
    }

    /// The lanes one after the other, as the hash was first written: what every stored
    /// fingerprint was computed with.
    fn lane_by_lane(parts: &[&[u8]]) -> String {
        let mut lanes = OFFSETS;
        for bytes in parts {
            for (lane, h) in lanes.iter_mut().enumerate() {
                for &b in bytes.iter().chain(&(bytes.len() as u64).to_le_bytes()) {
                    *h = (*h ^ u64::from(b)).wrapping_mul(PRIME);
                    if lane == 1 {
                        *h = h.rotate_left(29);
                    }
                }
            }
        }
        format!("{:016x}{:016x}", lanes[0], lanes[1])
    }

    #[test]
    fn matches_the_lane_by_lane_definition() {
        let parts: [&[u8]; 4] = [b"", "ميزان 😀".as_bytes(), b"article text", &[0xff; 300]];
        let mut hash = Fingerprint::new();
        for part in parts {
            hash.add(part);
        }
        assert_eq!(hash.hex(), lane_by_lane(&parts));
    }

    #[test]
    fn fingerprint_definitions_follow_the_version() {
        for (version, definition) in [("0.1.0", 1), ("0.1.7-dev", 1), ("0.2.0", 2), ("0.10.1", 2), ("1.0.0", 2), ("garbage", 2)] {
            assert_eq!(fingerprint_definition(version), definition, "{version}");
        }
    }

    #[test]
    fn dataset_hash_is_a_multiset_hash_with_a_fixed_value() {
        let mut whole = DatasetHash::new();
        whole.add_article("a", "نص", "{}");
        whole.add_article("b", "text", r#"{"split":"test"}"#);
        whole.add_span_line(br#"{"article_id":"a","start":0,"end":2,"label":"LOC"}"#);
        // A fixed value, computed from the definition with Python's `xxhash` package (3.x,
        // `xxh3_128`) rather than with this code: a change here breaks every stored
        // fingerprint of definition 2.
        assert_eq!(whole.hex(), "847f5a46e648f1eb6c9f78eb42ca4eae");
        // Another order, hashed in two parts, gives the same.
        let (mut first, mut second) = (DatasetHash::new(), DatasetHash::new());
        first.add_span_line(br#"{"article_id":"a","start":0,"end":2,"label":"LOC"}"#);
        first.add_article("b", "text", r#"{"split":"test"}"#);
        second.add_article("a", "نص", "{}");
        first.merge(&second);
        assert_eq!(first, whole);
        // Every field counts, and so do the boundaries between them and the multiplicity.
        let changed = |article: (&str, &str, &str)| {
            let mut hash = DatasetHash::new();
            hash.add_article(article.0, article.1, article.2);
            hash.add_article("b", "text", r#"{"split":"test"}"#);
            hash.add_span_line(br#"{"article_id":"a","start":0,"end":2,"label":"LOC"}"#);
            hash.hex()
        };
        assert_eq!(changed(("a", "نص", "{}")), whole.hex());
        for article in [("a", "نص ", "{}"), ("an", "ص", "{}"), ("a", "نص", r#"{"split":"train"}"#)] {
            assert_ne!(changed(article), whole.hex(), "{article:?}");
        }
        let mut twice = whole;
        twice.add_span_line(br#"{"article_id":"a","start":0,"end":2,"label":"LOC"}"#);
        assert_ne!(twice.hex(), whole.hex());
        // An article is not a span with the same bytes.
        let (mut as_article, mut as_span) = (DatasetHash::new(), DatasetHash::new());
        as_article.add_article("x", "", "");
        as_span.add_span_line(b"x");
        assert_ne!(as_article.hex(), as_span.hex());
    }

    #[test]
    fn is_stable_and_separates_fields() {
        // A fixed value: a change here breaks every stored fingerprint and cache key.
        assert_eq!(hash_str("ميزان").len(), 32);
        assert_ne!(hash_str("a"), hash_str("b"));
        let ab_c = Fingerprint::new().add_str("ab").add_str("c").hex();
        let a_bc = Fingerprint::new().add_str("a").add_str("bc").hex();
        assert_ne!(ab_c, a_bc);
        assert_eq!(hash_str("mizan"), "8bba8eeb974e21c5443fac988c28c5a1");
    }
}
