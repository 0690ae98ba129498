//! A fiscal year's analysis: each industry wage against the regional wage of its prefecture, and
//! the summaries JCM reports (how many were revised, rose at least as much as the regional wage,
//! fell below it), overall and by prefecture, industry and industrial union. Unknown inputs give
//! unknown: no amount is ever filled in by a guess.

use crate::model::{IndustryWage, WageStatus};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The regional wages the analysis of one year needs: that year's and the year before's, by
/// prefecture code.
#[derive(Clone, Debug, Default)]
pub struct RegionalYears {
    pub this_year: HashMap<String, i64>,
    pub last_year: HashMap<String, i64>,
}

impl RegionalYears {
    pub fn hourly(&self, pref: &str) -> Option<i64> {
        self.this_year.get(pref).copied()
    }
    pub fn raise(&self, pref: &str) -> Option<i64> {
        Some(self.this_year.get(pref)? - self.last_year.get(pref)?)
    }
}

/// One industry wage, analysed. Every derived figure is `None` where an input is unknown.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub prefecture_code: String,
    pub industry: String,
    pub title: String,
    pub fiscal_year: i64,
    pub status: Option<WageStatus>,
    pub hourly_yen: Option<i64>,
    pub previous_hourly_yen: Option<i64>,
    pub effective_date: String,
    pub covered_workers: Option<i64>,
    pub industrial_unions: Vec<String>,
    pub raise_yen: Option<i64>,
    pub regional_hourly_yen: Option<i64>,
    pub regional_raise_yen: Option<i64>,
    pub gap_yen: Option<i64>,
    pub below_regional: Option<bool>,
    pub raise_at_least_regional: Option<bool>,
    /// Below the regional wage next year if the regional wage rises by this year's raise again
    /// and this wage does not move (only for wages not below it already).
    pub at_risk_next_year: Option<bool>,
    #[serde(skip)]
    pub id: i64,
}

impl Line {
    pub fn in_force(&self) -> bool {
        self.status != Some(WageStatus::Abolished)
    }
}

pub fn analyse(w: &IndustryWage, regional: &RegionalYears) -> Line {
    let status = w.wage_status();
    // An unchanged wage states its own raise (none): its amount is the previous one.
    let (hourly, previous) = match status {
        Some(WageStatus::Unchanged) => (w.hourly_yen.or(w.previous_hourly_yen), w.previous_hourly_yen.or(w.hourly_yen)),
        Some(WageStatus::Abolished) => (None, w.previous_hourly_yen),
        Some(WageStatus::New) => (w.hourly_yen, None),
        _ => (w.hourly_yen, w.previous_hourly_yen),
    };
    let raise = hourly.zip(previous).map(|(h, p)| h - p);
    let reg = regional.hourly(&w.prefecture_code);
    let reg_raise = regional.raise(&w.prefecture_code);
    let gap = hourly.zip(reg).map(|(h, r)| h - r);
    let below = gap.map(|g| g < 0);
    let at_risk = match (below, hourly, reg, reg_raise) {
        (Some(false), Some(h), Some(r), Some(rr)) => Some(h < r + rr.max(0)),
        (Some(true), ..) => Some(false),
        _ => None,
    };
    Line {
        prefecture_code: w.prefecture_code.clone(),
        industry: w.industry.clone(),
        title: w.title.clone(),
        fiscal_year: w.fiscal_year,
        status,
        hourly_yen: hourly,
        previous_hourly_yen: previous,
        effective_date: w.effective_date.clone(),
        covered_workers: w.covered_workers,
        industrial_unions: w.unions().map(str::to_string).collect(),
        raise_yen: raise,
        regional_hourly_yen: reg,
        regional_raise_yen: reg_raise,
        gap_yen: gap,
        below_regional: below,
        raise_at_least_regional: raise.zip(reg_raise).map(|(a, b)| a >= b),
        at_risk_next_year: at_risk,
        id: w.id,
    }
}

/// The counts and averages over a set of wages in force (abolished ones are counted apart).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub count: usize,
    pub revised: usize,
    pub new: usize,
    pub unchanged: usize,
    pub abolished: usize,
    /// Revision not decided (status unknown).
    pub undecided: usize,
    pub raise_at_least_regional: usize,
    pub below_regional: usize,
    pub at_risk_next_year: usize,
    /// Simple averages over the wages where the figure is known.
    pub avg_raise_yen: Option<f64>,
    pub avg_gap_yen: Option<f64>,
    /// Weighted by covered workers, over the wages where both are known.
    pub weighted_avg_raise_yen: Option<f64>,
    pub weighted_avg_gap_yen: Option<f64>,
    /// Covered workers, summed where known.
    pub covered_workers: Option<i64>,
}

fn avg(v: &[i64]) -> Option<f64> {
    (!v.is_empty()).then(|| round1(v.iter().sum::<i64>() as f64 / v.len() as f64))
}

fn weighted(v: &[(i64, i64)]) -> Option<f64> {
    let w: i64 = v.iter().map(|p| p.1).sum();
    (w > 0).then(|| round1(v.iter().map(|(x, n)| *x as f64 * *n as f64).sum::<f64>() / w as f64))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn summarise<'a>(lines: impl IntoIterator<Item = &'a Line>) -> Summary {
    let mut s = Summary::default();
    let (mut raises, mut gaps, mut wr, mut wg) = (vec![], vec![], vec![], vec![]);
    let mut covered = None;
    for l in lines {
        match l.status {
            Some(WageStatus::Abolished) => {
                s.abolished += 1;
                continue;
            }
            Some(WageStatus::Revised) => s.revised += 1,
            Some(WageStatus::New) => s.new += 1,
            Some(WageStatus::Unchanged) => s.unchanged += 1,
            None => s.undecided += 1,
        }
        s.count += 1;
        s.raise_at_least_regional += usize::from(l.raise_at_least_regional == Some(true));
        s.below_regional += usize::from(l.below_regional == Some(true));
        s.at_risk_next_year += usize::from(l.at_risk_next_year == Some(true));
        if let Some(r) = l.raise_yen {
            raises.push(r);
            wr.extend(l.covered_workers.map(|n| (r, n)));
        }
        if let Some(g) = l.gap_yen {
            gaps.push(g);
            wg.extend(l.covered_workers.map(|n| (g, n)));
        }
        if let Some(n) = l.covered_workers {
            covered = Some(covered.unwrap_or(0) + n);
        }
    }
    s.avg_raise_yen = avg(&raises);
    s.avg_gap_yen = avg(&gaps);
    s.weighted_avg_raise_yen = weighted(&wr);
    s.weighted_avg_gap_yen = weighted(&wg);
    s.covered_workers = covered;
    s
}

/// A year's whole analysis.
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub fiscal_year: i64,
    #[serde(rename = "wages")]
    pub lines: Vec<Line>,
    pub summary: Summary,
    pub by_prefecture: BTreeMap<String, Summary>,
    pub by_industry: BTreeMap<String, Summary>,
    pub by_industrial_union: BTreeMap<String, Summary>,
}

pub fn analysis(fiscal_year: i64, wages: &[IndustryWage], regional: &RegionalYears) -> Analysis {
    let lines: Vec<Line> = wages.iter().map(|w| analyse(w, regional)).collect();
    let mut by_pref: BTreeMap<String, Vec<&Line>> = BTreeMap::new();
    let mut by_ind: BTreeMap<String, Vec<&Line>> = BTreeMap::new();
    let mut by_iu: BTreeMap<String, Vec<&Line>> = BTreeMap::new();
    for l in &lines {
        by_pref.entry(l.prefecture_code.clone()).or_default().push(l);
        by_ind.entry(l.industry.clone()).or_default().push(l);
        for u in &l.industrial_unions {
            by_iu.entry(u.clone()).or_default().push(l);
        }
    }
    let sum = |m: BTreeMap<String, Vec<&Line>>| m.into_iter().map(|(k, v)| (k, summarise(v))).collect();
    Analysis {
        fiscal_year,
        summary: summarise(&lines),
        by_prefecture: sum(by_pref),
        by_industry: sum(by_ind),
        by_industrial_union: sum(by_iu),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kumiai_core::Reach;

    pub(crate) fn wage(pref: &str, ind: &str, hourly: Option<i64>, prev: Option<i64>, status: &str, covered: Option<i64>) -> IndustryWage {
        IndustryWage {
            id: 0,
            fiscal_year: 2025,
            prefecture_code: pref.into(),
            industry: ind.into(),
            title: String::new(),
            hourly_yen: hourly,
            previous_hourly_yen: prev,
            effective_date: String::new(),
            covered_workers: covered,
            status: status.into(),
            industrial_unions: "JAW,DENKI".into(),
            note: String::new(),
            reach: Reach::Public,
            scope_org_id: None,
            embargo_until: None,
            owner_org_id: None,
            version: 1,
            updated_at: 0,
            owner_path: None,
        }
    }

    fn regional() -> RegionalYears {
        // Aichi FY2024 1,077 → FY2025 1,140 (+63); Tokyo 1,163 → 1,226 (+63); Osaka only this year.
        RegionalYears {
            this_year: [("23".to_string(), 1140), ("13".to_string(), 1226), ("27".to_string(), 1177)].into(),
            last_year: [("23".to_string(), 1077), ("13".to_string(), 1163)].into(),
        }
    }

    #[test]
    fn each_wage_against_the_regional_one() {
        let r = regional();
        // Revised by 70 ≥ 63; 1,190 − 1,140 = 50 above; next year 1,140 + 63 = 1,203 > 1,190: at risk.
        let a = analyse(&wage("23", "電機", Some(1190), Some(1120), "revised", Some(1000)), &r);
        assert_eq!((a.raise_yen, a.regional_hourly_yen, a.regional_raise_yen, a.gap_yen), (Some(70), Some(1140), Some(63), Some(50)));
        assert_eq!((a.below_regional, a.raise_at_least_regional, a.at_risk_next_year), (Some(false), Some(true), Some(true)));
        // Unchanged (据置) at 1,100: raise 0 < 63 and 40 below the regional wage, which applies.
        let b = analyse(&wage("23", "鉄鋼", None, Some(1100), "unchanged", None), &r);
        assert_eq!((b.hourly_yen, b.raise_yen, b.gap_yen, b.below_regional, b.raise_at_least_regional), (Some(1100), Some(0), Some(-40), Some(true), Some(false)));
        assert_eq!(b.at_risk_next_year, Some(false), "already below is not 'at risk'");
        // Revised but the previous amount is unknown: the raise and its comparison are unknown.
        let c = analyse(&wage("13", "自動車", Some(1300), None, "revised", None), &r);
        assert_eq!((c.raise_yen, c.raise_at_least_regional, c.gap_yen, c.below_regional), (None, None, Some(74), Some(false)));
        // Osaka has no regional wage last year: its raise is unknown, the gap is not.
        let d = analyse(&wage("27", "電機", Some(1200), Some(1150), "revised", None), &r);
        assert_eq!((d.raise_yen, d.regional_raise_yen, d.raise_at_least_regional, d.gap_yen, d.at_risk_next_year), (Some(50), None, None, Some(23), None));
        // A prefecture without a regional wage: gap unknown, never zero.
        let e = analyse(&wage("01", "電機", Some(1100), Some(1050), "revised", None), &r);
        assert_eq!((e.gap_yen, e.below_regional), (None, None));
        // Exactly the regional wage is not below it; a raise equal to the regional raise counts.
        let f = analyse(&wage("23", "輸送", Some(1140), Some(1077), "revised", None), &r);
        assert_eq!((f.gap_yen, f.below_regional, f.raise_at_least_regional), (Some(0), Some(false), Some(true)));
        // New: no previous amount, so no raise.
        let g = analyse(&wage("23", "新", Some(1200), Some(1000), "new", None), &r);
        assert_eq!((g.previous_hourly_yen, g.raise_yen), (None, None));
    }

    #[test]
    fn summaries_count_and_average_only_what_is_known() {
        let r = regional();
        let wages = vec![
            wage("23", "電機", Some(1190), Some(1120), "revised", Some(1000)),
            wage("23", "鉄鋼", None, Some(1100), "unchanged", Some(3000)),
            wage("13", "自動車", Some(1300), None, "revised", None),
            wage("13", "造船", None, Some(1000), "abolished", Some(500)),
            wage("13", "電機", Some(1250), Some(1180), "", None),
        ];
        let a = analysis(2025, &wages, &r);
        let s = &a.summary;
        assert_eq!((s.count, s.revised, s.unchanged, s.abolished, s.undecided), (4, 2, 1, 1, 1));
        // Raises known: 70 (電機 Aichi), 0 (鉄鋼), 70 (Tokyo 電機 undecided but both amounts given).
        assert_eq!((s.raise_at_least_regional, s.below_regional), (2, 1));
        assert_eq!(s.avg_raise_yen, Some(46.7));
        // Weighted: (70×1000 + 0×3000) / 4000 = 17.5.
        assert_eq!(s.weighted_avg_raise_yen, Some(17.5));
        // Gaps: 50, −40, 74, 24 → 27.0; weighted (50×1000 − 40×3000) / 4000 = −17.5.
        assert_eq!((s.avg_gap_yen, s.weighted_avg_gap_yen), (Some(27.0), Some(-17.5)));
        assert_eq!(s.covered_workers, Some(4000), "the abolished wage's workers are not covered any more");
        assert_eq!(a.by_prefecture["13"].count, 2);
        assert_eq!(a.by_industry["電機"].count, 2);
        assert_eq!(a.by_industrial_union["JAW"].count, 4);
        let empty = summarise(&[]);
        assert_eq!((empty.avg_raise_yen, empty.weighted_avg_gap_yen, empty.covered_workers), (None, None, None));
    }
}
