//! The audit log and the one write path that versions and audits. Modules never write
//! `UPDATE … SET version = …` themselves: they call [`insert`] / [`update`], which bump the version,
//! refuse a stale one and append the before/after to the log in the same transaction.

use crate::db::{Db, Tx};
use kumiai_core::{Viewer, time::now_ms};
use serde_json::Value;
use sqlx::{AssertSqlSafe, FromRow};

/// Who made a change: a user, or the command line acting for the operator.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    pub fn of(viewer: &Viewer) -> Actor {
        match &viewer.account {
            // User id 0 is the command line acting for the operator (no users row).
            Some(a) => Actor { user_id: (a.user_id > 0).then_some(a.user_id), label: if a.user_id > 0 { a.login.clone() } else { "cli".into() } },
            None => Actor { user_id: None, label: "anonymous".into() },
        }
    }
    pub fn system(label: &str) -> Actor {
        Actor { user_id: None, label: format!("cli:{label}") }
    }
}

/// A column value for the generic write path (the two types `sqlx::Any` binds on both backends).
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(Some(v))
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Val {
        Val::Int(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(Some(v.to_string()))
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(Some(v))
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Val {
        Val::Text(v)
    }
}

fn bind_val<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    v: &Val,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    match v {
        Val::Int(i) => q.bind(*i),
        Val::Text(t) => q.bind(t.clone()),
    }
}

pub async fn record(
    tx: &mut Tx,
    actor: &Actor,
    entity: &str,
    record_id: i64,
    action: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor, entity, record_id, action, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now_ms())
    .bind(actor.user_id)
    .bind(actor.label.clone())
    .bind(entity.to_string())
    .bind(record_id)
    .bind(action.to_string())
    .bind(before.map(Value::to_string))
    .bind(after.map(Value::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Inserts a row with `version = 1` and logs it as `create`. Returns the new id.
pub async fn insert(tx: &mut Tx, actor: &Actor, entity: &str, table: &str, fields: &[(&str, Val)], after: &Value) -> sqlx::Result<i64> {
    let now = now_ms();
    let cols: Vec<&str> = fields.iter().map(|(c, _)| *c).collect();
    let marks: Vec<String> = (1..=fields.len() + 2).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}, created_at, updated_at) VALUES ({}) RETURNING id",
        cols.join(", "),
        marks.join(", ")
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for (_, v) in fields {
        q = bind_val(q, v);
    }
    let row = q.bind(now).bind(now).fetch_one(&mut **tx).await?;
    let id: i64 = sqlx::Row::try_get(&row, 0)?;
    let mut after = after.clone();
    after["id"] = id.into();
    record(tx, actor, entity, id, "create", None, Some(&after)).await?;
    Ok(id)
}

/// The version a save was based on is no longer current.
#[derive(Debug)]
pub struct Stale;

/// Updates `fields` of row `id` only if its version is still `expected_version`, bumps the version
/// and logs `action` with before and after. Returns the new version.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    tx: &mut Tx,
    actor: &Actor,
    entity: &str,
    table: &str,
    id: i64,
    expected_version: i64,
    fields: &[(&str, Val)],
    action: &str,
    before: &Value,
    after: &Value,
) -> Result<i64, UpdateError> {
    let n = fields.len();
    let sets: Vec<String> = fields.iter().enumerate().map(|(i, (c, _))| format!("{c} = ${}", i + 1)).collect();
    let sql = format!(
        "UPDATE {table} SET {}{}version = version + 1, updated_at = ${} WHERE id = ${} AND version = ${}",
        sets.join(", "),
        if n > 0 { ", " } else { "" },
        n + 1,
        n + 2,
        n + 3
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for (_, v) in fields {
        q = bind_val(q, v);
    }
    let done = q.bind(now_ms()).bind(id).bind(expected_version).execute(&mut **tx).await?;
    if done.rows_affected() == 0 {
        return Err(UpdateError::Stale(Stale));
    }
    let mut after = after.clone();
    after["version"] = (expected_version + 1).into();
    record(tx, actor, entity, id, action, Some(before), Some(&after)).await?;
    Ok(expected_version + 1)
}

/// Sets (`on`) or clears a timestamp column such as `archived_at` or `deleted_at` through the
/// versioned path, in its own transaction. A stale version is a conflict showing both states.
#[allow(clippy::too_many_arguments)]
pub async fn set_marker(
    db: &crate::Db,
    actor: &Actor,
    entity: &str,
    table: &str,
    id: i64,
    expected_version: i64,
    column: &str,
    on: bool,
    now: i64,
    (on_action, off_action): (&str, &str),
    before: &Value,
    after: &Value,
) -> crate::AppResult<i64> {
    let mut tx = db.begin().await?;
    let value: Val = if on { now.into() } else { Val::Int(None) };
    let action = if on { on_action } else { off_action };
    match update(&mut tx, actor, entity, table, id, expected_version, &[(column, value)], action, before, after).await {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        Err(UpdateError::Stale(_)) => Err(crate::AppError::Conflict { yours: after.clone(), current: before.clone() }),
        Err(UpdateError::Db(e)) => Err(e.into()),
    }
}

#[derive(Debug)]
pub enum UpdateError {
    Stale(Stale),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for UpdateError {
    fn from(e: sqlx::Error) -> Self {
        UpdateError::Db(e)
    }
}

#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub entity: String,
    pub record_id: i64,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// One changed field of an audit entry, for display.
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl AuditEntry {
    /// The fields whose value differs between before and after (all of them for a create).
    pub fn changes(&self) -> Vec<FieldChange> {
        let parse = |s: &Option<String>| -> serde_json::Map<String, Value> {
            s.as_deref()
                .and_then(|s| serde_json::from_str::<Value>(s).ok())
                .and_then(|v| v.as_object().cloned())
                .unwrap_or_default()
        };
        let (b, a) = (parse(&self.before_json), parse(&self.after_json));
        let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
        keys.sort();
        keys.dedup();
        let show = |v: Option<&Value>| match v {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        };
        keys.into_iter()
            .filter(|k| !matches!(k.as_str(), "version" | "updated_at"))
            .filter(|k| b.get(*k) != a.get(*k))
            .map(|k| FieldChange { field: k.clone(), before: show(b.get(k)), after: show(a.get(k)) })
            .collect()
    }
}

/// The history of one record, newest first. Callers decide first whether the reader may see it.
pub async fn history(db: &Db, entity: &str, record_id: i64) -> sqlx::Result<Vec<AuditEntry>> {
    sqlx::query_as("SELECT id, at, actor, entity, record_id, action, before_json, after_json FROM audit_log WHERE entity = $1 AND record_id = $2 ORDER BY id DESC LIMIT 200")
        .bind(entity.to_string())
        .bind(record_id)
        .fetch_all(&db.pool)
        .await
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    #[serde(deserialize_with = "crate::web::empty_as_none", default)]
    pub record_id: Option<i64>,
    #[serde(deserialize_with = "crate::web::empty_as_none", default)]
    pub page: Option<i64>,
}

pub const AUDIT_PAGE: i64 = 50;

/// The whole log, filtered, newest first: for head-office admins only (the caller checks).
pub async fn search(db: &Db, f: &AuditFilter) -> sqlx::Result<(Vec<AuditEntry>, i64)> {
    let mut conds = vec!["1 = 1".to_string()];
    let mut args: Vec<Val> = vec![];
    let mut push = |cond: &str, v: Val| {
        args.push(v);
        conds.push(cond.replace('?', &format!("${}", args.len())));
    };
    if let Some(e) = f.entity.as_deref().filter(|s| !s.is_empty()) {
        push("entity = ?", e.into());
    }
    if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
        push("actor = ?", a.into());
    }
    if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
        push("action = ?", a.into());
    }
    if let Some(r) = f.record_id {
        push("record_id = ?", r.into());
    }
    let filter = conds.join(" AND ");
    let count = crate::db::bind_all_scalar(sqlx::query_scalar::<_, i64>(AssertSqlSafe(format!("SELECT COUNT(*) FROM audit_log WHERE {filter}"))), &args);
    let total = count.fetch_one(&db.pool).await?;
    let page = f.page.unwrap_or(1).max(1);
    let sql = format!(
        "SELECT id, at, actor, entity, record_id, action, before_json, after_json FROM audit_log WHERE {filter} ORDER BY id DESC LIMIT {AUDIT_PAGE} OFFSET {}",
        (page - 1) * AUDIT_PAGE
    );
    let q = crate::db::bind_all(sqlx::query_as::<_, AuditEntry>(AssertSqlSafe(sql)), &args);
    Ok((q.fetch_all(&db.pool).await?, total))
}
