//! What several pages show of an analysis: summary rows, wage rows and the map's tiles.

use super::fmt::{avg, pref_name, signed, yen, yes_no};
use crate::analysis::{Analysis, Line, Summary};
use crate::map::{self, Legend, Tile};
use kumiai_core::Lang;

/// One line of a summary table (overall, a prefecture, an industry, an industrial union).
pub struct GroupRow {
    pub label: String,
    pub href: String,
    pub count: usize,
    pub revised: usize,
    pub at_least: usize,
    pub below: usize,
    pub at_risk: usize,
    pub avg_raise: String,
    pub w_avg_raise: String,
    pub avg_gap: String,
    pub w_avg_gap: String,
    raise_raw: Option<f64>,
    gap_raw: Option<f64>,
}

/// Sorts a summary table: counts and raises largest first, gaps smallest first (the wages in
/// danger first); unknown averages last; any other key keeps the table's own order.
pub fn sort_groups(rows: &mut [GroupRow], key: &str) {
    let last = |v: Option<f64>, flip: bool| v.map_or(f64::INFINITY, |x| if flip { -x } else { x });
    match key {
        "count" => rows.sort_by_key(|g| std::cmp::Reverse(g.count)),
        "below" => rows.sort_by_key(|g| std::cmp::Reverse(g.below)),
        "risk" => rows.sort_by_key(|g| std::cmp::Reverse(g.at_risk)),
        "raise" => rows.sort_by(|a, b| last(a.raise_raw, true).total_cmp(&last(b.raise_raw, true))),
        "gap" => rows.sort_by(|a, b| last(a.gap_raw, false).total_cmp(&last(b.gap_raw, false))),
        _ => {}
    }
}

pub fn group_row(label: String, href: String, s: &Summary) -> GroupRow {
    GroupRow {
        label,
        href,
        count: s.count,
        revised: s.revised,
        at_least: s.raise_at_least_regional,
        below: s.below_regional,
        at_risk: s.at_risk_next_year,
        avg_raise: avg(s.avg_raise_yen),
        w_avg_raise: avg(s.weighted_avg_raise_yen),
        avg_gap: avg(s.avg_gap_yen),
        w_avg_gap: avg(s.weighted_avg_gap_yen),
        raise_raw: s.avg_raise_yen,
        gap_raw: s.avg_gap_yen,
    }
}

pub fn prefecture_rows(a: &Analysis, l: Lang) -> Vec<GroupRow> {
    a.by_prefecture.iter().map(|(k, s)| group_row(pref_name(k, l), format!("/minwage/prefectures/{k}"), s)).collect()
}

pub fn industry_rows(a: &Analysis) -> Vec<GroupRow> {
    a.by_industry.iter().map(|(k, s)| group_row(k.clone(), format!("/minwage/industries/{}", kumiai_platform::text::percent_encode(k)), s)).collect()
}

/// One industry wage as a table row.
pub struct WageRow {
    pub id: i64,
    pub prefecture: String,
    pub industry: String,
    pub title: String,
    pub status: String,
    pub hourly: String,
    pub previous: String,
    pub raise: String,
    pub regional: String,
    pub regional_raise: String,
    pub gap: String,
    pub below: &'static str,
    pub at_least: &'static str,
    pub at_risk: &'static str,
    pub effective: String,
    pub covered: String,
    pub unions: String,
    /// Below the regional wage (the row is marked).
    pub inverted: bool,
}

pub fn wage_row(x: &Line, l: Lang) -> WageRow {
    WageRow {
        id: x.id,
        prefecture: pref_name(&x.prefecture_code, l),
        industry: x.industry.clone(),
        title: x.title.clone(),
        status: x.status.map_or_else(|| l.t("未定", "Not decided").to_string(), |s| s.label(l).to_string()),
        hourly: yen(x.hourly_yen),
        previous: yen(x.previous_hourly_yen),
        raise: signed(x.raise_yen),
        regional: yen(x.regional_hourly_yen),
        regional_raise: signed(x.regional_raise_yen),
        gap: signed(x.gap_yen),
        below: yes_no(x.below_regional, l),
        at_least: yes_no(x.raise_at_least_regional, l),
        at_risk: yes_no(x.at_risk_next_year, l),
        effective: x.effective_date.clone(),
        covered: yen(x.covered_workers),
        unions: x.industrial_unions.join(", "),
        inverted: x.below_regional == Some(true),
    }
}

/// How the map is coloured.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Gap,
    Status,
}

impl Colour {
    pub fn parse(s: &str) -> Colour {
        if s == "status" { Colour::Status } else { Colour::Gap }
    }
}

/// The class of a prefecture by its average gap: below the regional wage, then bands above it.
fn gap_class(g: f64) -> usize {
    match g {
        g if g < 0.0 => 0,
        g if g < 30.0 => 1,
        g if g < 60.0 => 2,
        g if g < 100.0 => 3,
        _ => 4,
    }
}

/// The class of a prefecture by where its wages stand: some below the regional wage; some raised
/// less than it; all at least as much; revisions not decided yet.
fn status_class(s: &Summary) -> Option<usize> {
    if s.count == 0 {
        None
    } else if s.below_regional > 0 {
        Some(0)
    } else if s.undecided > 0 {
        Some(3)
    } else if s.raise_at_least_regional < s.revised + s.unchanged {
        Some(1)
    } else {
        Some(2)
    }
}

pub fn legend(colour: Colour, l: Lang) -> Vec<Legend> {
    match colour {
        Colour::Gap => [
            l.t("平均で地域別を下回る", "Below regional (average)"),
            l.t("0〜29円上", "0–29 yen above"),
            l.t("30〜59円上", "30–59 yen above"),
            l.t("60〜99円上", "60–99 yen above"),
            l.t("100円以上上", "100 yen or more above"),
        ]
        .iter()
        .zip(map::DIVERGING)
        .map(|(label, colour)| Legend { label: label.to_string(), colour })
        .collect(),
        Colour::Status => [
            l.t("地域別を下回る特定最賃あり", "Some below regional"),
            l.t("引上げが地域別に届かない", "Some raised less than regional"),
            l.t("すべて地域別以上に引上げ", "All raised at least as much"),
            l.t("改正が未定", "Revision not decided"),
        ]
        .iter()
        .zip([map::STATUS[4], map::STATUS[3], map::STATUS[2], map::STATUS[1]])
        .map(|(label, colour)| Legend { label: label.to_string(), colour })
        .collect(),
    }
}

/// The map of a year's analysis; each prefecture links to `href(code)`.
pub fn map_of(a: &Analysis, colour: Colour, l: Lang, title: &str, href: impl Fn(&str) -> String) -> String {
    let tiles: Vec<Tile> = crate::prefecture::ALL
        .iter()
        .map(|p| {
            let s = a.by_prefecture.get(p.code);
            let (class, value) = match (s, colour) {
                (None, _) => (usize::MAX, String::new()),
                (Some(s), Colour::Gap) => (s.avg_gap_yen.map_or(usize::MAX, gap_class), s.avg_gap_yen.map(|g| avg(Some(g.round()))).unwrap_or_default().replace(".0", "")),
                (Some(s), Colour::Status) => (status_class(s).unwrap_or(usize::MAX), format!("{}/{}", s.raise_at_least_regional, s.count)),
            };
            let tip = match s {
                Some(s) => format!(
                    "{}: {} {} · {} {} · {} {}",
                    p.name(l),
                    l.t("件数", "wages"),
                    s.count,
                    l.t("平均水準差", "average gap"),
                    avg(s.avg_gap_yen),
                    l.t("下回る", "below regional"),
                    s.below_regional
                ),
                None => format!("{}: {}", p.name(l), l.t("データなし", "no data")),
            };
            Tile { code: p.code, class, value, title: tip, href: href(p.code) }
        })
        .collect();
    map::tile_map(title, &tiles, &legend(colour, l), l.t("データなし", "No data"), l)
}
