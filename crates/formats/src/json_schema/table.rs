//! A small open-addressing table from names to indexes, for the hot lookups of validation:
//! an object member's name among a schema's `properties` (and `required` names), a string
//! among the 800 SPDX licence identifiers of an `enum`. One multiply per 8 bytes of the
//! name and usually one comparison, against a binary search's several `memcmp` calls.
//!
//! The same word-at-a-time hash, seeded, serves `uniqueItems` ([`hash_bytes`], [`mix`]).

const EMPTY: u32 = u32::MAX;
const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// Names (each once) and their indexes, in the order given.
#[derive(Debug, Default)]
pub(super) struct NameTable {
    names: Box<[Box<str>]>,
    /// Power-of-two sized; each slot holds an index into `names` or [`EMPTY`].
    slots: Box<[u32]>,
}

impl NameTable {
    /// A table of `names`; a repeated name keeps its first index.
    pub fn new(names: Vec<Box<str>>) -> NameTable {
        let capacity = (names.len() * 2).next_power_of_two().max(4);
        let mut slots = vec![EMPTY; capacity];
        let mask = capacity - 1;
        for (index, name) in names.iter().enumerate() {
            let mut slot = (hash_bytes(0, name.as_bytes()) as usize) & mask;
            loop {
                match slots.get(slot).copied() {
                    Some(EMPTY) => {
                        if let Some(s) = slots.get_mut(slot) {
                            *s = index as u32;
                        }
                        break;
                    }
                    Some(other) if names.get(other as usize) == Some(name) => break,
                    Some(_) => slot = (slot + 1) & mask,
                    None => break,
                }
            }
        }
        NameTable { names: names.into_boxed_slice(), slots: slots.into_boxed_slice() }
    }

    /// The index of `name`.
    #[inline]
    pub fn get(&self, name: &str) -> Option<usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = (hash_bytes(0, name.as_bytes()) as usize) & mask;
        // The table is at most half full, so an empty slot always ends the probe.
        loop {
            let index = *self.slots.get(slot)?;
            if index == EMPTY {
                return None;
            }
            if self.names.get(index as usize).is_some_and(|n| n.as_ref() == name) {
                return Some(index as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The name at `index`.
    pub fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", |n| n)
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// Folds a word into a hash state.
#[inline]
pub(super) fn mix(state: u64, word: u64) -> u64 {
    (state ^ word).wrapping_mul(MULTIPLIER).rotate_left(29)
}

/// Hashes bytes from a seed (not collision-resistant: callers must stay correct and
/// near-linear when hashes collide).
#[inline]
pub(super) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut state = mix(seed, bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        state = mix(state, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    let mut last = [0u8; 8];
    if let Some(to) = last.get_mut(..rest.len()) {
        to.copy_from_slice(rest);
    }
    finish(mix(state, u64::from_le_bytes(last)))
}

#[inline]
fn finish(state: u64) -> u64 {
    let x = (state ^ (state >> 32)).wrapping_mul(MULTIPLIER);
    x ^ (x >> 29)
}

/// A hash of at most the first and last 16 bytes and the length: constant time, for the
/// shallow hashes of `uniqueItems`, where telling most values apart is enough.
#[inline]
pub(super) fn quick_hash(seed: u64, bytes: &[u8]) -> u64 {
    let word = |from: usize| {
        let mut word = [0u8; 8];
        if let Some(chunk) = bytes.get(from..bytes.len().min(from + 8))
            && let Some(to) = word.get_mut(..chunk.len())
        {
            to.copy_from_slice(chunk);
        }
        u64::from_le_bytes(word)
    };
    let n = bytes.len();
    let mut state = mix(seed, n as u64);
    state = mix(state, word(0));
    if n > 8 {
        state = mix(state, word(8));
    }
    if n > 16 {
        state = mix(state, word(n.saturating_sub(16).max(16)));
        state = mix(state, word(n.saturating_sub(8).max(24)));
    }
    finish(state)
}
