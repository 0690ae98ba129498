//! A wage round's in-company minimum wage agreements: each as an hourly figure against the
//! regional and industry minimum wages of the union's prefecture and JCM's target, those below
//! the target first. Each agreement reaches the head office, the union and its industrial union.

use super::fmt::{pref_name, signed, yen, yes_no};
use crate::agreements::{self, Source};
use crate::store;
use askama::Template;
use axum::response::Response;
use kumiai_core::{Lang, Msg};
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, FormBody, PathParams};
use kumiai_platform::{AppError, AppResult};

pub struct Row {
    pub union: String,
    pub source: &'static str,
    pub prefecture: String,
    pub industry: String,
    pub monthly: String,
    pub hourly: String,
    pub equivalent: String,
    pub regional: String,
    pub gap_regional: String,
    pub industry_wage: String,
    pub gap_industry: String,
    pub below: &'static str,
    pub is_below: bool,
}

#[derive(Template)]
#[template(path = "minwage_agreements.html")]
struct Body {
    l: Lang,
    year: i64,
    target_monthly: String,
    target_hourly: String,
    hours: String,
    below: Vec<Row>,
    rows: Vec<Row>,
    hq_editor: bool,
    csrf: String,
}

pub async fn list(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Response> {
    if ctx.viewer.is_anonymous() {
        return Err(AppError::Unauthorized);
    }
    let l = ctx.lang;
    let (target, lines) = agreements::lines(ctx.db(), &ctx.viewer, year, ctx.now).await?;
    let codes: Vec<String> = lines.iter().map(|x| x.union_code.clone()).collect();
    let names = kumiai_directory::reference::orgs_by_code(ctx.db(), &ctx.viewer, &codes, ctx.now).await?;
    let row = |x: &agreements::Line| Row {
        union: names.get(&x.union_code).map_or_else(|| x.union_code.clone(), |o| format!("{} ({})", if l == Lang::En && !o.name_en.is_empty() { &o.name_en } else { &o.name_ja }, x.union_code)),
        source: match x.source {
            Source::WageRound => l.t("春闘の回答", "Wage round"),
            Source::Import => l.t("取り込み", "Imported"),
        },
        prefecture: if x.prefecture_code.is_empty() { "—".into() } else { pref_name(&x.prefecture_code, l) },
        industry: x.industry.clone(),
        monthly: yen(x.monthly_yen),
        hourly: yen(x.hourly_yen),
        equivalent: yen(x.hourly_equivalent_yen),
        regional: yen(x.regional_hourly_yen),
        gap_regional: signed(x.gap_regional_yen),
        industry_wage: yen(x.industry_hourly_yen),
        gap_industry: signed(x.gap_industry_yen),
        below: yes_no(x.below_target, l),
        is_below: x.below_target == Some(true),
    };
    let body = Body {
        l,
        year,
        target_monthly: kumiai_platform::db::group_digits(target.monthly_yen),
        target_hourly: kumiai_platform::db::group_digits(target.hourly_yen),
        hours: format!("{:.1}", target.monthly_hours_tenths as f64 / 10.0),
        below: lines.iter().filter(|x| x.below_target == Some(true)).map(|x| row(x)).collect(),
        rows: lines.iter().map(|x| row(x)).collect(),
        hq_editor: ctx.viewer.is_hq() && ctx.viewer.has_role(kumiai_core::Role::Editor),
        csrf: ctx.csrf.clone(),
    };
    let title = format!("{year}{}", l.t("年闘争 企業内最低賃金協定", " wage round: in-company minimum wage agreements"));
    Ok(render_page(&ctx, &title, &[Crumb::link(l.t("最低賃金", "Minimum wages"), "/minwage"), Crumb::here(&title)], &body))
}

const HEADERS: [&str; 12] = ["union_code", "source", "prefecture_code", "industry", "monthly_yen", "hourly_yen", "hourly_equivalent_yen", "regional_hourly_yen", "industry_hourly_yen", "gap_regional_yen", "gap_industry_yen", "below_target"];

/// The agreements the reader may see, as rows of [`HEADERS`].
async fn export_rows(ctx: &Ctx, year: i64) -> AppResult<Vec<Vec<String>>> {
    if ctx.viewer.is_anonymous() {
        return Err(AppError::Unauthorized);
    }
    let (_, lines) = agreements::lines(ctx.db(), &ctx.viewer, year, ctx.now).await?;
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    Ok(lines
        .iter()
        .map(|x| {
            vec![
                x.union_code.clone(),
                if x.source == Source::WageRound { "wage_round".into() } else { "import".into() },
                x.prefecture_code.clone(),
                x.industry.clone(),
                opt(x.monthly_yen),
                opt(x.hourly_yen),
                opt(x.hourly_equivalent_yen),
                opt(x.regional_hourly_yen),
                opt(x.industry_hourly_yen),
                opt(x.gap_regional_yen),
                opt(x.gap_industry_yen),
                x.below_target.map(|b| b.to_string()).unwrap_or_default(),
            ]
        })
        .collect())
}

pub async fn csv(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Response> {
    let rows = export_rows(&ctx, year).await?;
    Ok(super::download(&format!("agreements-{year}.csv"), crate::report::csv_of(&HEADERS, rows.into_iter())))
}

pub async fn xlsx(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Response> {
    let rows = export_rows(&ctx, year).await?;
    let bytes = crate::report::workbook(&[("agreements", &HEADERS, rows)]).map_err(AppError::Internal)?;
    Ok(super::download(&format!("agreements-{year}.xlsx"), bytes))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct TargetForm {
    monthly_yen: String,
    hourly_yen: String,
    monthly_hours: String,
}

pub async fn set_target(ctx: Ctx, PathParams(year): PathParams<i64>, FormBody(f): FormBody<TargetForm>) -> AppResult<Response> {
    // Targets are the federation's own figures, the same for every reader: no record's reach is at stake.
    kumiai_platform::reach::index_reach(&ctx.viewer);
    let int = |field: &str, v: &str| kumiai_platform::text::parse_int(v).ok_or_else(|| AppError::Validation(vec![kumiai_platform::FieldError::refused(field, v, "整数で書いてください。", "Write a whole number.")]));
    let hours: f64 = kumiai_platform::text::fold(&f.monthly_hours).parse().map_err(|_| AppError::Validation(vec![kumiai_platform::FieldError::refused("monthly_hours", &f.monthly_hours, "時間数（例 161 や 163.3）で書いてください。", "Write the hours, as 161 or 163.3.")]))?;
    if !hours.is_finite() {
        return Err(AppError::Validation(vec![kumiai_platform::FieldError::refused("monthly_hours", &f.monthly_hours, "時間数（例 161 や 163.3）で書いてください。", "Write the hours, as 161 or 163.3.")]));
    }
    let tenths = (hours.clamp(0.0, 100_000.0) * 10.0).round() as i64;
    store::set_target(ctx.db(), &ctx.viewer, year, int("monthly_yen", &f.monthly_yen)?, int("hourly_yen", &f.hourly_yen)?, tenths).await?;
    Ok(redirect_with_flash(&ctx, &format!("/minwage/{year}/agreements"), Msg::new("目標を設定しました。", "Target set.")))
}
