//! Password hashing with Argon2id (the crate's defaults follow OWASP's recommendation:
//! 19 MiB, two passes, one lane).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

pub fn hash(password: &str) -> Result<String, crate::ServiceError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| crate::ServiceError::Internal(format!("random: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| crate::ServiceError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| crate::ServiceError::Internal(format!("argon2: {e}")))
}

pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the user does not exist, so that a wrong user name takes as
/// long as a wrong password and the timing does not tell which accounts exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("no such user, no such password").unwrap_or_default())
}

/// A random token of 32 bytes as hex.
pub fn random_token() -> Result<String, crate::ServiceError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| crate::ServiceError::Internal(format!("random: {e}")))?;
    Ok(hex::encode(b))
}

pub fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}
