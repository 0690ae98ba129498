//! The enforcement layer's storage half. [`visible_sql`] turns a viewer into a SQL condition that
//! selects exactly the rows `kumiai_core::reach::can_see` accepts (a test runs both over the same
//! rows); listings, counts, exports and search all filter with it. Every function here raises the
//! viewer's checked flag, like the core functions do.

pub use kumiai_core::reach::{can_edit, can_see};
use kumiai_core::{Access, Reach, Viewer, time};
use crate::FieldError;

use crate::db::{Db, Tx};

/// Reach-bearing tables have these columns: `id, reach, scope_org_id, embargo_until, owner_org_id`.
/// `entity` names the record kind in `record_shares`; it must be a code constant.
pub fn visible_sql(viewer: &Viewer, alias: &str, entity: &str, now_ms: i64) -> String {
    viewer.mark_checked();
    assert!(entity.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "entity is a code constant");
    let a = alias;
    let lifted = format!("({a}.embargo_until IS NULL OR {a}.embargo_until <= {now_ms})");
    let Some(acct) = &viewer.account else {
        return format!("({a}.reach = 'public' AND {a}.scope_org_id IS NULL AND {lifted})");
    };
    if acct.tier == kumiai_core::Tier::Hq {
        return "(1 = 1)".into();
    }
    let org = acct.org_id;
    let reaches: Vec<String> = acct.tier.sees().iter().map(|r| format!("'{}'", r.as_str())).collect();
    let path: Vec<String> = acct.org_path.iter().map(i64::to_string).collect();
    format!(
        "({a}.owner_org_id = {org} OR ({lifted} AND ({a}.id IN (SELECT record_id FROM record_shares WHERE entity = '{entity}' AND org_id = {org}) \
         OR ({a}.reach IN ({}) AND ({a}.scope_org_id IS NULL OR {a}.scope_org_id IN ({}))))))",
        reaches.join(", "),
        path.join(", ")
    )
}

/// '/1/2/37/' → [1, 2, 37]
pub fn parse_path(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}

pub fn format_path(ids: &[i64]) -> String {
    let mut s = String::from("/");
    for id in ids {
        s.push_str(&id.to_string());
        s.push('/');
    }
    s
}

/// The reach columns of one row, as selected by modules (`owner_path` joined from the owner org).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccessRow {
    pub reach: String,
    pub scope_org_id: Option<i64>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<i64>,
    pub owner_path: Option<String>,
}

impl AccessRow {
    /// From a record's reach columns (each record type keeps its own copy of them).
    pub fn of(reach: &str, scope_org_id: Option<i64>, embargo_until: Option<i64>, owner_org_id: Option<i64>, owner_path: Option<&str>) -> AccessRow {
        AccessRow { reach: reach.to_string(), scope_org_id, embargo_until, owner_org_id, owner_path: owner_path.map(str::to_string) }
    }

    pub fn into_access(self, shared_with: Vec<i64>) -> Access {
        Access {
            // An unknown value can only come from a bad manual edit; treat it as the narrowest.
            reach: Reach::parse(&self.reach).unwrap_or(Reach::Hq),
            scope_org: self.scope_org_id,
            embargo_until: self.embargo_until,
            owner_org: self.owner_org_id.unwrap_or(0),
            owner_path: self.owner_path.as_deref().map(parse_path).unwrap_or_default(),
            shared_with,
        }
    }
}

pub async fn shares(db: &Db, entity: &str, record_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT org_id FROM record_shares WHERE entity = $1 AND record_id = $2 ORDER BY org_id")
        .bind(entity.to_string())
        .bind(record_id)
        .fetch_all(&db.pool)
        .await
}

pub async fn replace_shares(tx: &mut Tx, entity: &str, record_id: i64, orgs: &[i64]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM record_shares WHERE entity = $1 AND record_id = $2")
        .bind(entity.to_string())
        .bind(record_id)
        .execute(&mut **tx)
        .await?;
    for org in orgs {
        sqlx::query("INSERT INTO record_shares (entity, record_id, org_id) VALUES ($1, $2, $3)")
            .bind(entity.to_string())
            .bind(record_id)
            .bind(*org)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Checks the three fields, pushing located errors. An empty reach means Affiliates.
pub fn check_fields(reach: &str, scope: &str, embargo_until: &str, errs: &mut Vec<FieldError>) -> (Option<Reach>, Option<i64>) {
    let reach = if reach.trim().is_empty() { Some(Reach::Affiliates) } else { Reach::parse(reach) };
    if reach.is_none() {
        errs.push(FieldError::new("reach", "公開範囲を選んでください（本部内・産別・傘下組合・組織外）。", "Choose a reach (hq, industrial, affiliates, public)."));
    }
    if reach == Some(Reach::Public) && !scope.trim().is_empty() {
        errs.push(FieldError::new(
            "scope",
            "組織外公開の記録は範囲を限定できません。範囲を空にするか、公開範囲を変えてください。",
            "A public record cannot be limited to a subtree: clear the subtree or narrow the reach.",
        ));
    }
    let embargo = if embargo_until.trim().is_empty() {
        None
    } else {
        let t = time::parse_ms(embargo_until);
        if t.is_none() {
            errs.push(FieldError::new("embargo_until", "解禁日時は 2026-03-12T10:00 の形で入力してください。", "Write the embargo lift time as 2026-03-12T10:00."));
        }
        t
    };
    (reach, embargo)
}
