//! Accounts, roles, API tokens and browser sessions.
//!
//! Passwords are hashed with argon2id at the `argon2` crate's recommended
//! parameters; API tokens and session keys are long random values stored as
//! SHA-256 digests, so checking one costs a hash and an index lookup, not an
//! argon2 run. Failed logins are throttled per account and per client
//! address. Nothing here knows HTTP: the server maps these answers to
//! cookies, headers and status codes.

use std::fmt;
use std::str::FromStr;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::articles::hex;
use super::{Author, Workspace, WorkspaceError};
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

    /// The author recorded in the revisions this account writes.
    #[must_use]
    pub fn author(&self) -> Author {
        Author(format!("account:{}", self.name))
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

/// Why a login or an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
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
    #[error(transparent)]
    Store(#[from] WorkspaceError),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Store(e.into())
    }
}

impl Workspace {
    /// Whether any enabled admin account exists.
    ///
    /// # Errors
    /// Database errors.
    pub async fn has_admin(&self) -> Result<bool, AccountError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM accounts WHERE role = 'admin' AND disabled = 0",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// Creates an account with a one-time password and an API token. While
    /// the workspace has no admin, only an admin can be created.
    ///
    /// # Errors
    /// [`AccountError::FirstMustBeAdmin`], [`AccountError::Exists`],
    /// [`AccountError::BadName`]; database errors.
    pub async fn add_account(&self, name: &str, role: Role) -> Result<NewAccount, AccountError> {
        let name = name.trim();
        check_name(name)?;
        let password = random_password()?;
        let hashed = hash_password(password.clone()).await?;
        let token = random_secret("sat_")?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let admins: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM accounts WHERE role = 'admin' AND disabled = 0",
        )
        .fetch_one(&mut *tx)
        .await?;
        if admins == 0 && role != Role::Admin {
            return Err(AccountError::FirstMustBeAdmin);
        }
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO accounts (name, role, password, created_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(&hashed)
        .bind(unix_now())
        .fetch_optional(&mut *tx)
        .await?;
        let id = id.ok_or_else(|| AccountError::Exists(name.to_string()))?;
        insert_token(&mut tx, id, &token).await?;
        tx.commit().await?;
        Ok(NewAccount {
            account: Account {
                id,
                name: name.to_string(),
                role,
                disabled: false,
                must_change_password: true,
            },
            password,
            token,
        })
    }

    /// Every account, by name.
    ///
    /// # Errors
    /// Database errors.
    pub async fn accounts(&self) -> Result<Vec<Account>, AccountError> {
        let rows = sqlx::query(
            "SELECT id, name, role, disabled, must_change_password FROM accounts ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account_from_row).collect()
    }

    /// The account called `name`.
    ///
    /// # Errors
    /// [`AccountError::NoSuchAccount`]; database errors.
    pub async fn account(&self, name: &str) -> Result<Account, AccountError> {
        let row = sqlx::query(
            "SELECT id, name, role, disabled, must_change_password FROM accounts WHERE name = ?",
        )
        .bind(name.trim())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(account_from_row)
            .transpose()?
            .ok_or_else(|| AccountError::NoSuchAccount(name.to_string()))
    }

    /// Disables an account and ends its sessions and tokens at once.
    ///
    /// # Errors
    /// [`AccountError::NoSuchAccount`]; database errors.
    pub async fn disable_account(&self, name: &str) -> Result<Account, AccountError> {
        let account = self.account(name).await?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("UPDATE accounts SET disabled = 1 WHERE id = ?")
            .bind(account.id)
            .execute(&mut *tx)
            .await?;
        end_access(&mut tx, account.id).await?;
        tx.commit().await?;
        Ok(Account {
            disabled: true,
            ..account
        })
    }

    /// A new one-time password for `name` (which also re-enables it), ending
    /// its sessions; its tokens stay.
    ///
    /// # Errors
    /// [`AccountError::NoSuchAccount`]; database errors.
    pub async fn reset_password(&self, name: &str) -> Result<String, AccountError> {
        let account = self.account(name).await?;
        let password = random_password()?;
        let hashed = hash_password(password.clone()).await?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "UPDATE accounts SET password = ?, must_change_password = 1, disabled = 0 WHERE id = ?",
        )
        .bind(&hashed)
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = ?")
            .bind(account.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE key = ?")
            .bind(account_key(&account.name))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(password)
    }

    /// A new API token for `name`; with `revoke_others`, every older token of
    /// the account stops working.
    ///
    /// # Errors
    /// [`AccountError::NoSuchAccount`]; database errors.
    pub async fn new_token(&self, name: &str, revoke_others: bool) -> Result<String, AccountError> {
        let account = self.account(name).await?;
        let token = random_secret("sat_")?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        if revoke_others {
            sqlx::query("UPDATE tokens SET revoked = 1 WHERE account_id = ?")
                .bind(account.id)
                .execute(&mut *tx)
                .await?;
        }
        insert_token(&mut tx, account.id, &token).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The enabled account an API token belongs to; `None` for an unknown,
    /// revoked or disabled one.
    ///
    /// # Errors
    /// Database errors.
    pub async fn token_account(&self, token: &str) -> Result<Option<Account>, AccountError> {
        let row = sqlx::query(
            "SELECT a.id, a.name, a.role, a.disabled, a.must_change_password \
             FROM tokens AS t JOIN accounts AS a ON a.id = t.account_id \
             WHERE t.digest = ? AND t.revoked = 0 AND a.disabled = 0",
        )
        .bind(digest(token))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// Checks a name and password and opens a session. Failures count against
    /// the name and the client `address`; past the limits every attempt is
    /// refused with [`AccountError::Throttled`] until the window passes, right
    /// password or not.
    ///
    /// # Errors
    /// [`AccountError::BadCredentials`], [`AccountError::Throttled`]; database
    /// errors.
    pub async fn login(
        &self,
        name: &str,
        password: &str,
        address: &str,
    ) -> Result<Session, AccountError> {
        let name = name.trim();
        let keys = [account_key(name), format!("address:{address}")];
        let now = unix_now();
        for (key, most) in keys
            .iter()
            .zip([MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS])
        {
            let row =
                sqlx::query("SELECT failures, window_start FROM login_failures WHERE key = ?")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
            if let Some(row) = row {
                let (failures, start): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
                if failures >= most && now - start < THROTTLE_WINDOW {
                    return Err(AccountError::Throttled {
                        retry_after: THROTTLE_WINDOW - (now - start),
                    });
                }
            }
        }
        let row = sqlx::query(
            "SELECT id, name, role, disabled, must_change_password, password \
             FROM accounts WHERE name = ?",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        let (account, stored) = match &row {
            Some(r) => (Some(account_from_row(r)?), r.try_get::<String, _>(5)?),
            // An unknown name costs an argon2 run too, so that timing does
            // not tell which names exist.
            None => (
                None,
                tokio::task::spawn_blocking(dummy_hash)
                    .await
                    .map_err(|e| AccountError::Hash(e.to_string()))??,
            ),
        };
        let verified = verify_password(password.to_string(), stored).await?;
        let Some(account) = account.filter(|a| verified && !a.disabled) else {
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            for key in &keys {
                sqlx::query(
                    "INSERT INTO login_failures (key, failures, window_start) VALUES (?1, 1, ?2) \
                     ON CONFLICT (key) DO UPDATE SET \
                       failures = CASE WHEN ?2 - window_start >= ?3 THEN 1 ELSE failures + 1 END, \
                       window_start = CASE WHEN ?2 - window_start >= ?3 THEN ?2 ELSE window_start END",
                )
                .bind(key)
                .bind(now)
                .bind(THROTTLE_WINDOW)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            return Err(AccountError::BadCredentials);
        };
        let key = random_secret("")?;
        let expires_at = now + SESSION_SECONDS;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM login_failures WHERE key = ?")
            .bind(&keys[0])
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (digest, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        )
        .bind(digest(&key))
        .bind(account.id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Session {
            account,
            key,
            expires_at,
        })
    }

    /// The session with `key`, if it has not expired and its account is
    /// enabled.
    ///
    /// # Errors
    /// Database errors.
    pub async fn session(&self, key: &str) -> Result<Option<Session>, AccountError> {
        let row = sqlx::query(
            "SELECT a.id, a.name, a.role, a.disabled, a.must_change_password, s.expires_at \
             FROM sessions AS s JOIN accounts AS a ON a.id = s.account_id \
             WHERE s.digest = ? AND s.expires_at > ? AND a.disabled = 0",
        )
        .bind(digest(key))
        .bind(unix_now())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(|r| {
                Ok(Session {
                    account: account_from_row(r)?,
                    key: key.to_string(),
                    expires_at: r.try_get(5)?,
                })
            })
            .transpose()
    }

    /// Ends the session with `key` (nothing happens for an unknown one).
    ///
    /// # Errors
    /// Database errors.
    pub async fn logout(&self, key: &str) -> Result<(), AccountError> {
        sqlx::query("DELETE FROM sessions WHERE digest = ?")
            .bind(digest(key))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Changes the password of `name` after checking the old one, and ends
    /// every session of the account except `keep` (the caller's).
    ///
    /// # Errors
    /// [`AccountError::BadCredentials`], [`AccountError::WeakPassword`];
    /// database errors.
    pub async fn change_password(
        &self,
        name: &str,
        old: &str,
        new: &str,
        keep: Option<&str>,
    ) -> Result<(), AccountError> {
        if new.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AccountError::WeakPassword);
        }
        let row = sqlx::query("SELECT id, password FROM accounts WHERE name = ? AND disabled = 0")
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Err(AccountError::BadCredentials);
        };
        let (id, stored): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
        if !verify_password(old.to_string(), stored).await? {
            return Err(AccountError::BadCredentials);
        }
        let hashed = hash_password(new.to_string()).await?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("UPDATE accounts SET password = ?, must_change_password = 0 WHERE id = ?")
            .bind(&hashed)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = ? AND digest != ?")
            .bind(id)
            .bind(keep.map(digest).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An argon2id hash of a random password no one knows, made once, checked
/// against unknown names.
fn dummy_hash() -> Result<String, AccountError> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = Argon2::default()
        .hash_password(random_secret("")?.as_bytes())
        .map_err(|e| AccountError::Hash(e.to_string()))?
        .to_string();
    Ok(DUMMY.get_or_init(|| hash).clone())
}

fn check_name(name: &str) -> Result<(), AccountError> {
    let ok = (1..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadName(format!(
            "{name:?}: 1 to 64 letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

fn account_key(name: &str) -> String {
    format!("account:{}", name.trim().to_lowercase())
}

fn account_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Account, AccountError> {
    let role: &str = row.try_get(2)?;
    Ok(Account {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        role: role
            .parse()
            .map_err(|e: UnknownName| WorkspaceError::Invalid(e.to_string()))?,
        disabled: row.try_get::<i64, _>(3)? != 0,
        must_change_password: row.try_get::<i64, _>(4)? != 0,
    })
}

async fn insert_token(
    tx: &mut sqlx::SqliteConnection,
    account: i64,
    token: &str,
) -> Result<(), AccountError> {
    sqlx::query("INSERT INTO tokens (digest, account_id, created_at) VALUES (?, ?, ?)")
        .bind(digest(token))
        .bind(account)
        .bind(unix_now())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Ends every session and revokes every token of an account.
async fn end_access(tx: &mut sqlx::SqliteConnection, account: i64) -> Result<(), AccountError> {
    sqlx::query("DELETE FROM sessions WHERE account_id = ?")
        .bind(account)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE tokens SET revoked = 1 WHERE account_id = ?")
        .bind(account)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// SHA-256, hex: how tokens and session keys are stored.
fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// 32 random bytes from the OS, hex, after `prefix` (which lets secret
/// scanners recognise a leaked token).
fn random_secret(prefix: &str) -> Result<String, AccountError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
    Ok(format!("{prefix}{}", hex(&bytes)))
}

/// A one-time password: 20 characters of an alphabet without look-alikes
/// (55 letters and digits: about 115 bits), drawn without modulo bias.
fn random_password() -> Result<String, AccountError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    // The largest multiple of the alphabet's length that fits in a byte.
    let fair = 256 - 256 % ALPHABET.len();
    let mut password = String::with_capacity(20);
    let mut bytes = [0u8; 64];
    while password.len() < 20 {
        getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
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

/// argon2id with the crate's recommended parameters, off the async threads
/// (it takes tens of milliseconds by design).
async fn hash_password(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AccountError::Hash(e.to_string()))
    })
    .await
    .map_err(|e| AccountError::Hash(e.to_string()))?
}

async fn verify_password(password: String, stored: String) -> Result<bool, AccountError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), stored.as_str())
            .is_ok()
    })
    .await
    .map_err(|e| AccountError::Hash(e.to_string()))
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}
