//! Year-by-year series: a prefecture's regional wage against its industry wages, and an industry's
//! wages across prefectures against their regional wages. Members only, like the analysis.

use super::fmt::{avg, pref_name, signed, yen};
use crate::analysis::{self, Line, RegionalYears};
use crate::model::IndustryWage;
use crate::store::{self, RegionalFigure, Series as By};
use askama::Template;
use axum::response::Response;
use kumiai_core::{GovYear, Lang};
use kumiai_platform::web::chart::{Series, line_chart_fitted as line_chart};
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::{Crumb, Ctx, PathParams, QueryParams};
use kumiai_platform::{AppError, AppResult, Visible};
use std::collections::BTreeMap;

/// One year of a series.
pub struct YearRow {
    /// The figures as a file writes them (plain numbers, empty for unknown).
    pub raw: Vec<String>,
    pub label: String,
    pub year: i64,
    pub regional: String,
    pub regional_raise: String,
    pub count: usize,
    pub avg_hourly: String,
    pub min_hourly: String,
    pub avg_raise: String,
    pub avg_gap: String,
    pub below: usize,
}

#[derive(Template)]
#[template(path = "minwage_series.html")]
struct SeriesBody {
    l: Lang,
    intro: String,
    chart: String,
    gap_chart: String,
    rows: Vec<YearRow>,
    /// The latest year's wages: (href, label, hourly, gap, inverted)
    latest: Vec<(String, String, String, String, bool)>,
    latest_label: String,
}

fn regional_years(table: &BTreeMap<(i64, String), RegionalFigure>, fy: i64) -> RegionalYears {
    let pick = |y: i64| table.iter().filter(|((yy, _), _)| *yy == y).filter_map(|((_, p), f)| f.hourly_yen.map(|h| (p.clone(), h))).collect();
    RegionalYears { this_year: pick(fy), last_year: pick(fy - 1) }
}

/// Every year's analysed lines of the given wages.
fn analysed(wages: &[IndustryWage], table: &BTreeMap<(i64, String), RegionalFigure>) -> BTreeMap<i64, Vec<Line>> {
    let mut by_year: BTreeMap<i64, Vec<&IndustryWage>> = BTreeMap::new();
    for w in wages {
        by_year.entry(w.fiscal_year).or_default().push(w);
    }
    by_year.into_iter().map(|(y, ws)| {
        let r = regional_years(table, y);
        (y, ws.into_iter().map(|w| analysis::analyse(w, &r)).collect())
    }).collect()
}

fn year_row(ctx: &Ctx, y: i64, lines: &[Line], regional: Option<i64>, regional_raise: Option<i64>) -> YearRow {
    let s = analysis::summarise(lines);
    let hourly: Vec<i64> = lines.iter().filter(|l| l.in_force()).filter_map(|l| l.hourly_yen).collect();
    let mean_hourly = (!hourly.is_empty()).then(|| (hourly.iter().sum::<i64>() as f64 / hourly.len() as f64).round() as i64);
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    let optf = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    YearRow {
        raw: vec![y.to_string(), opt(regional), opt(regional_raise), s.count.to_string(), opt(mean_hourly), opt(hourly.iter().min().copied()), optf(s.avg_raise_yen), optf(s.avg_gap_yen), s.below_regional.to_string()],
        label: ctx.gov_label(GovYear(y as i32)),
        year: y,
        regional: yen(regional),
        regional_raise: signed(regional_raise),
        count: s.count,
        avg_hourly: yen(mean_hourly),
        min_hourly: yen(hourly.iter().min().copied()),
        avg_raise: avg(s.avg_raise_yen),
        avg_gap: avg(s.avg_gap_yen),
        below: s.below_regional,
    }
}

fn mean(v: &[i64]) -> Option<i64> {
    (!v.is_empty()).then(|| (v.iter().sum::<i64>() as f64 / v.len() as f64).round() as i64)
}

fn members(ctx: &Ctx) -> AppResult<()> {
    if ctx.viewer.is_anonymous() { Err(AppError::Unauthorized) } else { Ok(()) }
}

const YEAR_HEADERS: [&str; 9] = ["fiscal_year", "regional_hourly_yen", "regional_raise_yen", "count", "avg_hourly_yen", "min_hourly_yen", "avg_raise_yen", "avg_gap_yen", "below_regional"];

pub async fn prefecture(ctx: Ctx, PathParams(code): PathParams<String>, QueryParams(f): QueryParams<super::Format>) -> AppResult<Response> {
    members(&ctx)?;
    let p = crate::prefecture::by_code(&code).filter(|p| p.code == code).ok_or(AppError::NotFound)?;
    let l = ctx.lang;
    let wages: Vec<IndustryWage> = store::series(ctx.db(), &ctx.viewer, By::Prefecture(p.code), ctx.now).await?.into_iter().map(Visible::into_inner).collect();
    let table = store::regional_table(ctx.db()).await?;
    let by_year = analysed(&wages, &table);
    let reg_years: Vec<i64> = table.keys().filter(|(_, c)| c == p.code).map(|k| k.0).collect();
    let mut years: Vec<i64> = reg_years.iter().copied().chain(by_year.keys().copied()).collect();
    years.sort_unstable();
    years.dedup();
    let reg = |y: i64| table.get(&(y, p.code.to_string())).and_then(|f| f.hourly_yen);
    let rows: Vec<YearRow> = years.iter().rev().map(|&y| {
        let lines = by_year.get(&y).map(Vec::as_slice).unwrap_or(&[]);
        year_row(&ctx, y, lines, reg(y), reg(y).zip(reg(y - 1)).map(|(a, b)| a - b))
    }).collect();
    if let Some(file) = super::export(&f.format, &format!("minwage-prefecture-{}", p.code), &YEAR_HEADERS, rows.iter().map(|r| r.raw.clone()).collect())? {
        return Ok(file);
    }
    let regional = Series { name: l.t("地域別最低賃金", "Regional minimum wage"), points: years.iter().filter_map(|&y| reg(y).map(|h| (y, h))).collect() };
    let average = Series { name: l.t("特定最低賃金の平均", "Industry wages, average"), points: by_year.iter().filter_map(|(y, ls)| mean(&ls.iter().filter(|x| x.in_force()).filter_map(|x| x.hourly_yen).collect::<Vec<_>>()).map(|m| (*y, m))).collect() };
    let lowest = Series { name: l.t("特定最低賃金の最低額", "Industry wages, lowest"), points: by_year.iter().filter_map(|(y, ls)| ls.iter().filter(|x| x.in_force()).filter_map(|x| x.hourly_yen).min().map(|m| (*y, m))).collect() };
    let label_year = |y: i64| ctx.gov_label(GovYear(y as i32));
    let chart = line_chart(&format!("{} {}", p.name(l), l.t("最低賃金の推移（円/時）", "minimum wages by year (yen/hour)")), &[regional, average, lowest], label_year, kumiai_platform::db::group_digits);
    let gap_chart = gap_chart(l, &format!("{} {}", p.name(l), l.t("特定最賃の水準差（平均、円）", "industry wages' gap (average, yen)")), &by_year, &ctx);
    let (latest_label, latest) = latest(&ctx, &by_year, |x| (x.industry.clone(), format!("/minwage/industries/{}", kumiai_platform::text::percent_encode(&x.industry))));
    let body = SeriesBody { l, intro: format!("{}（{} {}）", p.name(l), l.t("都道府県コード", "prefecture code"), p.code), chart, gap_chart, rows, latest, latest_label };
    let title = format!("{} {}", p.name(l), l.t("の最低賃金", "minimum wages"));
    Ok(render_page(&ctx, &title, &[Crumb::link(l.t("最低賃金", "Minimum wages"), "/minwage"), Crumb::here(p.name(l))], &body))
}

/// The average gap per year (only years where some gap is known; below zero is below the
/// regional wage).
fn gap_chart(l: Lang, title: &str, by_year: &BTreeMap<i64, Vec<Line>>, ctx: &Ctx) -> String {
    let points: Vec<(i64, i64)> = by_year.iter().filter_map(|(y, ls)| analysis::summarise(ls).avg_gap_yen.map(|g| (*y, g.round() as i64))).collect();
    line_chart(title, &[Series { name: l.t("平均水準差", "Average gap"), points }], |y| ctx.gov_label(GovYear(y as i32)), kumiai_platform::db::group_digits)
}

/// The latest year's wages as links.
fn latest(ctx: &Ctx, by_year: &BTreeMap<i64, Vec<Line>>, link: impl Fn(&Line) -> (String, String)) -> (String, Vec<(String, String, String, String, bool)>) {
    // The latest year with figures (a year just opened has none yet).
    let Some((y, lines)) = by_year.iter().rev().find(|(_, ls)| ls.iter().any(|x| x.hourly_yen.is_some())) else { return (String::new(), vec![]) };
    let rows = lines.iter().map(|x| {
        let (label, href) = link(x);
        (href, label, yen(x.hourly_yen), signed(x.gap_yen), x.below_regional == Some(true))
    }).collect();
    (ctx.gov_label(GovYear(*y as i32)), rows)
}

pub async fn industry(ctx: Ctx, PathParams(name): PathParams<String>, QueryParams(f): QueryParams<super::Format>) -> AppResult<Response> {
    members(&ctx)?;
    let l = ctx.lang;
    let wages: Vec<IndustryWage> = store::series(ctx.db(), &ctx.viewer, By::Industry(&name), ctx.now).await?.into_iter().map(Visible::into_inner).collect();
    if wages.is_empty() {
        return Err(AppError::NotFound);
    }
    let table = store::regional_table(ctx.db()).await?;
    let by_year = analysed(&wages, &table);
    let rows: Vec<YearRow> = by_year.iter().rev().map(|(y, lines)| {
        let regs: Vec<i64> = lines.iter().filter_map(|x| x.regional_hourly_yen).collect();
        let raises: Vec<i64> = lines.iter().filter_map(|x| x.regional_raise_yen).collect();
        year_row(&ctx, *y, lines, mean(&regs), mean(&raises))
    }).collect();
    if let Some(file) = super::export(&f.format, "minwage-industry", &YEAR_HEADERS, rows.iter().map(|r| r.raw.clone()).collect())? {
        return Ok(file);
    }
    let average = Series { name: l.t("特定最低賃金の平均", "Industry wage, average"), points: by_year.iter().filter_map(|(y, ls)| mean(&ls.iter().filter(|x| x.in_force()).filter_map(|x| x.hourly_yen).collect::<Vec<_>>()).map(|m| (*y, m))).collect() };
    let regional = Series { name: l.t("同じ都道府県の地域別の平均", "Regional wage of the same prefectures, average"), points: by_year.iter().filter_map(|(y, ls)| mean(&ls.iter().filter(|x| x.in_force() && x.hourly_yen.is_some()).filter_map(|x| x.regional_hourly_yen).collect::<Vec<_>>()).map(|m| (*y, m))).collect() };
    let chart = line_chart(&format!("{name} {}", l.t("の最低賃金の推移（円/時）", "minimum wage by year (yen/hour)")), &[average, regional], |y| ctx.gov_label(GovYear(y as i32)), kumiai_platform::db::group_digits);
    let gap_chart = gap_chart(l, &format!("{name} {}", l.t("の水準差（平均、円）", "gap (average, yen)")), &by_year, &ctx);
    let (latest_label, latest) = latest(&ctx, &by_year, |x| (pref_name(&x.prefecture_code, l), format!("/minwage/prefectures/{}", x.prefecture_code)));
    let body = SeriesBody { l, intro: format!("{}: {}", l.t("業種", "Industry"), name), chart, gap_chart, rows, latest, latest_label };
    Ok(render_page(&ctx, &name, &[Crumb::link(l.t("最低賃金", "Minimum wages"), "/minwage"), Crumb::here(&name)], &body))
}
