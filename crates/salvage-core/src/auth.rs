//! Secrets: argon2id password hashes and session tickets. A ticket is 128 random bits; only its
//! SHA-256 is stored, so a leaked database does not leak live sessions.

use crate::error::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::InvalidInput(format!("cannot hash password: {e}")))
}

/// Verifies in constant time with respect to the password (argon2 compares digests in constant
/// time). A malformed stored hash simply fails.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// `hash_password` on the blocking pool: argon2 is deliberately slow and must not hold up the
/// async workers (or any transaction).
pub async fn hash_password_off_thread(password: String) -> Result<String> {
    let _turn = password_turn().await;
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::InvalidInput(format!("cannot hash password: {e}")))?
}

/// `verify_password` on the blocking pool.
pub async fn verify_password_off_thread(password: String, stored_hash: String) -> bool {
    let _turn = password_turn().await;
    tokio::task::spawn_blocking(move || verify_password(&password, &stored_hash))
        .await
        .unwrap_or(false)
}

/// A turn to hash or check a password. argon2id takes about 19 MiB while it runs, so checks
/// take turns, one per core, instead of running all at once: a crowd of wrong logins cannot
/// take the server's memory (nor could more of them run at once anyway).
async fn password_turn() -> tokio::sync::SemaphorePermit<'static> {
    use std::sync::OnceLock;
    static TURNS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    let turns =
        TURNS.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from)));
    turns
        .acquire()
        .await
        .expect("the semaphore of password turns is never closed")
}

/// A hash to verify against when the user does not exist, so that an unknown user costs the
/// same time as a wrong password.
pub fn decoy_hash() -> &'static str {
    use std::sync::OnceLock;
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that never matches").unwrap_or_default())
}

/// A new session ticket, formatted as a GUID as infoRouter clients expect.
pub fn new_ticket() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let h = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub fn ticket_hash(ticket: &str) -> String {
    hex::encode(Sha256::digest(ticket.trim().to_ascii_lowercase().as_bytes()))
}

/// A readable random password for generated administrator accounts.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("s3cret").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("s3cret", &h));
        assert!(!verify_password("S3cret", &h));
        assert!(!verify_password("s3cret", "not a hash"));
    }

    #[test]
    fn tickets_are_unique_guids_and_hash_case_insensitively() {
        let a = new_ticket();
        assert_eq!(a.len(), 36);
        assert_ne!(a, new_ticket());
        assert_eq!(ticket_hash(&a), ticket_hash(&a.to_uppercase()));
    }
}
