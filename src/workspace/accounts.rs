//! Accounts, API tokens, browser sessions and the login throttle, as stored:
//! the SQL beside the rules of [`crate::auth`] (hashing, secrets, roles).
//! Failed logins are throttled per account and per client address.

use sqlx::Row;

use super::{Workspace, WorkspaceError};
use crate::auth::{
    check_name, digest, dummy_hash, random_password, random_secret, Account, AuthError, NewAccount,
    Role, Session, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, MIN_PASSWORD_CHARS,
    SESSION_SECONDS, THROTTLE_WINDOW,
};
use crate::error::UnknownName;

impl Workspace {
    /// Whether any enabled admin account exists.
    ///
    /// # Errors
    /// Database errors.
    pub async fn has_admin(&self) -> Result<bool, WorkspaceError> {
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
    /// [`AuthError::FirstMustBeAdmin`], [`AuthError::Exists`],
    /// [`AuthError::BadName`]; database errors.
    pub async fn add_account(&self, name: &str, role: Role) -> Result<NewAccount, WorkspaceError> {
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
            return Err(AuthError::FirstMustBeAdmin.into());
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
        let id = id.ok_or_else(|| AuthError::Exists(name.to_string()))?;
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
    pub async fn accounts(&self) -> Result<Vec<Account>, WorkspaceError> {
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
    /// [`AuthError::NoSuchAccount`]; database errors.
    pub async fn account(&self, name: &str) -> Result<Account, WorkspaceError> {
        let row = sqlx::query(
            "SELECT id, name, role, disabled, must_change_password FROM accounts WHERE name = ?",
        )
        .bind(name.trim())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(account_from_row)
            .transpose()?
            .ok_or_else(|| AuthError::NoSuchAccount(name.to_string()).into())
    }

    /// Disables an account and ends its sessions and tokens at once.
    ///
    /// # Errors
    /// [`AuthError::NoSuchAccount`]; database errors.
    pub async fn disable_account(&self, name: &str) -> Result<Account, WorkspaceError> {
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
    /// [`AuthError::NoSuchAccount`]; database errors.
    pub async fn reset_password(&self, name: &str) -> Result<String, WorkspaceError> {
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
    /// [`AuthError::NoSuchAccount`]; database errors.
    pub async fn new_token(
        &self,
        name: &str,
        revoke_others: bool,
    ) -> Result<String, WorkspaceError> {
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
    pub async fn token_account(&self, token: &str) -> Result<Option<Account>, WorkspaceError> {
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
    /// refused with [`AuthError::Throttled`] until the window passes, right
    /// password or not.
    ///
    /// # Errors
    /// [`AuthError::BadCredentials`], [`AuthError::Throttled`]; database
    /// errors.
    pub async fn login(
        &self,
        name: &str,
        password: &str,
        address: &str,
    ) -> Result<Session, WorkspaceError> {
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
                    return Err(AuthError::Throttled {
                        retry_after: THROTTLE_WINDOW - (now - start),
                    }
                    .into());
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
                    .map_err(|e| AuthError::Hash(e.to_string()))??,
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
            return Err(AuthError::BadCredentials.into());
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
    pub async fn session(&self, key: &str) -> Result<Option<Session>, WorkspaceError> {
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
    pub async fn logout(&self, key: &str) -> Result<(), WorkspaceError> {
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
    /// [`AuthError::BadCredentials`], [`AuthError::WeakPassword`];
    /// database errors.
    pub async fn change_password(
        &self,
        name: &str,
        old: &str,
        new: &str,
        keep: Option<&str>,
    ) -> Result<(), WorkspaceError> {
        if new.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AuthError::WeakPassword.into());
        }
        let row = sqlx::query("SELECT id, password FROM accounts WHERE name = ? AND disabled = 0")
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Err(AuthError::BadCredentials.into());
        };
        let (id, stored): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
        if !verify_password(old.to_string(), stored).await? {
            return Err(AuthError::BadCredentials.into());
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

fn account_key(name: &str) -> String {
    format!("account:{}", name.trim().to_lowercase())
}

fn account_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Account, WorkspaceError> {
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
) -> Result<(), WorkspaceError> {
    sqlx::query("INSERT INTO tokens (digest, account_id, created_at) VALUES (?, ?, ?)")
        .bind(digest(token))
        .bind(account)
        .bind(unix_now())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Ends every session and revokes every token of an account.
async fn end_access(tx: &mut sqlx::SqliteConnection, account: i64) -> Result<(), WorkspaceError> {
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

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// argon2 off the async threads: it takes tens of milliseconds by design.
async fn hash_password(password: String) -> Result<String, WorkspaceError> {
    tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
        .await
        .map_err(|e| AuthError::Hash(e.to_string()))?
        .map_err(WorkspaceError::from)
}

async fn verify_password(password: String, stored: String) -> Result<bool, WorkspaceError> {
    tokio::task::spawn_blocking(move || crate::auth::verify_password(&password, &stored))
        .await
        .map_err(|e| AuthError::Hash(e.to_string()).into())
}
