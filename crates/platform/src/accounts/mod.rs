//! Users, sessions and API tokens. A user belongs to one organisation; their tier follows from its
//! kind and their role is stored. Every change to a user goes through the audited write path.

pub mod password;
pub mod secret;
pub mod throttle;

use crate::audit::{self, Actor, UpdateError, Val};
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldError};
use crate::reach::parse_path;
use kumiai_core::{Account, OrgKind, Role, time::now_ms};
use serde::Serialize;
use sqlx::FromRow;

pub const SESSION_DAYS: i64 = 14;

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub org_id: i64,
    pub role: String,
    #[serde(skip)]
    pub password_hash: String,
    pub disabled_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub org_code: String,
    pub org_name_ja: String,
    pub org_name_en: String,
    pub org_kind: String,
    pub org_path: String,
}

const USER_COLS: &str = "u.id, u.login, u.display_name, u.email, u.org_id, u.role, u.password_hash, u.disabled_at, u.version, \
    u.created_at, u.updated_at, o.code AS org_code, o.name_ja AS org_name_ja, o.name_en AS org_name_en, o.kind AS org_kind, o.path AS org_path";

impl User {
    pub fn account(&self) -> Option<Account> {
        let tier = OrgKind::parse(&self.org_kind)?.tier()?;
        Some(Account {
            user_id: self.id,
            login: self.login.clone(),
            display_name: self.display_name.clone(),
            org_id: self.org_id,
            org_path: parse_path(&self.org_path),
            tier,
            role: Role::parse(&self.role)?,
        })
    }
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "login": self.login, "display_name": self.display_name, "email": self.email,
            "org_id": self.org_id, "role": self.role, "disabled_at": self.disabled_at,
        })
    }
}

pub async fn by_login(db: &Db, login: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.login = $1")))
        .bind(login.to_string())
        .fetch_optional(&db.pool)
        .await
}

pub async fn by_id(db: &Db, id: i64) -> sqlx::Result<Option<User>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Users of organisations at or under `root_path` (all users for the root '/').
pub async fn list_under(db: &Db, root_path: &str) -> sqlx::Result<Vec<User>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE o.path LIKE $1 ORDER BY o.path, u.login"
    )))
    .bind(format!("{root_path}%"))
    .fetch_all(&db.pool)
    .await
}

pub struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub org_id: i64,
    pub role: Role,
    pub password: &'a str,
}

fn validate_login(login: &str) -> Option<FieldError> {
    let ok = (3..=64).contains(&login.len())
        && login.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'@'));
    (!ok).then(|| {
        FieldError::new(
            "login",
            "ログイン名は3〜64文字の英数字と . - _ @ で入力してください。",
            "A login is 3–64 letters, digits or . - _ @.",
        )
    })
}

/// Creates a user after validating every field; errors name the field.
pub async fn create(db: &Db, actor: &Actor, u: NewUser<'_>) -> AppResult<i64> {
    let mut errors = vec![];
    if let Some(e) = validate_login(u.login) {
        errors.push(e);
    } else if by_login(db, u.login).await?.is_some() {
        errors.push(FieldError::new("login", "このログイン名は使われています。", "This login is taken."));
    }
    if u.display_name.trim().is_empty() {
        errors.push(FieldError::new("display_name", "氏名を入力してください。", "Enter a name."));
    }
    if let Err(m) = password::check_policy(u.password) {
        errors.push(FieldError { file: None, row: None, field: "password".into(), message: m });
    }
    let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM organisations WHERE id = $1").bind(u.org_id).fetch_optional(&db.pool).await?;
    match kind.as_deref().and_then(OrgKind::parse) {
        None => errors.push(FieldError::new("org", "組織が見つかりません。", "No such organisation.")),
        Some(k) if k.tier().is_none() => errors.push(FieldError::new(
            "org",
            "企業・海外事業体には利用者を所属させられません。",
            "Companies and overseas sites cannot have users.",
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = password::hash(u.password)?;
    let mut tx = db.begin().await?;
    let after = serde_json::json!({"login": u.login, "display_name": u.display_name, "email": u.email, "org_id": u.org_id, "role": u.role.as_str()});
    let id = audit::insert(
        &mut tx,
        actor,
        "user",
        "users",
        &[
            ("login", u.login.into()),
            ("display_name", u.display_name.trim().into()),
            ("email", u.email.trim().into()),
            ("org_id", u.org_id.into()),
            ("role", u.role.as_str().into()),
            ("password_hash", hash.into()),
        ],
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes role, disabled state or password of a user at `expected_version`.
pub async fn update(db: &Db, actor: &Actor, user: &User, expected_version: i64, fields: &[(&str, Val)], action: &str) -> AppResult<i64> {
    let before = user.audit_json();
    let mut after = before.clone();
    for (k, v) in fields {
        if *k == "password_hash" {
            continue; // never logged
        }
        after[*k] = match v {
            Val::Int(i) => serde_json::json!(i),
            Val::Text(t) => serde_json::json!(t),
        };
    }
    let mut tx = db.begin().await?;
    let result = audit::update(&mut tx, actor, "user", "users", user.id, expected_version, fields, action, &before, &after).await;
    match result {
        Ok(v) => {
            if fields.iter().any(|(k, _)| matches!(*k, "password_hash" | "disabled_at")) {
                // A new password or a disabled account ends every open session.
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.id).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(v)
        }
        Err(UpdateError::Stale(_)) => {
            let current = by_id(db, user.id).await?.map(|u| u.audit_json()).unwrap_or_default();
            Err(AppError::Conflict { yours: after, current })
        }
        Err(UpdateError::Db(e)) => Err(e.into()),
    }
}

// ---- sessions ----

pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

pub async fn open_session(db: &Db, user_id: i64) -> sqlx::Result<NewSession> {
    let token = secret::random_hex(32);
    let csrf = secret::random_hex(16);
    let now = now_ms();
    // Expired sessions are removed as new ones open: no background job needed.
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(&db.pool).await?;
    sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(secret::sha256_hex(&token))
        .bind(user_id)
        .bind(csrf.clone())
        .bind(now)
        .bind(now + SESSION_DAYS * 86_400_000)
        .execute(&db.pool)
        .await?;
    Ok(NewSession { token, csrf })
}

/// The account behind a session cookie and the session's CSRF token.
pub async fn session_account(db: &Db, token: &str) -> sqlx::Result<Option<(Account, String)>> {
    // One query per request: the session, its user and the user's organisation together.
    let row: Option<(User, String)> = sqlx::query_as::<_, SessionRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS}, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.org_id \
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL"
    )))
    .bind(secret::sha256_hex(token))
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?
    .map(|r| (r.user, r.csrf));
    Ok(row.and_then(|(u, csrf)| u.account().map(|a| (a, csrf))))
}

#[derive(FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: User,
    csrf: String,
}

pub async fn close_session(db: &Db, token: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(secret::sha256_hex(token)).execute(&db.pool).await?;
    Ok(())
}

// ---- API tokens ----

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// Issues a token; the plain value is returned once and only its hash is kept.
pub async fn issue_token(db: &Db, actor: &Actor, user_id: i64, label: &str) -> AppResult<String> {
    let token = format!("kumiai_{}", secret::random_hex(24));
    let mut tx = db.begin().await?;
    audit::insert(
        &mut tx,
        actor,
        "api_token",
        "api_tokens",
        &[("user_id", user_id.into()), ("label", label.into()), ("token_hash", secret::sha256_hex(&token).into())],
        &serde_json::json!({"user_id": user_id, "label": label}),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn tokens_of(db: &Db, user_id: i64) -> sqlx::Result<Vec<ApiToken>> {
    sqlx::query_as("SELECT id, label, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
}

pub async fn revoke_token(db: &Db, actor: &Actor, user_id: i64, token_id: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(token_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(&mut tx, actor, "api_token", token_id, "revoke", None, None).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn token_account(db: &Db, token: &str) -> sqlx::Result<Option<Account>> {
    let hash = secret::sha256_hex(token);
    let user_id: Option<i64> = sqlx::query_scalar(
        "SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
    )
    .bind(hash.clone())
    .fetch_optional(&db.pool)
    .await?;
    let Some(user_id) = user_id else { return Ok(None) };
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2").bind(now_ms()).bind(hash).execute(&db.pool).await?;
    Ok(by_id(db, user_id).await?.and_then(|u| u.account()))
}
