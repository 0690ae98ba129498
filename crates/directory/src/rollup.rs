//! An industrial union's (or the head office's) enterprise unions' counts added up, year by
//! year, next to its own reported figure: the federation compares the two. Only the unions the
//! reader may see are added, and the table says how many reported.

use crate::org::{ENTITY, Organisation};
use kumiai_core::{OrgKind, Viewer};
use kumiai_platform::db::Db;
use kumiai_platform::{Visible, reach};

/// One year's sum over the unions below.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Rollup {
    pub fiscal_year: i64,
    pub members: i64,
    /// How many unions' counts make the sum.
    pub reporting: i64,
}

/// Whether `kind` reports a figure of its own that its unions' counts add up to.
pub fn rolls_up(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::IndustrialUnion | OrgKind::HeadOffice)
}

/// The sums by year (newest first) of the counts of the enterprise unions under `org` that the
/// viewer may see, and how many such unions there are now.
pub async fn of(db: &Db, viewer: &Viewer, org: &Visible<Organisation>, now: i64) -> sqlx::Result<(Vec<Rollup>, i64)> {
    if !rolls_up(org.kind) {
        return Ok((vec![], 0));
    }
    let f = reach::filter(viewer, "e", ENTITY, now);
    let under = format!("e.kind = 'enterprise_union' AND e.archived_at IS NULL AND e.path LIKE $1 AND {}", f.sql());
    let pattern = format!("{}%", org.path);
    let sums: Vec<Rollup> = db
        .fetch_cached(
            format!("SELECT c.fiscal_year, CAST(SUM(c.members) AS BIGINT) AS members, COUNT(*) AS reporting FROM organisations e JOIN member_counts c ON c.org_id = e.id WHERE {under} GROUP BY c.fiscal_year ORDER BY c.fiscal_year DESC"),
            &[pattern.clone().into()],
        )
        .await?;
    let unions: Vec<(i64,)> = db.fetch_cached(format!("SELECT COUNT(*) FROM organisations e WHERE {under}"), &[pattern.into()]).await?;
    Ok((sums, unions.first().map_or(0, |u| u.0)))
}

/// Unions a grid holds at most (the largest industrial union has about 1,000).
const GRID_MOST: i64 = 2000;

/// One union of the counts grid, with the year's counts if recorded.
#[derive(Clone, sqlx::FromRow)]
pub struct GridRow {
    pub id: i64,
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
    pub members: Option<i64>,
    pub dues_paying: Option<i64>,
    pub version: Option<i64>,
}

impl GridRow {
    pub fn name(&self, l: kumiai_core::Lang) -> &str {
        if l == kumiai_core::Lang::En && !self.name_en.is_empty() { &self.name_en } else { &self.name_ja }
    }
}

/// The enterprise unions under `org` the viewer may see, with their counts for `year`.
pub async fn grid(db: &Db, viewer: &Viewer, org: &Visible<Organisation>, year: i64, now: i64) -> sqlx::Result<Vec<GridRow>> {
    let f = reach::filter(viewer, "e", ENTITY, now);
    let sql = format!(
        "SELECT e.id, e.code, e.name_ja, e.name_en, c.members, c.dues_paying, c.version FROM organisations e \
         LEFT JOIN member_counts c ON c.org_id = e.id AND c.fiscal_year = $2 \
         WHERE e.kind = 'enterprise_union' AND e.archived_at IS NULL AND e.path LIKE $1 AND {} ORDER BY e.sort_key, e.id LIMIT {GRID_MOST}",
        f.sql()
    );
    let rows: Vec<GridRow> = db.fetch_cached(sql, &[format!("{}%", org.path).into(), year.into()]).await?;
    f.vouch(rows.iter().map(|r| r.id));
    Ok(rows)
}
