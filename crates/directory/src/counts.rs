//! Member and dues-paying counts per organisation and fiscal year (the federation's year, named
//! as the calendar names it: 2027 = 2027年度). They are part of the organisation's record: whoever
//! sees the organisation sees its counts, whoever may edit it may record them. Each year is a row,
//! so the rows are the history; each change is audited.

use crate::Key;
use crate::org::{self, Organisation};
use kumiai_core::{CountId, FiscalYear, OrgId, Viewer};
use kumiai_platform::audit::{self, Actor};
use kumiai_platform::db::Db;
use kumiai_platform::text::{fold, parse_int};
use kumiai_platform::{AppError, AppResult, FieldError, Record, Visible};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

pub const ENTITY: &str = "member_count";

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct MemberCount {
    pub id: CountId,
    pub org_id: OrgId,
    pub fiscal_year: i64,
    pub members: i64,
    pub dues_paying: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
}

impl MemberCount {
    pub fn year(&self) -> FiscalYear {
        FiscalYear(self.fiscal_year as i32)
    }
}

kumiai_platform::identified!(ENTITY => MemberCount);

impl Record for MemberCount {
    const TABLE: &'static str = "member_counts";
    const SELECT: &'static str = "SELECT c.id, c.org_id, c.fiscal_year, c.members, c.dues_paying, c.version, c.updated_at FROM member_counts c";
    const ALIAS: &'static str = "c";
    const ORG_REFS: &'static [&'static str] = &["org_id"];

    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("org_id", "組織", "Organisation"),
        ("fiscal_year", "年度", "Fiscal year"),
        ("members", "組合員数", "Members"),
        ("dues_paying", "会費納入人員", "Dues-paying members"),
    ];    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"org_id": self.org_id, "fiscal_year": self.fiscal_year, "members": self.members, "dues_paying": self.dues_paying, "version": self.version})
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CountInput {
    #[serde(deserialize_with = "kumiai_platform::web::text_or_number")]
    pub fiscal_year: String,
    #[serde(deserialize_with = "kumiai_platform::web::text_or_number")]
    pub members: String,
    #[serde(deserialize_with = "kumiai_platform::web::text_or_number")]
    pub dues_paying: String,
    /// The version the change is based on; empty for a year not yet recorded.
    pub version: Option<i64>,
}

/// The counts of an organisation the caller has let through the reach layer, newest year first.
pub async fn of_org(db: &Db, org: &Visible<Organisation>) -> sqlx::Result<Vec<MemberCount>> {
    db.fetch_cached(format!("{} WHERE c.org_id = $1 ORDER BY c.fiscal_year DESC", MemberCount::SELECT), &[org.id.get().into()]).await
}

pub(crate) async fn of_year(db: &Db, org: OrgId, fy: i64) -> sqlx::Result<Option<MemberCount>> {
    Ok(db.fetch_cached(format!("{} WHERE c.org_id = $1 AND c.fiscal_year = $2", MemberCount::SELECT), &[org.get().into(), fy.into()]).await?.pop())
}

fn parse_count(field: &str, s: &str, required: bool, errs: &mut Vec<FieldError>) -> Option<i64> {
    if s.trim().is_empty() {
        if required {
            errs.push(FieldError::new(field, "人数を入力してください。", "Enter a number."));
        }
        return None;
    }
    match parse_int(s) {
        Some(n) if (0..=10_000_000).contains(&n) => Some(n),
        _ => {
            errs.push(FieldError::refused(field, s, "人数は0以上1000万以下の整数で入力してください。", "Enter a whole number from 0 to 10,000,000."));
            None
        }
    }
}

/// A fiscal year as people write it: 2027, ２０２７, 2027年度, FY2027, 令和9年度.
pub fn parse_fiscal_year(s: &str) -> Option<i64> {
    let t = fold(s);
    let t = t.trim_end_matches("年度").trim_start_matches("FY").trim_start_matches("fy").trim();
    for (era, base) in [("令和", 2018), ("平成", 1988), ("昭和", 1925)] {
        if let Some(n) = t.strip_prefix(era) {
            let n = if n.trim() == "元" { 1 } else { n.trim().parse::<i64>().ok()? };
            return Some(base + n);
        }
    }
    t.parse().ok()
}

pub struct CheckedCount {
    pub fiscal_year: i64,
    pub members: i64,
    pub dues_paying: Option<i64>,
}

pub fn check(input: &CountInput) -> Result<CheckedCount, Vec<FieldError>> {
    let mut errs = vec![];
    let fy = match parse_fiscal_year(&input.fiscal_year) {
        Some(y) if (1950..=2100).contains(&y) => Some(y),
        _ => {
            errs.push(FieldError::refused("fiscal_year", &input.fiscal_year, "年度を西暦の4桁で入力してください（例：2027）。", "Enter the fiscal year as four digits (e.g. 2027)."));
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

/// Writes one year's counts in `tx`: inserts a new year, updates an existing one if it really
/// changes (`expected_version` must be current), and leaves an unchanged one alone. Returns
/// whether anything was written.
pub(crate) async fn write(tx: &mut kumiai_platform::db::Tx, actor: &Actor, org_id: OrgId, c: &CheckedCount, existing: Option<&MemberCount>, expected_version: i64) -> Result<bool, audit::UpdateError> {
    let fields = [("members", c.members.into()), ("dues_paying", c.dues_paying.into())];
    match existing {
        None => {
            let mut f = fields.to_vec();
            f.extend([("org_id", org_id.into()), ("fiscal_year", c.fiscal_year.into())]);
            audit::insert::<MemberCount>(tx, actor, &f, None).await?;
            Ok(true)
        }
        Some(e) if e.members == c.members && e.dues_paying == c.dues_paying => Ok(false),
        Some(e) => {
            audit::update(tx, actor, e, expected_version, &fields, None, "update").await?;
            Ok(true)
        }
    }
}

/// Records the counts of one year. A new year is inserted; an existing one needs the version the
/// change was based on.
pub async fn save(db: &Db, viewer: &Viewer, org_id: OrgId, input: &CountInput, now: i64) -> AppResult<()> {
    let o = org::store::load_visible(db, viewer, org_id, now).await?;
    if !o.can_edit(viewer, now) {
        return Err(AppError::Forbidden);
    }
    let c = check(input).map_err(AppError::Validation)?;
    let existing = of_year(db, o.id, c.fiscal_year).await?;
    let expected = input.version.unwrap_or(0);
    let mut tx = db.begin().await?;
    match write(&mut tx, &Actor::of(viewer), o.id, &c, existing.as_ref(), expected).await {
        Ok(_) => {
            db.commit(tx).await?;
            Ok(())
        }
        Err(e) => {
            drop(tx);
            let id = existing.map(|e| e.id.get()).unwrap_or_default();
            let fields = [("members", c.members.into()), ("dues_paying", c.dues_paying.into())];
            Err(audit::answer::<MemberCount>(e, db, viewer, id, &fields, None, expected, now).await)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_counts_as_people_type_them() {
        for (text, year) in [("2027", 2027), ("２０２７", 2027), ("2027年度", 2027), ("FY2027", 2027), ("令和9年度", 2027), ("令和元年度", 2019), ("平成30", 2018)] {
            assert_eq!(parse_fiscal_year(text), Some(year), "{text}");
        }
        let ok = check(&CountInput { fiscal_year: "２０２７".into(), members: "１５，５００".into(), dues_paying: "15,000".into(), version: None }).unwrap();
        assert_eq!((ok.fiscal_year, ok.members, ok.dues_paying), (2027, 15_500, Some(15_000)));
        let errs = check(&CountInput { fiscal_year: "来年".into(), members: "99999999999".into(), ..Default::default() }).err().unwrap();
        assert!(errs[0].message.ja.contains("来年") && errs[1].message.en.contains("99999999999"), "{errs:?}");
    }
}
