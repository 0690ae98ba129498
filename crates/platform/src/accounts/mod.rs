//! Users, sessions and API tokens. A user belongs to one organisation; their tier follows from its
//! kind and their role is stored. Every change to a user goes through the audited write path.

pub mod cli;
pub mod password;
pub mod secret;
pub mod throttle;

use crate::audit::{self, Actor, Val};
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldError};
use crate::reach::parse_path;
use crate::record::Record;
use kumiai_core::{Account, OrgId, OrgKind, Role, TokenId, UserId, time::now_ms};
use serde::Serialize;
use sqlx::{AssertSqlSafe, FromRow};

pub const SESSION_DAYS: i64 = 14;

/// Unchecked reads of the platform's own records.
pub struct PlatformKey(());

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub org_id: OrgId,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
    pub disabled_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub org_code: String,
    pub org_name_ja: String,
    pub org_name_en: String,
    #[sqlx(try_from = "String")]
    pub org_kind: OrgKind,
    pub org_path: String,
}

/// The columns of [`User`] over `users u JOIN organisations o`.
macro_rules! user_cols {
    () => {
        "u.id, u.login, u.display_name, u.email, u.org_id, u.role, u.password_hash, u.disabled_at, u.version, \
         u.created_at, u.updated_at, o.code AS org_code, o.name_ja AS org_name_ja, o.name_en AS org_name_en, o.kind AS org_kind, o.path AS org_path"
    };
}

crate::identified!("user" => User);

impl Record for User {
    const TABLE: &'static str = "users";
    const SELECT: &'static str = concat!("SELECT ", user_cols!(), " FROM users u JOIN organisations o ON o.id = u.org_id");
    const ALIAS: &'static str = "u";
    const ORG_REFS: &'static [&'static str] = &["org_id"];

    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("login", "ログイン名", "Login"),
        ("display_name", "表示名", "Display name"),
        ("email", "メール", "E-mail"),
        ("org_id", "所属組織", "Organisation"),
        ("role", "役割", "Role"),
        ("disabled_at", "利用停止", "Disabled"),
    ];
    fn present(field: &str, value: &str, lang: kumiai_core::Lang) -> Option<String> {
        (field == "role").then(|| kumiai_core::Role::parse(value).map(|r| r.label(lang).to_string())).flatten()
    }
    type Key = PlatformKey;
    fn version(&self) -> i64 {
        self.version
    }
    /// Never the password hash.
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "login": self.login, "display_name": self.display_name, "email": self.email,
            "org_id": self.org_id, "role": self.role.as_str(), "disabled_at": self.disabled_at, "version": self.version,
        })
    }
}

impl User {
    /// The account the reach rules see; None for a user of an organisation that has no tier
    /// (companies and sites cannot hold users).
    pub fn account(&self) -> Option<Account> {
        let tier = self.org_kind.tier()?;
        Some(Account {
            user_id: self.id,
            login: self.login.clone(),
            display_name: self.display_name.clone(),
            org_id: self.org_id,
            org_path: parse_path(&self.org_path),
            tier,
            role: self.role,
        })
    }
}

pub async fn by_login(db: &Db, login: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(AssertSqlSafe(format!("{} WHERE u.login = $1", User::SELECT))).bind(login.to_string()).fetch_optional(&db.pool).await
}

pub async fn by_id(db: &Db, id: UserId) -> sqlx::Result<Option<User>> {
    crate::record::fetch::<User>(db, id.get(), &PlatformKey(())).await
}

/// Users of organisations at or under `root_path` (all users for the root '/').
pub async fn list_under(db: &Db, root_path: &str) -> sqlx::Result<Vec<User>> {
    sqlx::query_as(AssertSqlSafe(format!("{} WHERE o.path LIKE $1 ORDER BY o.path, u.login", User::SELECT)))
        .bind(format!("{root_path}%"))
        .fetch_all(&db.pool)
        .await
}

pub struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub org_id: OrgId,
    pub role: Role,
    pub password: &'a str,
}

fn validate_login(login: &str) -> Option<FieldError> {
    let ok = (3..=64).contains(&login.len())
        && login.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'@'));
    (!ok).then(|| {
        FieldError::refused(
            "login",
            login,
            "ログイン名は3〜64文字の英数字と . - _ @ で入力してください。",
            "A login is 3–64 letters, digits or . - _ @.",
        )
    })
}

fn login_taken() -> FieldError {
    FieldError::new("login", "このログイン名は使われています。", "This login is taken.")
}

/// Creates a user after validating every field; errors name the field.
pub async fn create(db: &Db, actor: &Actor, u: NewUser<'_>) -> AppResult<UserId> {
    let mut errors = vec![];
    if let Some(e) = validate_login(u.login) {
        errors.push(e);
    } else if by_login(db, u.login).await?.is_some() {
        errors.push(login_taken());
    }
    if u.display_name.trim().is_empty() || u.display_name.chars().count() > 100 {
        errors.push(FieldError::new("display_name", "氏名を100文字以内で入力してください。", "Enter a name of up to 100 characters."));
    }
    crate::text::check_line("display_name", u.display_name, &mut errors);
    crate::text::check_line("email", u.email, &mut errors);
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
    let fields: [(&str, Val); 6] = [
        ("login", u.login.into()),
        ("display_name", u.display_name.trim().into()),
        ("email", u.email.trim().into()),
        ("org_id", u.org_id.into()),
        ("role", u.role.as_str().into()),
        ("password_hash", hash.into()),
    ];
    let user = match audit::insert::<User>(&mut tx, actor, &fields, None).await {
        Ok(u) => u,
        // Two admins adding the same login at once: the second is told, never a 500.
        Err(e) if crate::db::unique_violation(&e).is_some() => return Err(AppError::Validation(vec![login_taken()])),
        Err(e) => return Err(e.into()),
    };
    db.commit(tx).await?;
    Ok(user.id)
}

/// Changes role, disabled state or password of a user at `expected_version`.
pub async fn update(db: &Db, actor: &Actor, user: &User, expected_version: i64, fields: &[(&str, Val)], action: &str) -> AppResult<User> {
    let mut tx = db.begin().await?;
    match audit::update(&mut tx, actor, user, expected_version, fields, None, action).await {
        Ok(after) => {
            if fields.iter().any(|(k, _)| matches!(*k, "password_hash" | "disabled_at")) {
                // A new password or a disabled account ends every open session.
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.id).execute(&mut *tx).await?;
            }
            db.commit(tx).await?;
            Ok(after)
        }
        Err(e) => {
            drop(tx);
            let shown: Vec<(&str, Val)> = fields.iter().filter(|(k, _)| *k != "password_hash").cloned().collect();
            Err(audit::answer::<User>(e, db, &kumiai_core::Viewer::system(), user.id.get(), &shown, None, expected_version, now_ms()).await)
        }
    }
}

// ---- sessions ----

pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

pub async fn open_session(db: &Db, user_id: UserId) -> sqlx::Result<NewSession> {
    let token = secret::random_hex(32);
    let csrf = secret::random_hex(16);
    let now = now_ms();
    // Expired sessions are removed as new ones open: no background job needed.
    db.execute(sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now)).await?;
    db.execute(
        sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(secret::sha256_hex(&token))
            .bind(user_id)
            .bind(csrf.clone())
            .bind(now)
            .bind(now + SESSION_DAYS * 86_400_000),
    )
    .await?;
    Ok(NewSession { token, csrf })
}

/// The account behind a session cookie and the session's CSRF token.
pub async fn session_account(db: &Db, token: &str) -> sqlx::Result<Option<(Account, String)>> {
    let hash = secret::sha256_hex(token);
    // The session, its user and the user's organisation in one query, read once per change:
    // opening or closing a session, or any change to a user, is a write that empties the cache.
    let load = || async {
        let row: Option<SessionRow> = sqlx::query_as::<_, SessionRow>(concat!(
            "SELECT ",
            user_cols!(),
            ", s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.org_id \
             WHERE s.id_hash = $1 AND u.disabled_at IS NULL"
        ))
        .bind(hash.clone())
        .fetch_optional(&db.pool)
        .await?;
        // Unknown tokens are not kept: anyone may send any number of them.
        row.ok_or(sqlx::Error::RowNotFound)
    };
    let row = match db.caches.current(format!("session:{hash}"), load).await {
        Ok(r) => r,
        Err(sqlx::Error::RowNotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    if row.expires_at <= now_ms() {
        return Ok(None);
    }
    Ok(row.user.account().map(|a| (a, row.csrf)))
}

#[derive(Clone, FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: User,
    csrf: String,
    expires_at: i64,
}

pub async fn close_session(db: &Db, token: &str) -> sqlx::Result<()> {
    db.execute(sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(secret::sha256_hex(token))).await?;
    Ok(())
}

// ---- API tokens ----

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct ApiToken {
    pub id: TokenId,
    pub user_id: UserId,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub version: i64,
}

crate::identified!("api_token" => ApiToken);

impl Record for ApiToken {
    const TABLE: &'static str = "api_tokens";
    const SELECT: &'static str = "SELECT t.id, t.user_id, t.label, t.created_at, t.last_used_at, t.revoked_at, t.version FROM api_tokens t";
    const ALIAS: &'static str = "t";
    type Key = PlatformKey;
    fn version(&self) -> i64 {
        self.version
    }
    /// Never the hash; the last use is not a change.
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"user_id": self.user_id, "label": self.label, "revoked_at": self.revoked_at, "version": self.version})
    }
}

/// Issues a token; the plain value is returned once and only its hash is kept.
pub async fn issue_token(db: &Db, actor: &Actor, user_id: UserId, label: &str) -> AppResult<String> {
    let token = format!("kumiai_{}", secret::random_hex(24));
    let mut tx = db.begin().await?;
    audit::insert::<ApiToken>(&mut tx, actor, &[("user_id", user_id.into()), ("label", label.into()), ("token_hash", secret::sha256_hex(&token).into())], None).await?;
    db.commit(tx).await?;
    Ok(token)
}

pub async fn tokens_of(db: &Db, user_id: UserId) -> sqlx::Result<Vec<ApiToken>> {
    sqlx::query_as(AssertSqlSafe(format!("{} WHERE t.user_id = $1 ORDER BY t.id DESC", ApiToken::SELECT))).bind(user_id).fetch_all(&db.pool).await
}

/// Revokes one of the user's own tokens; another user's token answers like a missing one.
pub async fn revoke_token(db: &Db, actor: &Actor, user_id: UserId, token_id: TokenId) -> AppResult<()> {
    let token = crate::record::fetch::<ApiToken>(db, token_id.get(), &PlatformKey(()))
        .await?
        .filter(|t| t.user_id == user_id && t.revoked_at.is_none())
        .ok_or(AppError::NotFound)?;
    let mut tx = db.begin().await?;
    audit::update(&mut tx, actor, &token, token.version, &[("revoked_at", now_ms().into())], None, "revoke").await.map_err(|_| AppError::NotFound)?;
    db.commit(tx).await?;
    Ok(())
}

/// How stale a token's "last used" may get: a call writes it at most once a minute, so API
/// reads do not each write to the database.
const LAST_USED_GRAIN_MS: i64 = 60_000;

pub async fn token_account(db: &Db, token: &str) -> sqlx::Result<Option<Account>> {
    let hash = secret::sha256_hex(token);
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
    )
    .bind(hash.clone())
    .fetch_optional(&db.pool)
    .await?;
    let Some((user_id, last_used)) = row else { return Ok(None) };
    let now = now_ms();
    if last_used.is_none_or(|t| now - t >= LAST_USED_GRAIN_MS) {
        db.execute(sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2").bind(now).bind(hash)).await?;
    }
    Ok(by_id(db, UserId(user_id)).await?.and_then(|u| u.account()))
}
