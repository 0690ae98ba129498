//! A fiscal year's public results: the head office's commentary with the year's summary, the map
//! and the figures by prefecture. The page exists for a reader only once the results record
//! reaches them (and its lift time has passed); its figures are the wages that reader may see.

use super::view::{self, Colour, GroupRow};
use crate::store;
use askama::Template;
use axum::response::Response;
use kumiai_core::{GovYear, Lang, Msg, Reach};
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, FormBody, PathParams};
use kumiai_platform::{AppError, AppResult};

#[derive(Template)]
#[template(path = "minwage_results.html")]
struct ResultsBody {
    l: Lang,
    year: i64,
    commentary: String,
    map: String,
    overall: Vec<GroupRow>,
    prefs: Vec<GroupRow>,
    industries: Vec<GroupRow>,
    member: bool,
}

pub async fn show(ctx: Ctx, PathParams(year): PathParams<i64>, kumiai_platform::web::QueryParams(f): kumiai_platform::web::QueryParams<super::Format>) -> AppResult<Response> {
    let r = store::results(ctx.db(), &ctx.viewer, year, ctx.now).await?.ok_or(AppError::NotFound)?;
    let l = ctx.lang;
    let a = store::analysis(ctx.db(), &ctx.viewer, year, ctx.now).await?;
    // The summaries as a file: the published figures, not the wage-by-wage table.
    if let Some(file) = super::export(&f.format, &format!("minwage-results-{year}"), &crate::report::SUMMARY_HEADERS, crate::report::summary_rows(&a))? {
        return Ok(file);
    }
    let label = ctx.gov_label(GovYear(year as i32));
    let map = view::map_of(&a, Colour::Gap, l, &format!("{label} {}", l.t("特定最低賃金と地域別最低賃金の水準差（都道府県平均）", "Industry minus regional minimum wage (prefecture average)")), |c| format!("#pref-{c}"));
    let mut prefs = view::prefecture_rows(&a, l);
    // On the public page a prefecture links to its row here, not to the members' series.
    for (g, code) in prefs.iter_mut().zip(a.by_prefecture.keys()) {
        g.href = format!("#pref-{code}");
    }
    let body = ResultsBody {
        l,
        year,
        commentary: r.commentary.clone(),
        map,
        overall: vec![view::group_row(l.t("全体", "All").into(), String::new(), &a.summary)],
        prefs,
        industries: view::industry_rows(&a).into_iter().map(|mut g| {
            g.href = String::new();
            g
        }).collect(),
        member: !ctx.viewer.is_anonymous(),
    };
    let title = format!("{label} {}", l.t("特定最低賃金の改正結果", "industry minimum wage revisions: results"));
    Ok(render_page(&ctx, &title, &[Crumb::link(l.t("最低賃金", "Minimum wages"), "/minwage"), Crumb::here(&label)], &body))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PublishForm {
    commentary: String,
    reach: String,
    lift_at: String,
}

pub async fn publish(ctx: Ctx, PathParams(year): PathParams<i64>, FormBody(f): FormBody<PublishForm>) -> AppResult<Response> {
    // Publishing sets the reach, so the request must say which.
    let reach = Reach::parse(&f.reach).ok_or_else(|| AppError::Validation(vec![kumiai_platform::FieldError::refused("reach", &f.reach, "情報到達範囲を選んでください。", "Choose the reach.")]))?;
    let lift = match f.lift_at.trim() {
        "" => None,
        t => Some(kumiai_core::time::parse_ms(t).ok_or_else(|| AppError::Validation(vec![kumiai_platform::FieldError::refused("lift_at", t, "解禁日時は 2026-01-15T10:00 の形で書いてください。", "Write the lift time as 2026-01-15T10:00.")]))?),
    };
    store::publish_results(ctx.db(), &ctx.viewer, year, f.commentary.trim(), reach, lift, ctx.now).await?;
    Ok(redirect_with_flash(&ctx, &format!("/minwage/{year}/results"), Msg::new("結果を公表しました。", "Results published.")))
}
