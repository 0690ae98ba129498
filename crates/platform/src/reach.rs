//! The enforcement layer's storage half, and the only place a [`Visible`] is made.
//!
//! - One record: [`load_visible`] / [`admit`] ask `kumiai_core::reach::can_see`.
//! - Lists, counts, exports, joined names: a [`VisibleFilter`] is the SQL twin of `can_see` (a test
//!   runs both over the same rows); rows selected through it are admitted with [`VisibleFilter::admit`].
//! - The search index's hits are admitted through [`admit_as`], which asks `can_see` again.
//!
//! Every admission is written to the request's ledger, which the web shell checks before a page
//! that links to records goes out.

use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult, FieldError};
use crate::record::{Identified, Reachable, fetch_inner};
use kumiai_core::{Access, OrgId, Reach, Viewer, time};
pub use kumiai_core::reach::{can_edit, can_see};
use serde::Serialize;

/// A value the reach layer let through for this viewer. Templates, exports, the API and feeds
/// take these; only this module makes them.
#[derive(Clone, Debug)]
pub struct Visible<T> {
    inner: T,
    access: Option<Access>,
}

impl<T> Visible<T> {
    /// The record's access, when it was loaded whole (not from a list row).
    pub fn access(&self) -> Option<&Access> {
        self.access.as_ref()
    }
    /// Whether `viewer` may change it (false for list rows, whose access is not loaded).
    pub fn can_edit(&self, viewer: &Viewer, now_ms: i64) -> bool {
        self.access.as_ref().is_some_and(|a| can_edit(viewer, a, now_ms))
    }
    pub fn get(&self) -> &T {
        &self.inner
    }
    pub fn into_inner(self) -> T {
        self.inner
    }
    /// A value derived from the admitted record (a narrower view of it), admitted with it.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Visible<U> {
        Visible { inner: f(self.inner), access: self.access }
    }
}

impl<T> std::ops::Deref for Visible<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: Serialize> Serialize for Visible<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.inner.serialize(s)
    }
}

/// Lets `record` through if `viewer` may see it.
pub fn admit<R: Reachable>(viewer: &Viewer, record: R, shared_with: Vec<OrgId>, now_ms: i64) -> Option<Visible<R>> {
    let access = record.access(shared_with);
    let id = record.id();
    admit_as(viewer, R::ENTITY, id, access, now_ms, record)
}

/// Lets `value` (something shown for record `entity:id`, such as a search hit) through if
/// `viewer` may see a record with `access`.
pub fn admit_as<T>(viewer: &Viewer, entity: &str, id: i64, access: Access, now_ms: i64, value: T) -> Option<Visible<T>> {
    if !can_see(viewer, &access, now_ms) {
        return None;
    }
    viewer.ledger().admit(entity, id);
    Some(Visible { inner: value, access: Some(access) })
}

/// The record and its access, or NotFound when it is missing or the viewer may not see it: the
/// same answer, so no response confirms that a hidden record exists.
pub async fn load_visible<R: Reachable>(db: &Db, viewer: &Viewer, id: i64, now_ms: i64) -> AppResult<Visible<R>> {
    let (record, shared) = stored::<R>(db, id).await?.ok_or(AppError::NotFound)?;
    admit(viewer, record, shared, now_ms).ok_or(AppError::NotFound)
}

/// A record and its shares as stored, unchecked: read once per change (see `cache`).
async fn stored<R: Reachable>(db: &Db, id: i64) -> sqlx::Result<Option<(R, Vec<OrgId>)>> {
    let weigh = |v: &Option<(R, Vec<OrgId>)>| v.as_ref().map_or(64, |(r, s)| r.weight() + 8 * s.len());
    db.caches
        .current_weighed(format!("{}:{id}", R::ENTITY), weigh, || async {
            let Some(record) = fetch_inner::<R>(&db.pool, id).await? else { return Ok(None) };
            let shared = if R::SHARED { shares(db, R::ENTITY, id).await? } else { vec![] };
            Ok(Some((record, shared)))
        })
        .await
}

/// The viewer's reach as a SQL condition over one aliased table, and the admission of the rows it
/// selected.
pub struct VisibleFilter {
    sql: String,
    entity: &'static str,
    viewer: Viewer,
}

/// Reach-bearing tables have the columns `id, reach, scope_org_id, embargo_until, owner_org_id`;
/// `entity` names the record kind in `record_shares`.
pub fn filter(viewer: &Viewer, alias: &str, entity: &'static str, now_ms: i64) -> VisibleFilter {
    VisibleFilter { sql: visible_sql(viewer, alias, entity, now_ms), entity, viewer: viewer.clone() }
}

impl VisibleFilter {
    /// The condition, to put in a `WHERE` (or a `CASE WHEN` for a joined record).
    pub fn sql(&self) -> &str {
        &self.sql
    }
    /// Rows selected through this filter.
    pub fn admit<T: Identified>(&self, rows: Vec<T>) -> Vec<Visible<T>> {
        rows.into_iter().map(|r| self.admit_one(r)).collect()
    }
    pub fn admit_one<T: Identified>(&self, row: T) -> Visible<T> {
        debug_assert_eq!(T::ENTITY, self.entity, "rows admitted through another entity's filter");
        self.viewer.ledger().admit(self.entity, row.id());
        Visible { inner: row, access: None }
    }
    /// Notes ids that this filter let through inside a larger row (a visible parent's id joined
    /// with `CASE WHEN <filter> THEN p.id END`), so pages may link to them.
    pub fn vouch(&self, ids: impl IntoIterator<Item = i64>) {
        self.viewer.ledger().note_decision();
        for id in ids {
            self.viewer.ledger().admit(self.entity, id);
        }
    }
}

/// The viewer's reach as a search index needs it to build its own filter, the index's twin of
/// [`filter`] (a test runs both against `can_see`). Asking counts as a reach decision; the hits
/// are then admitted one by one with [`admit_as`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexReach {
    /// The head office and the system.
    Everything,
    /// Anonymous: public, unlimited, not embargoed.
    Public,
    /// A user: their organisation's own records; shared with it or within the reaches its tier
    /// sees and inside its subtree, once any embargo has lifted.
    Member { org: OrgId, reaches: &'static [Reach], path: Vec<OrgId> },
}

pub fn index_reach(viewer: &Viewer) -> IndexReach {
    viewer.ledger().note_decision();
    if viewer.is_hq() {
        return IndexReach::Everything;
    }
    match viewer.account() {
        None => IndexReach::Public,
        Some(a) => IndexReach::Member { org: a.org_id, reaches: a.tier.sees(), path: a.org_path.clone() },
    }
}

fn visible_sql(viewer: &Viewer, alias: &str, entity: &str, now_ms: i64) -> String {
    viewer.ledger().note_decision();
    assert!(entity.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "entity is a code constant");
    assert!(alias.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "alias is a code constant");
    let a = alias;
    let lifted = format!("({a}.embargo_until IS NULL OR {a}.embargo_until <= {})", kumiai_core::reach::embargo_clock(now_ms));
    if viewer.is_hq() {
        return "(1 = 1)".into();
    }
    let Some(acct) = viewer.account() else {
        return format!("({a}.reach = 'public' AND {a}.scope_org_id IS NULL AND {lifted})");
    };
    let org = acct.org_id;
    let reaches: Vec<String> = acct.tier.sees().iter().map(|r| format!("'{}'", r.as_str())).collect();
    let path: Vec<String> = acct.org_path.iter().map(OrgId::to_string).collect();
    format!(
        "({a}.owner_org_id = {org} OR ({lifted} AND ({a}.id IN (SELECT record_id FROM record_shares WHERE entity = '{entity}' AND org_id = {org}) \
         OR ({a}.reach IN ({}) AND ({a}.scope_org_id IS NULL OR {a}.scope_org_id IN ({}))))))",
        reaches.join(", "),
        path.join(", ")
    )
}

/// '/1/2/37/' → [1, 2, 37]
pub fn parse_path(path: &str) -> Vec<OrgId> {
    path.split('/').filter_map(|s| s.parse().ok()).map(OrgId).collect()
}

pub fn format_path(ids: &[OrgId]) -> String {
    let mut s = String::from("/");
    for id in ids {
        s.push_str(&id.to_string());
        s.push('/');
    }
    s
}

/// A record's access from its reach columns and its owner's materialised path.
pub fn access(reach: Reach, scope_org: Option<OrgId>, embargo_until: Option<i64>, owner_org: Option<OrgId>, owner_path: Option<&str>, shared_with: Vec<OrgId>) -> Access {
    Access {
        reach,
        scope_org,
        embargo_until,
        // A record without an owner (only the very first, the head office, before it owns itself).
        owner_org: owner_org.unwrap_or_default(),
        owner_path: owner_path.map(parse_path).unwrap_or_default(),
        shared_with,
    }
}

/// Joins a record's owner (as `ow`) so its access can carry the owner's path: every reachable
/// record's `SELECT` uses it, so no module names the organisation tree itself.
#[macro_export]
macro_rules! owner_path_join {
    ($alias:literal) => {
        concat!("LEFT JOIN organisations ow ON ow.id = ", $alias, ".owner_org_id")
    };
}

/// Every share of an entity's records: (record id, organisation).
pub async fn all_shares(db: &Db, entity: &str) -> sqlx::Result<Vec<(i64, OrgId)>> {
    sqlx::query_as("SELECT record_id, org_id FROM record_shares WHERE entity = $1 ORDER BY record_id, org_id").bind(entity.to_string()).fetch_all(&db.pool).await
}

/// The organisations a record is shared with.
pub async fn shares(db: &Db, entity: &str, record_id: i64) -> sqlx::Result<Vec<OrgId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT org_id FROM record_shares WHERE entity = $1 AND record_id = $2 ORDER BY org_id")
        .bind(entity.to_string())
        .bind(record_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(ids.into_iter().map(OrgId).collect())
}

pub(crate) async fn shares_tx(tx: &mut Tx, entity: &str, record_id: i64) -> sqlx::Result<Vec<OrgId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT org_id FROM record_shares WHERE entity = $1 AND record_id = $2 ORDER BY org_id")
        .bind(entity.to_string())
        .bind(record_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(ids.into_iter().map(OrgId).collect())
}

/// Written only by the audited write path, in the transaction of the change it belongs to.
pub(crate) async fn replace_shares(tx: &mut Tx, entity: &str, record_id: i64, orgs: &[OrgId]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM record_shares WHERE entity = $1 AND record_id = $2")
        .bind(entity.to_string())
        .bind(record_id)
        .execute(&mut **tx)
        .await?;
    let mut orgs = orgs.to_vec();
    orgs.sort();
    orgs.dedup();
    for org in orgs {
        sqlx::query("INSERT INTO record_shares (entity, record_id, org_id) VALUES ($1, $2, $3)")
            .bind(entity.to_string())
            .bind(record_id)
            .bind(org.get())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Checks reach, subtree and embargo, pushing located errors. A reach must be chosen: a missing
/// one is an error, never a default, so no write widens or narrows a record by omission.
pub fn check_fields(reach: &str, scope: &str, embargo_until: &str, errs: &mut Vec<FieldError>) -> (Option<Reach>, Option<i64>) {
    let reach = Reach::parse(reach);
    if reach.is_none() {
        errs.push(FieldError::new("reach", "情報到達範囲を選んでください（本部内・産別・傘下組合・組織外）。", "Choose a reach (hq, industrial, affiliates, public)."));
    }
    if reach == Some(Reach::Public) && !scope.trim().is_empty() {
        errs.push(FieldError::new(
            "scope",
            "組織外公開の記録は範囲を限定できません。範囲を空にするか、情報到達範囲を変えてください。",
            "A public record cannot be limited to a subtree: clear the subtree or narrow the reach.",
        ));
    }
    let embargo = if embargo_until.trim().is_empty() {
        None
    } else {
        let t = time::parse_ms(embargo_until);
        if t.is_none() {
            errs.push(FieldError::refused("embargo_until", embargo_until, "解禁日時は 2026-03-12T10:00 の形で入力してください。", "Write the embargo lift time as 2026-03-12T10:00."));
        }
        t
    };
    (reach, embargo)
}
