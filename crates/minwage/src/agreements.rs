//! In-company minimum wage agreements (企業内最低賃金協定) of a wage round: those the wage round
//! holds (through its public API) and those imported here, each as an hourly figure compared with
//! the regional and industry minimum wages of the union's prefecture and with JCM's target.
//! A round in spring Y is compared with the minimum wages in force then: fiscal year Y − 1.

use crate::model::{Agreement, IndustryWage, Target, WageStatus};
use crate::store;
use kumiai_core::{OrgId, Viewer};
use kumiai_platform::Visible;
use kumiai_platform::db::Db;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    WageRound,
    Import,
}

#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub union_code: String,
    #[serde(skip)]
    pub org_id: OrgId,
    pub source: Source,
    pub prefecture_code: String,
    pub industry: String,
    pub monthly_yen: Option<i64>,
    pub hourly_yen: Option<i64>,
    /// The monthly amount over the target's monthly hours, to the nearest yen.
    pub hourly_equivalent_yen: Option<i64>,
    /// The hourly figure compared: the agreed hourly amount, else the equivalent.
    pub compared_hourly_yen: Option<i64>,
    pub regional_hourly_yen: Option<i64>,
    /// The named industry's wage in the prefecture, else the highest one there.
    pub industry_hourly_yen: Option<i64>,
    pub gap_regional_yen: Option<i64>,
    pub gap_industry_yen: Option<i64>,
    pub below_target: Option<bool>,
}

/// `monthly` ÷ (`tenths` / 10) hours, rounded to the nearest yen.
pub fn hourly_equivalent(monthly: i64, tenths: i64) -> Option<i64> {
    (tenths > 0).then(|| (monthly * 10 * 2 + tenths) / (tenths * 2))
}

/// Below target where any known figure is below it; unknown where nothing is known.
pub fn below_target(monthly: Option<i64>, hourly: Option<i64>, t: &Target) -> Option<bool> {
    let m = monthly.map(|m| m < t.monthly_yen);
    let h = hourly.map(|h| h < t.hourly_yen);
    match (m, h) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(false) || b.unwrap_or(false)),
    }
}

struct Stated {
    org: OrgId,
    code: String,
    source: Source,
    prefecture: String,
    industry: String,
    monthly: Option<i64>,
    hourly: Option<i64>,
}

/// The round's agreements the viewer may see, compared.
pub async fn lines(db: &Db, viewer: &Viewer, year: i64, now: i64) -> sqlx::Result<(Target, Vec<Visible<Line>>)> {
    let target = store::target(db, year).await?;
    let imported: HashMap<OrgId, Visible<Agreement>> = store::agreements(db, viewer, year, now).await?.into_iter().map(|a| (a.org_id, a)).collect();
    let mut stated: Vec<Visible<Stated>> = vec![];
    let mut seen = std::collections::HashSet::new();
    for a in kumiai_campaign::store::agreed_minimum_wages(db, viewer, year, now).await? {
        let here = imported.get(&a.org_id);
        seen.insert(a.org_id);
        // The wage round's amounts are the record; an import adds the prefecture and fills gaps.
        let (prefecture, industry) = here.map(|g| (g.prefecture_code.clone(), g.industry.clone())).unwrap_or_default();
        let (monthly, hourly) = (a.monthly_yen.or(here.and_then(|g| g.monthly_yen)), a.hourly_yen.or(here.and_then(|g| g.hourly_yen)));
        stated.push(a.map(|a| Stated { org: a.org_id, code: a.union_code, source: Source::WageRound, prefecture, industry, monthly, hourly }));
    }
    for (org, g) in imported {
        if seen.contains(&org) || (g.monthly_yen.is_none() && g.hourly_yen.is_none()) {
            continue;
        }
        stated.push(g.map(|g| Stated { org: g.org_id, code: g.union_code, source: Source::Import, prefecture: g.prefecture_code, industry: g.industry, monthly: g.monthly_yen, hourly: g.hourly_yen }));
    }
    let fy = year - 1;
    let regional = store::regional_years(db, fy).await?;
    let wages: Vec<IndustryWage> = store::wages(db, viewer, fy, now).await?.into_iter().map(Visible::into_inner).collect();
    let mut out: Vec<Visible<Line>> = stated.into_iter().map(|s| s.map(|s| compare(s, &target, &regional, &wages))).collect();
    out.sort_by(|a, b| a.union_code.cmp(&b.union_code));
    Ok((target, out))
}

fn compare(s: Stated, t: &Target, regional: &crate::analysis::RegionalYears, wages: &[IndustryWage]) -> Line {
    let eq = s.monthly.and_then(|m| hourly_equivalent(m, t.monthly_hours_tenths));
    let compared = s.hourly.or(eq);
    let reg = (!s.prefecture.is_empty()).then(|| regional.hourly(&s.prefecture)).flatten();
    let in_pref = wages.iter().filter(|w| w.prefecture_code == s.prefecture && w.wage_status() != Some(WageStatus::Abolished));
    let ind = if s.industry.is_empty() { in_pref.filter_map(|w| w.hourly_yen.or(w.previous_hourly_yen)).max() } else { in_pref.filter(|w| w.industry == s.industry).find_map(|w| w.hourly_yen.or(w.previous_hourly_yen)) };
    Line {
        union_code: s.code,
        org_id: s.org,
        source: s.source,
        prefecture_code: s.prefecture,
        industry: s.industry,
        monthly_yen: s.monthly,
        hourly_yen: s.hourly,
        hourly_equivalent_yen: eq,
        compared_hourly_yen: compared,
        regional_hourly_yen: reg,
        industry_hourly_yen: ind,
        gap_regional_yen: compared.zip(reg).map(|(a, b)| a - b),
        gap_industry_yen: compared.zip(ind).map(|(a, b)| a - b),
        below_target: below_target(s.monthly, compared, t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_to_hourly_and_the_target() {
        let t = Target { id: 0, year: 2022, monthly_yen: 193_000, hourly_yen: 1_200, monthly_hours_tenths: 1_610, version: 0 };
        // 193,000 / 161 = 1,198.76… → 1,199; JCM's target is 1,200 an hour, so this is below it.
        assert_eq!(hourly_equivalent(193_000, 1_610), Some(1_199));
        assert_eq!(hourly_equivalent(160_000, 1_633), Some(980));
        assert_eq!(below_target(Some(193_000), Some(1_199), &t), Some(true));
        assert_eq!(below_target(Some(195_000), Some(1_211), &t), Some(false));
        assert_eq!(below_target(None, Some(1_250), &t), Some(false));
        assert_eq!(below_target(None, None, &t), None, "unknown stays unknown");
    }
}
