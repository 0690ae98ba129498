//! Member and dues-paying counts per organisation and fiscal year. They are part of the
//! organisation's record: whoever sees the organisation sees its counts, whoever may edit it may
//! record them. Each year is a row, so the table of rows is the history; each change is audited.

use crate::org;
use kumiai_core::Viewer;
use kumiai_platform::audit::{self, Actor, UpdateError};
use kumiai_platform::db::Db;
use kumiai_platform::reach::can_edit;
use kumiai_platform::{AppError, AppResult, FieldError};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

pub const ENTITY: &str = "member_count";

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct MemberCount {
    pub id: i64,
    pub org_id: i64,
    pub fiscal_year: i64,
    pub members: i64,
    pub dues_paying: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CountInput {
    pub fiscal_year: String,
    pub members: String,
    pub dues_paying: String,
    /// The version the change is based on; empty for a year not yet recorded.
    pub version: Option<i64>,
}

pub async fn of_org(db: &Db, org_id: i64) -> sqlx::Result<Vec<MemberCount>> {
    sqlx::query_as("SELECT id, org_id, fiscal_year, members, dues_paying, version, updated_at FROM member_counts WHERE org_id = $1 ORDER BY fiscal_year DESC")
        .bind(org_id)
        .fetch_all(&db.pool)
        .await
}

fn parse_count(field: &str, s: &str, required: bool, errs: &mut Vec<FieldError>) -> Option<i64> {
    let t: String = s.trim().chars().filter(|c| *c != ',' && *c != '，').collect();
    if t.is_empty() {
        if required {
            errs.push(FieldError::new(field, "人数を入力してください。", "Enter a number."));
        }
        return None;
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=10_000_000).contains(&n) => Some(n),
        _ => {
            errs.push(FieldError::new(field, "人数は0以上の整数で入力してください。", "Enter a whole number of 0 or more."));
            None
        }
    }
}

pub struct CheckedCount {
    pub fiscal_year: i64,
    pub members: i64,
    pub dues_paying: Option<i64>,
}

pub fn check(input: &CountInput) -> Result<CheckedCount, Vec<FieldError>> {
    let mut errs = vec![];
    let fy = match input.fiscal_year.trim().trim_end_matches("年度").trim_start_matches("FY").parse::<i64>() {
        Ok(y) if (1950..=2100).contains(&y) => Some(y),
        _ => {
            errs.push(FieldError::new("fiscal_year", "年度を西暦の4桁で入力してください（例：2026）。", "Enter the fiscal year as four digits (e.g. 2026)."));
            None
        }
    };
    let members = parse_count("members", &input.members, true, &mut errs);
    let dues = parse_count("dues_paying", &input.dues_paying, false, &mut errs);
    if let (Some(m), Some(d)) = (members, dues)
        && d > m
    {
        errs.push(FieldError::new("dues_paying", "会費納入人員が組合員数を超えています。", "Dues-paying members exceed the member count."));
    }
    match (fy, members) {
        (Some(fiscal_year), Some(members)) if errs.is_empty() => Ok(CheckedCount { fiscal_year, members, dues_paying: dues }),
        _ => Err(errs),
    }
}

/// Records the counts of one year. A new year is inserted; an existing one needs the version the
/// change was based on.
pub async fn save(db: &Db, viewer: &Viewer, org_id: i64, input: &CountInput, now: i64) -> AppResult<i64> {
    let (o, access) = org::store::load_visible(db, viewer, org_id, now).await?;
    if !can_edit(viewer, &access, now) {
        return Err(AppError::Forbidden);
    }
    let c = check(input).map_err(AppError::Validation)?;
    let existing: Option<MemberCount> = sqlx::query_as(
        "SELECT id, org_id, fiscal_year, members, dues_paying, version, updated_at FROM member_counts WHERE org_id = $1 AND fiscal_year = $2",
    )
    .bind(o.id)
    .bind(c.fiscal_year)
    .fetch_optional(&db.pool)
    .await?;
    let after = serde_json::json!({"org": o.code, "fiscal_year": c.fiscal_year, "members": c.members, "dues_paying": c.dues_paying});
    let mut tx = db.begin().await?;
    let actor = Actor::of(viewer);
    let fields = [("members", c.members.into()), ("dues_paying", c.dues_paying.into())];
    let result = match &existing {
        None => {
            let mut f = fields.to_vec();
            f.extend([("org_id", o.id.into()), ("fiscal_year", c.fiscal_year.into())]);
            audit::insert(&mut tx, &actor, ENTITY, "member_counts", &f, &after).await.map_err(AppError::from)
        }
        Some(e) => {
            let before = serde_json::json!({"org": o.code, "fiscal_year": e.fiscal_year, "members": e.members, "dues_paying": e.dues_paying, "version": e.version});
            match audit::update(&mut tx, &actor, ENTITY, "member_counts", e.id, input.version.unwrap_or(0), &fields, "update", &before, &after).await {
                Ok(_) => Ok(e.id),
                Err(UpdateError::Stale(_)) => Err(AppError::Conflict { yours: after.clone(), current: before }),
                Err(UpdateError::Db(e)) => Err(e.into()),
            }
        }
    };
    let id = result?;
    tx.commit().await?;
    Ok(id)
}
