//! The directory's reference API: what every other module needs from it, always as the viewer
//! may see it. Modules resolve organisations and people here, never through the tables.
//!
//! - an organisation or a person by id or code ([`org`], [`org_by_code`], [`orgs_by_code`], [`person`]),
//!   and an organisation's people ([`people_of`]);
//! - organisations' names for facets and labels ([`names`]);
//! - the subtree of an organisation ([`subtree`]) and the industrial union of an enterprise union
//!   ([`industrial_union_of`]);
//! - size-band inputs: member counts by fiscal year ([`member_counts`], [`member_count`]).

use crate::counts::{self, MemberCount};
use crate::org::store::{self as org_store, OrgName};
use crate::org::{ENTITY, Organisation};
use crate::people::{Person, store as people_store};
use kumiai_core::{FiscalYear, OrgId, OrgKind, PersonId, Viewer};
use kumiai_platform::db::Db;
use kumiai_platform::reach;
use kumiai_platform::{AppError, AppResult, Visible};
use std::collections::HashMap;

pub use crate::org::store::OrgName as OrgSummary;

/// An organisation the viewer may see; NotFound (as for a missing one) otherwise.
pub async fn org(db: &Db, viewer: &Viewer, id: OrgId, now: i64) -> AppResult<Visible<Organisation>> {
    org_store::load_visible(db, viewer, id, now).await
}

/// By code: a code the viewer may not see answers NotFound, like a code nobody has.
pub async fn org_by_code(db: &Db, viewer: &Viewer, code: &str, now: i64) -> AppResult<Visible<Organisation>> {
    let o = org_store::by_code(db, code).await?.ok_or(AppError::NotFound)?;
    org_store::load_visible(db, viewer, o.id, now).await
}

/// The organisations among `codes` the viewer may see, by code.
pub async fn orgs_by_code(db: &Db, viewer: &Viewer, codes: &[String], now: i64) -> sqlx::Result<HashMap<String, Visible<OrgSummary>>> {
    let f = reach::filter(viewer, "o", ENTITY, now);
    let mut out = HashMap::new();
    for chunk in codes.chunks(500) {
        if chunk.is_empty() {
            continue;
        }
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT o.id, o.code, o.kind, o.name_ja, o.name_en FROM organisations o WHERE o.code IN ({}) AND {}", marks.join(", "), f.sql());
        let vals: Vec<kumiai_platform::audit::Val> = chunk.iter().map(|c| c.trim().to_string().into()).collect();
        let rows: Vec<OrgName> = db.fetch_cached(sql, &vals).await?;
        for row in f.admit(rows) {
            out.insert(row.code.clone(), row);
        }
    }
    Ok(out)
}

/// Names of the organisations among `ids` the viewer may see (the others are left out).
pub async fn names(db: &Db, viewer: &Viewer, ids: &[OrgId], now: i64) -> sqlx::Result<Vec<Visible<OrgSummary>>> {
    org_store::names(db, viewer, ids, now).await
}

/// The visible organisations at or under `org` (itself first, then by path), up to `limit`.
pub async fn subtree(db: &Db, viewer: &Viewer, org: &Visible<Organisation>, limit: i64, now: i64) -> sqlx::Result<Vec<Visible<OrgSummary>>> {
    let f = reach::filter(viewer, "o", ENTITY, now);
    let sql = format!(
        "SELECT o.id, o.code, o.kind, o.name_ja, o.name_en FROM organisations o WHERE o.path LIKE $1 AND o.archived_at IS NULL AND {} ORDER BY o.path LIMIT $2",
        f.sql()
    );
    let rows: Vec<OrgName> = db.fetch_cached(sql, &[format!("{}%", org.path).into(), limit.clamp(1, 100_000).into()]).await?;
    Ok(f.admit(rows))
}

/// The industrial union an enterprise union belongs to (its nearest industrial-union ancestor),
/// if the viewer may see it.
pub async fn industrial_union_of(db: &Db, viewer: &Viewer, org: &Visible<Organisation>, now: i64) -> sqlx::Result<Option<Visible<OrgSummary>>> {
    if org.kind == OrgKind::IndustrialUnion {
        return Ok(names(db, viewer, &[org.id], now).await?.pop());
    }
    let ancestors = names(db, viewer, &org.ancestors(), now).await?;
    Ok(ancestors.into_iter().rev().find(|a| a.kind == OrgKind::IndustrialUnion))
}

/// Member counts of an organisation the viewer may see, newest year first.
pub async fn member_counts(db: &Db, org: &Visible<Organisation>) -> sqlx::Result<Vec<MemberCount>> {
    counts::of_org(db, org).await
}

/// The member count of one fiscal year, if recorded (unknown stays unknown: None, never zero).
pub async fn member_count(db: &Db, org: &Visible<Organisation>, fy: FiscalYear) -> sqlx::Result<Option<MemberCount>> {
    counts::of_year(db, org.id, i64::from(fy.0)).await
}

/// A person the viewer may see; NotFound otherwise.
pub async fn person(db: &Db, viewer: &Viewer, id: PersonId, now: i64) -> AppResult<Visible<Person>> {
    people_store::load_visible(db, viewer, id, now).await
}

/// The people of an organisation the viewer may see, at most `limit` (for choosing who is
/// responsible for something).
pub async fn people_of(db: &Db, viewer: &Viewer, org: OrgId, limit: i64, now: i64) -> sqlx::Result<Vec<Visible<Person>>> {
    let q = people_store::PeopleQuery { org: Some(org), per_page: Some(limit), ..Default::default() };
    let (rows, _) = people_store::list(db, viewer, &q, now).await?;
    Ok(rows.into_iter().map(|r| r.map(|r| r.person)).collect())
}

/// A person's organisation name as the viewer may see it (None if hidden).
pub async fn person_org_name(db: &Db, viewer: &Viewer, p: &Visible<Person>, lang: kumiai_core::Lang, now: i64) -> sqlx::Result<Option<String>> {
    Ok(names(db, viewer, &[p.org_id], now).await?.pop().map(|o| o.name(lang).to_string()))
}

/// Which of `ids` name people the viewer may see.
pub async fn visible_people(db: &Db, viewer: &Viewer, ids: &[PersonId], now: i64) -> sqlx::Result<Vec<PersonId>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let f = reach::filter(viewer, "x", crate::people::ENTITY, now);
    let list: Vec<String> = ids.iter().map(PersonId::to_string).collect();
    let sql = format!("SELECT x.id FROM people x WHERE x.id IN ({}) AND {}", list.join(", "), f.sql());
    let seen: Vec<(i64,)> = db.fetch_cached(sql, &[]).await?;
    f.vouch(seen.iter().map(|p| p.0));
    Ok(seen.into_iter().map(|p| PersonId(p.0)).collect())
}
