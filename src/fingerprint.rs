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
        for lane in 0..2 {
            let mut h = self.lanes[lane];
            for &b in bytes.iter().chain(&(bytes.len() as u64).to_le_bytes()) {
                h ^= u64::from(b);
                h = h.wrapping_mul(PRIME);
                if lane == 1 {
                    h = h.rotate_left(29);
                }
            }
            self.lanes[lane] = h;
        }
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

/// The fingerprint of one string.
pub fn hash_str(text: &str) -> String {
    Fingerprint::new().add_str(text).hex()
}

#[cfg(test)]
mod tests {
    use super::*;

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
