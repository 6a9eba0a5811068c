//! Authentication: "who may do what?"
//!
//! Roles (editor < reviewer < admin), accounts, and every secret's rules:
//! passwords hashed with argon2id at the `argon2` crate's recommended
//! parameters; API tokens and session keys as long random values whose
//! SHA-256 digests are all that is stored (checking one costs a hash and an
//! index lookup, not an argon2 run); CSRF tokens derived from the session key.
//! No SQL and no HTTP here: the store keeps accounts, the server maps the
//! answers to cookies, headers and status codes.

use std::fmt;
use std::str::FromStr;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::UnknownName;

/// How long a browser session lasts after login.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// Failed logins allowed per account name within [`THROTTLE_WINDOW`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed logins allowed per client address within [`THROTTLE_WINDOW`].
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// The window of the login throttle, in seconds.
pub const THROTTLE_WINDOW: i64 = 15 * 60;
/// The shortest password an account may choose.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// What an account may do; each role may do what the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Creates and edits drafts.
    Editor,
    /// Publishes, retracts, and edits published events.
    Reviewer,
    /// Manages accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Editor, Role::Reviewer, Role::Admin];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownName {
                what: "role",
                value: s.to_string(),
                expected: "editor, reviewer or admin".into(),
            })
    }
}

/// One account, without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    /// The password was shown once (new account or reset) and must be changed.
    pub must_change_password: bool,
}

impl Account {
    /// Whether the account may act as `role`.
    #[must_use]
    pub fn can(&self, role: Role) -> bool {
        !self.disabled && self.role >= role
    }

    /// The name recorded as the author of the revisions this account writes.
    #[must_use]
    pub fn author_name(&self) -> String {
        format!("account:{}", self.name)
    }
}

/// A new account with its secrets, shown once.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub account: Account,
    /// A one-time password, to be changed at the first login.
    pub password: String,
    /// An API token for `Authorization: Bearer`.
    pub token: String,
}

/// A browser session: the key goes in the cookie; the CSRF token in pages
/// and in the `X-CSRF-Token` header of every state-changing request.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub key: String,
    pub expires_at: i64,
}

impl Session {
    /// The CSRF token of this session (derived from its key, so nothing more
    /// is stored).
    #[must_use]
    pub fn csrf(&self) -> String {
        csrf_token(&self.key)
    }
}

/// The CSRF token of the session with `key`.
#[must_use]
pub fn csrf_token(key: &str) -> String {
    digest(&format!("csrf\0{key}"))
}

/// Whether `given` is the CSRF token of the session with `key`, compared in
/// time that does not depend on where they differ.
#[must_use]
pub fn csrf_matches(key: &str, given: &str) -> bool {
    let expected = csrf_token(key);
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Why a login or an account operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown name, wrong password or disabled account: one answer for all,
    /// so that a caller cannot learn which names exist.
    #[error("wrong account name or password")]
    BadCredentials,
    #[error("too many failed logins; try again in {retry_after} s")]
    Throttled { retry_after: i64 },
    #[error("no account {0:?}")]
    NoSuchAccount(String),
    #[error("account {0:?} already exists")]
    Exists(String),
    #[error(
        "the workspace has no admin yet: the first account must be one \
         (`scamatlas users add NAME --role admin`)"
    )]
    FirstMustBeAdmin,
    #[error("name: {0}")]
    BadName(String),
    #[error("password: at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error("the operating system gives no random bytes: {0}")]
    Random(String),
}

/// An argon2id hash (PHC string) of `password`, at the `argon2` crate's
/// recommended parameters. Takes tens of milliseconds by design: callers on
/// an async runtime run it on a blocking thread.
///
/// # Errors
/// [`AuthError::Hash`] if the OS gives no salt.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Whether `password` matches the stored hash; a hash that does not parse
/// matches nothing.
#[must_use]
pub fn verify_password(password: &str, stored: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// An argon2id hash of a random password no one knows, made once, checked
/// against unknown names.
pub fn dummy_hash() -> Result<String, AuthError> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password(&random_secret("")?)?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}

pub fn check_name(name: &str) -> Result<(), AuthError> {
    let ok = (1..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::BadName(format!(
            "{name:?}: 1 to 64 letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

/// SHA-256 of `bytes`, lower-case hex.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// SHA-256, hex: how tokens and session keys are stored.
pub fn digest(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// 32 random bytes from the OS, hex, after `prefix` (which lets secret
/// scanners recognise a leaked token).
pub fn random_secret(prefix: &str) -> Result<String, AuthError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(format!("{prefix}{}", to_hex(&bytes)))
}

/// A one-time password: 20 characters of an alphabet without look-alikes
/// (55 letters and digits: about 115 bits), drawn without modulo bias.
pub fn random_password() -> Result<String, AuthError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    // The largest multiple of the alphabet's length that fits in a byte.
    let fair = 256 - 256 % ALPHABET.len();
    let mut password = String::with_capacity(20);
    let mut bytes = [0u8; 64];
    while password.len() < 20 {
        getrandom::fill(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
        password.extend(
            bytes
                .iter()
                .map(|b| usize::from(*b))
                .filter(|b| *b < fair)
                .map(|b| char::from(ALPHABET[b % ALPHABET.len()]))
                .take(20 - password.len()),
        );
    }
    Ok(password)
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
        assert!(!verify_password("anything", "not a PHC string"));
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn one_time_passwords_use_the_alphabet_without_look_alikes() {
        for _ in 0..50 {
            let p = random_password().unwrap();
            assert_eq!(p.chars().count(), 20);
            assert!(!p.contains(['0', 'O', 'o', '1', 'l', 'I', 'i']), "{p}");
        }
        assert_ne!(random_password().unwrap(), random_password().unwrap());
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let key = random_secret("").unwrap();
        let token = csrf_token(&key);
        assert!(csrf_matches(&key, &token));
        assert!(!csrf_matches(&key, &token[1..]));
        assert!(!csrf_matches(&random_secret("").unwrap(), &token));
        assert_ne!(
            token,
            digest(&key),
            "the CSRF token is not the stored digest"
        );
    }

    #[test]
    fn roles_are_ordered_and_disabled_accounts_can_nothing() {
        let mut account = Account {
            id: 1,
            name: "ana".into(),
            role: Role::Reviewer,
            disabled: false,
            must_change_password: false,
        };
        assert!(account.can(Role::Editor) && account.can(Role::Reviewer));
        assert!(!account.can(Role::Admin));
        account.disabled = true;
        assert!(!account.can(Role::Editor));
        assert!("boss".parse::<Role>().is_err());
        assert!(check_name("ana.k@ngo").is_ok() && check_name("a b").is_err());
    }
}
