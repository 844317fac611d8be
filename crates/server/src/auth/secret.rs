//! Random secrets (session ids, API tokens, CSRF tokens) and how they are kept: only the
//! SHA-256 of a secret is stored, and secrets are compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The prefix of every API token, so leaked tokens are easy to scan for.
pub const TOKEN_PREFIX: &str = "cw_";

/// `bytes` random bytes from the operating system, hex-encoded. Falls back to nothing but
/// an error log if the OS has no randomness, which then makes every secret unusable.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if let Err(e) = getrandom::fill(&mut buf) {
        tracing::error!(error = %e, "the operating system gave no randomness");
        return String::new();
    }
    hex::encode(buf)
}

/// A fresh API token secret (`cw_` and 64 hex digits: 256 bits).
pub fn new_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_hex(32))
}

/// The hex SHA-256 of a secret, as stored.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets without leaking where they differ.
pub fn same(a: &str, b: &str) -> bool {
    !a.is_empty() && a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let a = new_token();
        assert!(a.starts_with("cw_") && a.len() == 67, "{a}");
        assert_ne!(a, new_token());
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("", ""));
    }
}
