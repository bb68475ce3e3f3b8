//! Stable content hashes: dataset fingerprints, extractor configuration hashes and prediction
//! cache keys. They must not change between Rust versions or machines (std's `DefaultHasher`
//! may), so this is a fixed 128-bit FNV-1a: two 64-bit lanes with different offsets. It is for
//! telling contents apart, not for security.

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
