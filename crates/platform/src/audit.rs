//! The audit log and the one write path that versions and audits. Modules never write
//! `INSERT`/`UPDATE`/`DELETE` on their records themselves: they call [`create`]/[`insert`] and
//! [`update`], which bump the version, refuse a stale one, write the shares, and append the rows
//! before and after *as stored* to the log, all in the caller's transaction. A tidy test keeps it so.

use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::reach;
use crate::record::{Record, Reachable, fetch_inner};
use kumiai_core::{Lang, OrgId, Viewer, time, time::now_ms};
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
        match viewer.account() {
            Some(a) => Actor { user_id: Some(a.user_id.get()), label: a.login.clone() },
            None if viewer.is_system() => Actor { user_id: None, label: "system".into() },
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

/// Typed ids bind as their numbers.
macro_rules! id_vals {
    ($($t:ty),*) => {$(
        impl From<$t> for Val {
            fn from(v: $t) -> Val {
                Val::Int(Some(v.get()))
            }
        }
        impl From<Option<$t>> for Val {
            fn from(v: Option<$t>) -> Val {
                Val::Int(v.map(|x| x.get()))
            }
        }
    )*};
}
id_vals!(kumiai_core::OrgId, kumiai_core::PersonId, kumiai_core::PageId, kumiai_core::RevisionId, kumiai_core::UserId, kumiai_core::CountId, kumiai_core::AttachmentId, kumiai_core::TokenId);

impl Val {
    pub fn to_json(&self) -> Value {
        match self {
            Val::Int(i) => serde_json::json!(i),
            Val::Text(t) => serde_json::json!(t),
        }
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

/// A row inserted by [`create`] whose audit entry is still to be written: derived columns that
/// need the new id (a materialised path, the first revision) are set with [`Created::set`] in the
/// same transaction, then [`Created::log`] records the row as stored.
#[must_use = "a created row is logged with .log(tx)"]
pub struct Created<R> {
    id: i64,
    actor: Actor,
    _record: std::marker::PhantomData<R>,
}

impl<R: Record> Created<R> {
    pub fn id(&self) -> i64 {
        self.id
    }
    /// Sets columns derived from the new id, before the creation is logged.
    pub async fn set(&self, tx: &mut Tx, fields: &[(&str, Val)]) -> sqlx::Result<()> {
        if fields.is_empty() {
            return Ok(());
        }
        let sets: Vec<String> = fields.iter().enumerate().map(|(i, (c, _))| format!("{} = ${}", column(c), i + 1)).collect();
        let sql = format!("UPDATE {} SET {} WHERE id = ${}", R::TABLE, sets.join(", "), fields.len() + 1);
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (_, v) in fields {
            q = bind_val(q, v);
        }
        q.bind(self.id).execute(&mut **tx).await?;
        Ok(())
    }
    /// Logs the creation with the row as stored and returns it.
    pub async fn log(self, tx: &mut Tx) -> sqlx::Result<R> {
        let row: R = fetch_inner(&mut **tx, self.id).await?.ok_or(sqlx::Error::RowNotFound)?;
        let after = snapshot_in(tx, &row).await?;
        record(tx, &self.actor, R::ENTITY, self.id, "create", None, Some(&after)).await?;
        Ok(row)
    }
}

/// Column names come from code, never from input.
fn column(c: &str) -> &str {
    assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "column names are code constants");
    c
}

/// The snapshot with the shares, as stored now in `tx`.
async fn snapshot_in<R: Record>(tx: &mut Tx, row: &R) -> sqlx::Result<Value> {
    let mut v = row.snapshot();
    if R::SHARED {
        let shared: Vec<i64> = reach::shares_tx(tx, R::ENTITY, row.id()).await?.into_iter().map(|o| o.get()).collect();
        v["shared_with"] = shared.into();
    }
    Ok(v)
}

/// Inserts a row of `R` with `version = 1` (and its shares, for a shared entity). Times default to
/// now; a field named `created_at` or `updated_at` overrides them (imports keep their dates).
pub async fn create<R: Record>(tx: &mut Tx, actor: &Actor, fields: &[(&str, Val)], shares: Option<&[OrgId]>) -> sqlx::Result<Created<R>> {
    let now = now_ms();
    let mut cols: Vec<&str> = fields.iter().map(|(c, _)| column(c)).collect();
    let mut vals: Vec<Val> = fields.iter().map(|(_, v)| v.clone()).collect();
    for t in ["created_at", "updated_at"] {
        if !cols.contains(&t) {
            cols.push(t);
            vals.push(now.into());
        }
    }
    let marks: Vec<String> = (1..=vals.len()).map(|i| format!("${i}")).collect();
    let sql = format!("INSERT INTO {} ({}) VALUES ({}) RETURNING id", R::TABLE, cols.join(", "), marks.join(", "));
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for v in &vals {
        q = bind_val(q, v);
    }
    let row = q.fetch_one(&mut **tx).await?;
    let id: i64 = sqlx::Row::try_get(&row, 0)?;
    if let Some(s) = shares {
        reach::replace_shares(tx, R::ENTITY, id, s).await?;
    }
    Ok(Created { id, actor: actor.clone(), _record: std::marker::PhantomData })
}

/// [`create`] and [`Created::log`] in one, for rows with no derived columns.
pub async fn insert<R: Record>(tx: &mut Tx, actor: &Actor, fields: &[(&str, Val)], shares: Option<&[OrgId]>) -> sqlx::Result<R> {
    create::<R>(tx, actor, fields, shares).await?.log(tx).await
}

/// The version a save was based on is no longer current.
#[derive(Debug)]
pub struct Stale;

/// Updates `fields` of `current` only if its version is still `expected_version`, bumps the
/// version, replaces the shares (when given) and logs `action` with the rows before and after as
/// stored. Returns the row after. `updated_at` defaults to now unless a field sets it.
pub async fn update<R: Record>(
    tx: &mut Tx,
    actor: &Actor,
    current: &R,
    expected_version: i64,
    fields: &[(&str, Val)],
    shares: Option<&[OrgId]>,
    action: &str,
) -> Result<R, UpdateError> {
    let id = current.id();
    let before = snapshot_in(tx, current).await?;
    let mut sets: Vec<String> = fields.iter().enumerate().map(|(i, (c, _))| format!("{} = ${}", column(c), i + 1)).collect();
    let mut n = fields.len();
    let stamp = !fields.iter().any(|(c, _)| *c == "updated_at");
    if stamp {
        n += 1;
        sets.push(format!("updated_at = ${n}"));
    }
    sets.push("version = version + 1".into());
    let sql = format!("UPDATE {} SET {} WHERE id = ${} AND version = ${}", R::TABLE, sets.join(", "), n + 1, n + 2);
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for (_, v) in fields {
        q = bind_val(q, v);
    }
    if stamp {
        q = q.bind(now_ms());
    }
    let done = q.bind(id).bind(expected_version).execute(&mut **tx).await?;
    if done.rows_affected() == 0 {
        return Err(UpdateError::Stale(Stale));
    }
    if let Some(s) = shares {
        reach::replace_shares(tx, R::ENTITY, id, s).await?;
    }
    let row: R = fetch_inner(&mut **tx, id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let after = snapshot_in(tx, &row).await?;
    record(tx, actor, R::ENTITY, id, action, Some(&before), Some(&after)).await?;
    Ok(row)
}

/// The conflict a stale save answers with: the stored row and the row as the save would have
/// left it, in the same shape (the record's conflict view, organisations shown as the viewer may
/// see them).
pub async fn conflict<R: Record>(db: &Db, viewer: &Viewer, id: i64, yours: &[(&str, Val)], your_shares: Option<&[OrgId]>, your_version: i64, now: i64) -> AppError {
    let current = match fetch_inner::<R>(&db.pool, id).await {
        Ok(Some(c)) => c,
        Ok(None) => return AppError::NotFound,
        Err(e) => return e.into(),
    };
    let mut cur = current.conflict_view();
    if R::SHARED {
        match reach::shares(db, R::ENTITY, id).await {
            Ok(s) => cur["shared_with"] = s.iter().map(|o| o.get()).collect::<Vec<_>>().into(),
            Err(e) => return e.into(),
        }
    }
    let mut mine = cur.clone();
    for (k, v) in yours {
        if mine.get(*k).is_some() {
            mine[*k] = v.to_json();
        }
    }
    if let Some(s) = your_shares {
        mine["shared_with"] = s.iter().map(|o| o.get()).collect::<Vec<_>>().into();
    }
    mine["version"] = your_version.into();
    match crate::orgs::present_refs(db, viewer, &mut [&mut mine, &mut cur], R::ORG_REFS, now).await {
        Ok(()) => AppError::Conflict { yours: mine, current: cur, labels: R::FIELD_LABELS },
        Err(e) => e.into(),
    }
}

/// Maps a failed update to the answer a client gets: a conflict with both versions for a stale
/// save, a field error for a unique value taken meanwhile, an internal error otherwise.
#[allow(clippy::too_many_arguments)]
pub async fn answer<R: Record>(
    e: UpdateError,
    db: &Db,
    viewer: &Viewer,
    id: i64,
    yours: &[(&str, Val)],
    your_shares: Option<&[OrgId]>,
    your_version: i64,
    now: i64,
) -> AppError {
    match e {
        UpdateError::Stale(_) => conflict::<R>(db, viewer, id, yours, your_shares, your_version, now).await,
        UpdateError::Db(e) => e.into(),
    }
}

/// Sets (`on`) or clears a timestamp column such as `archived_at` or `deleted_at` of a record the
/// viewer may edit, through the versioned path in its own transaction.
#[allow(clippy::too_many_arguments)]
pub async fn set_marker<R: Reachable>(
    db: &Db,
    viewer: &Viewer,
    id: i64,
    expected_version: i64,
    column_name: &str,
    on: bool,
    (on_action, off_action): (&str, &str),
    extra: &[(&str, Val)],
    now: i64,
) -> AppResult<R> {
    let current = reach::load_visible::<R>(db, viewer, id, now).await?;
    if !current.can_edit(viewer, now) {
        return Err(AppError::Forbidden);
    }
    let value: Val = if on { now.into() } else { Val::Int(None) };
    let mut fields = vec![(column_name, value)];
    fields.extend(extra.iter().cloned());
    let mut tx = db.begin().await?;
    let action = if on { on_action } else { off_action };
    match update(&mut tx, &Actor::of(viewer), current.get(), expected_version, &fields, None, action).await {
        Ok(row) => {
            db.commit(tx).await?;
            Ok(row)
        }
        Err(e) => {
            drop(tx);
            Err(answer::<R>(e, db, viewer, id, &fields, None, expected_version, now).await)
        }
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
    /// What the record was called in this entry (its name or title after the change, or before a
    /// deletion), from the snapshot: the audit log names records without reading them again.
    pub fn name(&self) -> Option<String> {
        const NAME_KEYS: [&str; 7] = ["name_ja", "title", "name_kanji", "display_name", "login", "label", "code"];
        [&self.after_json, &self.before_json].into_iter().flatten().filter_map(|s| serde_json::from_str::<serde_json::Map<String, Value>>(s).ok()).find_map(|m| {
            NAME_KEYS.iter().find_map(|k| m.get(*k).and_then(Value::as_str).filter(|v| !v.is_empty()).map(str::to_string))
        })
    }

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
            Some(Value::Array(items)) => items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string)).collect::<Vec<_>>().join(", "),
            Some(v) => v.to_string(),
        };
        // Missing, null, "" and [] are all "empty": going from one to another is no change.
        keys.into_iter()
            .filter(|k| !matches!(k.as_str(), "version" | "updated_at"))
            .map(|k| FieldChange { field: k.clone(), before: show(b.get(k)), after: show(a.get(k)) })
            .filter(|c| c.before != c.after)
            .collect()
    }
}

/// What was done, in words.
pub fn action_label(action: &str, lang: Lang) -> String {
    let (ja, en) = match action {
        "create" => ("作成", "created"),
        "update" => ("更新", "changed"),
        "archive" => ("アーカイブ", "archived"),
        "restore" => ("復元", "restored"),
        "delete" => ("削除", "deleted"),
        "rename" => ("改名", "renamed"),
        "redirect" => ("転送を設定", "made a redirect"),
        "revert" => ("差し戻し", "reverted"),
        "password" => ("パスワード変更", "changed the password"),
        "disable" => ("利用停止", "disabled"),
        "enable" => ("利用再開", "enabled"),
        "issue" => ("発行", "issued"),
        "revoke" => ("失効", "revoked"),
        "transfer" => ("移管", "transferred"),
        other => return other.to_string(),
    };
    lang.t(ja, en).to_string()
}

/// The record as it was at `version` (its logged snapshot), for merging an edit made from that
/// version with what others saved since. None when the log has no such version.
pub async fn snapshot_at(db: &Db, entity: &str, record_id: i64, version: i64) -> sqlx::Result<Option<serde_json::Map<String, Value>>> {
    let rows: Vec<(Option<String>,)> = sqlx::query_as("SELECT after_json FROM audit_log WHERE entity = $1 AND record_id = $2 ORDER BY id DESC LIMIT 200")
        .bind(entity.to_string())
        .bind(record_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(a,)| a.and_then(|a| serde_json::from_str::<serde_json::Map<String, Value>>(&a).ok()))
        .find(|m| m.get("version").and_then(Value::as_i64) == Some(version)))
}

/// Every record of `entity` as it stood at `at` (ms): its latest logged state at or before then,
/// by record id; records created later are absent, deleted ones keep their last state. This is
/// how a figure is reproduced "as of" a past moment: from the log, not from current values.
pub async fn states_as_of(db: &Db, entity: &str, at: i64) -> sqlx::Result<Vec<(i64, serde_json::Map<String, Value>)>> {
    let rows: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT a.record_id, a.after_json FROM audit_log a WHERE a.entity = $1 AND a.id = \
         (SELECT MAX(b.id) FROM audit_log b WHERE b.entity = $1 AND b.record_id = a.record_id AND b.at <= $2)",
    )
    .bind(entity.to_string())
    .bind(at)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().filter_map(|(id, a)| Some((id, serde_json::from_str(&a?).ok()?))).collect())
}

/// The history of one record, newest first. Callers decide first whether the reader may see it.
pub async fn history(db: &Db, entity: &str, record_id: i64) -> sqlx::Result<Vec<AuditEntry>> {
    db.fetch_cached(
        "SELECT id, at, actor, entity, record_id, action, before_json, after_json FROM audit_log WHERE entity = $1 AND record_id = $2 ORDER BY id DESC LIMIT 200".into(),
        &[entity.to_string().into(), record_id.into()],
    )
    .await
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    #[serde(deserialize_with = "crate::web::empty_as_none", default)]
    pub record_id: Option<i64>,
    /// A module's name: its entities' entries (resolved into `entities` by the caller).
    pub module: Option<String>,
    /// Japan-time days, both included ("2026-12-01").
    pub from: Option<String>,
    pub to: Option<String>,
    #[serde(skip)]
    pub entities: Option<Vec<String>>,
    #[serde(deserialize_with = "crate::web::empty_as_none", default)]
    pub page: Option<i64>,
}

pub const AUDIT_PAGE: i64 = 50;

impl AuditFilter {
    /// Reads the days and turns a module's name into its entities; a 400 names what it cannot read.
    pub fn check(&mut self, entities: &[(&'static str, crate::module::EntityName)]) -> crate::AppResult<()> {
        crate::web::parse_day(self.from.as_deref().unwrap_or(""), ("開始日", "start date"))?;
        crate::web::parse_day(self.to.as_deref().unwrap_or(""), ("終了日", "end date"))?;
        if let Some(m) = self.module.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            let of: Vec<String> = entities.iter().filter(|(module, _)| *module == m).map(|(_, e)| e.entity.to_string()).collect();
            if of.is_empty() {
                let m = crate::text::quote_value(m);
                return Err(crate::AppError::BadRequest(kumiai_core::Msg::new(format!("モジュール「{m}」はありません。"), format!("There is no module '{m}'."))));
            }
            self.entities = Some(of);
        }
        Ok(())
    }
}

impl AuditFilter {
    pub fn paging(&self) -> crate::db::Paging {
        crate::db::Paging::new(self.page, None, AUDIT_PAGE, AUDIT_PAGE)
    }
}

/// Entries after `position`, oldest first: the feed the search index follows.
pub async fn entries_after(db: &Db, position: i64, limit: i64) -> sqlx::Result<Vec<(i64, String, i64)>> {
    sqlx::query_as("SELECT id, entity, record_id FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2").bind(position).bind(limit).fetch_all(&db.pool).await
}

/// The newest entry's id (0 when the log is empty).
pub async fn last_id(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetch_one(&db.pool).await
}

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
    if let Some(entities) = &f.entities {
        // Names come from module descriptors, never from the request: written out as literals.
        let list: Vec<String> = entities.iter().map(|e| format!("'{}'", e.replace('\'', ""))).collect();
        conds.push(if list.is_empty() { "1 = 0".into() } else { format!("entity IN ({})", list.join(", ")) });
    }
    // Checked by `AuditFilter::check`; an unreadable day here filters nothing.
    let day = |d: &Option<String>| d.as_deref().and_then(time::parse_date);
    conds.extend(crate::db::within_days("at", day(&f.from), day(&f.to)));
    let filter = conds.join(" AND ");
    let count = crate::db::bind_all_scalar(sqlx::query_scalar::<_, i64>(AssertSqlSafe(format!("SELECT COUNT(*) FROM audit_log WHERE {filter}"))), &args);
    let total = count.fetch_one(&db.pool).await?;
    let paging = f.paging();
    let sql = format!(
        "SELECT id, at, actor, entity, record_id, action, before_json, after_json FROM audit_log WHERE {filter} ORDER BY id DESC {}",
        paging.sql()
    );
    let q = crate::db::bind_all(sqlx::query_as::<_, AuditEntry>(AssertSqlSafe(sql)), &args);
    Ok((q.fetch_all(&db.pool).await?, total))
}
