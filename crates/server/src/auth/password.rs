//! Passwords: Argon2id hashes in PHC strings (RFC 9106 / OWASP parameters: 19 MiB, two
//! passes, one lane), and the policy new passwords must meet.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted (hashing cost grows with length).
pub const MAX_PASSWORD_BYTES: usize = 1024;

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Hashes a password with a fresh random salt into an Argon2id PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Whether `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(hash: &str, password: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    match PasswordHash::new(hash) {
        Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, used to spend the same time on unknown usernames as on
/// known ones, so response times do not tell which names exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let random = crate::auth::secret::random_hex(16);
        hash_password(&random).unwrap_or_default()
    })
}

/// Checks a new password: 12 characters at least, 1024 bytes at most, not only one
/// repeated character, not the username.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("the password must have at least {MIN_PASSWORD_CHARS} characters (it has {chars})"));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("the password must be at most {MAX_PASSWORD_BYTES} bytes long"));
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Err("the password must use at least 4 different characters".to_owned());
    }
    if password.to_lowercase().contains(&username.to_lowercase()) && !username.is_empty() {
        return Err("the password must not contain the username".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterY"));
        assert!(!verify_password("not a hash", "x"));
        assert_ne!(hash, hash_password("correct horse battery").unwrap(), "salts differ");
    }

    #[test]
    fn the_policy_names_what_is_wrong() {
        assert!(check_password_policy("short", "bob").unwrap_err().contains("at least 12"));
        assert!(check_password_policy("aaaaaaaaaaaaaa", "bob").unwrap_err().contains("4 different"));
        assert!(check_password_policy("my-bob-password", "bob").unwrap_err().contains("username"));
        assert!(check_password_policy("a sound passphrase", "bob").is_ok());
    }
}
