//! Quick bulletins on the web: the round's list (with the head office's form for a new one), a
//! bulletin's page (its frozen aggregates, commentary and, where the reader may see them, the
//! union-by-union figures), its .xlsx, the head office's approve / schedule / withdraw steps and
//! an Atom feed. A bulletin the reader may not see does not exist for them.
//!
//! Public readers outnumber everyone on the answer day: the page body of a bulletin's version is
//! rendered once per language for them and kept (`lasting`), so publication (a new version)
//! is what invalidates it.

use super::round::{Line, lines};
use crate::bulletins::{self, Draft};
use crate::model::{Bulletin, BulletinLine, BulletinState};
use crate::store;
use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kumiai_core::{Lang, Msg, time};
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, FormBody, PathParams, VersionForm};
use kumiai_platform::{AppError, AppResult, Visible};
use std::sync::Arc;

#[derive(Template)]
#[template(path = "campaign_bulletins.html")]
struct ListBody<'a> {
    l: Lang,
    csrf: &'a str,
    year: i64,
    rows: Vec<(i64, String, &'static str, String)>,
    may_create: bool,
}

fn when(ms: Option<i64>) -> String {
    ms.map(time::format_ms).unwrap_or_else(|| "—".into())
}

pub async fn list(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Response> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let list = bulletins::list(ctx.db(), &ctx.viewer, &campaign, ctx.now).await?;
    let rows = list
        .iter()
        .map(|b| {
            (
                b.number,
                b.title.clone(),
                b.state().words(ctx.lang),
                when(b.lift_at),
            )
        })
        .collect();
    let may_create = ctx.viewer.is_hq() && ctx.viewer.has_role(kumiai_core::Role::Editor);
    let title = format!("{year}{}", ctx.t("年闘争 速報", " wage round: bulletins"));
    Ok(render_page(
        &ctx,
        &title,
        &[Crumb::here(&title)],
        &ListBody {
            l: ctx.lang,
            csrf: &ctx.csrf,
            year,
            rows,
            may_create,
        },
    ))
}

pub async fn create(
    ctx: Ctx,
    PathParams(year): PathParams<i64>,
    FormBody(d): FormBody<Draft>,
) -> AppResult<Response> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let b = bulletins::create(ctx.db(), &ctx.viewer, &campaign, &d, ctx.now).await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/campaign/{year}/bulletins/{}", b.number),
        Msg::new("速報の下書きを作りました。", "Bulletin drafted."),
    ))
}

#[derive(Template)]
#[template(path = "campaign_bulletin.html")]
struct BulletinBody {
    l: Lang,
    as_of: String,
    commentary: String,
    sections: Vec<(String, Vec<Line>)>,
    rounding: String,
}

impl BulletinBody {
    fn yen(&self, v: &Option<i64>) -> String {
        super::yen(*v)
    }
    fn months(&self, v: &Option<f64>) -> String {
        super::months(*v)
    }
}

/// The bulletin's own part of the page, the same for every reader of one version.
fn body_html(l: Lang, b: &Bulletin) -> AppResult<String> {
    let t = b.frozen().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("bulletin {} holds no readable tally", b.id))
    })?;
    let body = BulletinBody {
        l,
        as_of: time::format_ms(b.as_of),
        commentary: kumiai_platform::text::linkify(&b.commentary),
        sections: vec![
            (
                l.t("集計対象組合（速報対象）", "Headline unions").into(),
                lines(l, &t.headline),
            ),
            (l.t("全体集計", "All unions").into(), lines(l, &t.all)),
        ],
        rounding: t.rounding,
    };
    body.render().map_err(|e| AppError::Internal(e.into()))
}

#[derive(Template)]
#[template(path = "campaign_bulletin_page.html")]
struct PageBody<'a> {
    l: Lang,
    csrf: &'a str,
    year: i64,
    b: &'a Bulletin,
    state: BulletinState,
    lift: String,
    lift_input: String,
    body: &'a str,
    lines: Vec<Visible<BulletinLine>>,
    may_manage: bool,
}

impl PageBody<'_> {
    fn yen(&self, v: &Option<i64>) -> String {
        super::yen(*v)
    }
    fn state_words(&self, s: &str) -> &'static str {
        crate::entry::STATE_WORDS
            .iter()
            .find(|(c, _, _)| *c == s)
            .map(|(_, ja, en)| self.l.t(ja, en))
            .unwrap_or("")
    }
}

/// Kept per (bulletin, version, language) for readers without an account.
struct CachedBody(String);

pub async fn show(
    ctx: Ctx,
    PathParams((year, number)): PathParams<(i64, i64)>,
) -> AppResult<Response> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let b = bulletins::get(ctx.db(), &ctx.viewer, &campaign, number, ctx.now).await?;
    let body = if ctx.viewer.is_anonymous() {
        let key = format!("bulletin:{}:{}:{}", b.id, b.version, ctx.lang.code());
        match ctx.db().caches.lasting::<CachedBody>(&key) {
            Some(c) => c.0.clone(),
            None => {
                let html = body_html(ctx.lang, &b)?;
                let size = html.len();
                ctx.db()
                    .caches
                    .keep(&key, Arc::new(CachedBody(html.clone())), size);
                html
            }
        }
    } else {
        body_html(ctx.lang, &b)?
    };
    let lines = bulletins::lines(ctx.db(), &ctx.viewer, &b, ctx.now).await?;
    let page = PageBody {
        l: ctx.lang,
        csrf: &ctx.csrf,
        year,
        b: &b,
        state: b.state(),
        lift: when(b.lift_at),
        lift_input: b.lift_at.map(time::format_input_ms).unwrap_or_default(),
        body: &body,
        lines,
        may_manage: ctx.viewer.is_hq() && ctx.viewer.has_role(kumiai_core::Role::Editor),
    };
    let title = format!(
        "{year}{} {}{}{} {}",
        ctx.t("年闘争 速報", " wage round, bulletin"),
        ctx.t("第", "no. "),
        number,
        ctx.t("報", ":"),
        b.title
    );
    let list = format!("/campaign/{year}/bulletins");
    Ok(render_page(
        &ctx,
        &title,
        &[
            Crumb::link(ctx.t("速報", "Bulletins"), list),
            Crumb::here(format!(
                "{}{}{}",
                ctx.t("第", "No. "),
                number,
                ctx.t("報", "")
            )),
        ],
        &page,
    ))
}

/// The bulletin as a workbook: the aggregates, and the union lines the reader may see.
pub async fn xlsx(
    ctx: Ctx,
    PathParams((year, number)): PathParams<(i64, i64)>,
) -> AppResult<Response> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let b = bulletins::get(ctx.db(), &ctx.viewer, &campaign, number, ctx.now).await?;
    let lines = bulletins::lines(ctx.db(), &ctx.viewer, &b, ctx.now).await?;
    let bytes = crate::output::bulletin_workbook(&b, &lines).map_err(AppError::Internal)?;
    let name = format!("bulletin-{year}-{number}.xlsx");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The bulletin as a PDF, with the union lines the reader may see. Typesetting runs off the
/// request threads.
pub async fn pdf(
    ctx: Ctx,
    PathParams((year, number)): PathParams<(i64, i64)>,
) -> AppResult<Response> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let b = bulletins::get(ctx.db(), &ctx.viewer, &campaign, number, ctx.now).await?;
    let lines = bulletins::lines(ctx.db(), &ctx.viewer, &b, ctx.now).await?;
    let bulletin = b.into_inner();
    let made = tokio::task::spawn_blocking(move || crate::pdf::render(year, &bulletin, &lines))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let bytes = match made {
        Ok(b) => b,
        Err(kumiai_platform::pdf::PdfError::NotBuilt) => return Err(AppError::NotFound),
        Err(e) => return Err(AppError::Internal(e.into())),
    };
    let name = format!("bulletin-{year}-{number}.pdf");
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ScheduleForm {
    version: i64,
    lift_at: String,
}

async fn step(ctx: &Ctx, year: i64, number: i64) -> AppResult<Visible<Bulletin>> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    bulletins::get(ctx.db(), &ctx.viewer, &campaign, number, ctx.now).await
}

fn done(ctx: &Ctx, year: i64, number: i64, msg: Msg) -> Response {
    redirect_with_flash(ctx, &format!("/campaign/{year}/bulletins/{number}"), msg)
}

pub async fn approve(
    ctx: Ctx,
    PathParams((year, number)): PathParams<(i64, i64)>,
    FormBody(v): FormBody<VersionForm>,
) -> AppResult<Response> {
    let b = step(&ctx, year, number).await?;
    bulletins::approve(ctx.db(), &ctx.viewer, &b, v.version, ctx.now).await?;
    Ok(done(
        &ctx,
        year,
        number,
        Msg::new("承認しました。", "Approved."),
    ))
}

pub async fn schedule(
    ctx: Ctx,
    PathParams((year, number)): PathParams<(i64, i64)>,
    FormBody(f): FormBody<ScheduleForm>,
) -> AppResult<Response> {
    let b = step(&ctx, year, number).await?;
    let lift = time::parse_ms(&f.lift_at).ok_or_else(|| {
        AppError::Validation(vec![kumiai_platform::error::FieldError::refused(
            "lift_at",
            &f.lift_at,
            "解禁日時は 2025-03-12T14:00 の形で書いてください。",
            "Write the lift time as 2025-03-12T14:00.",
        )])
    })?;
    bulletins::schedule(ctx.db(), &ctx.viewer, &b, f.version, lift, ctx.now).await?;
    Ok(done(
        &ctx,
        year,
        number,
        Msg::new("公開を予約しました。", "Scheduled."),
    ))
}

pub async fn withdraw(
    ctx: Ctx,
    PathParams((year, number)): PathParams<(i64, i64)>,
    FormBody(v): FormBody<VersionForm>,
) -> AppResult<Response> {
    let b = step(&ctx, year, number).await?;
    bulletins::withdraw(ctx.db(), &ctx.viewer, &b, v.version, ctx.now).await?;
    Ok(done(
        &ctx,
        year,
        number,
        Msg::new("公開予約を取り消しました。", "Withdrawn."),
    ))
}

/// The bulletins the reader may see, newest first, as Atom.
pub async fn feed(ctx: Ctx) -> AppResult<Response> {
    let list = bulletins::recent(ctx.db(), &ctx.viewer, 50, ctx.now).await?;
    let years: std::collections::HashMap<i64, i64> = store::all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c.year))
        .collect();
    let esc = kumiai_platform::text::escape_html;
    let updated = list
        .iter()
        .map(|b| b.lift_at.unwrap_or(b.as_of))
        .max()
        .unwrap_or(0);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{}</title><id>urn:kumiai:campaign:bulletins</id><updated>{}</updated><link rel=\"self\" href=\"/campaign/bulletins.atom\"/>",
        esc(ctx.t("金属労協 春季生活闘争 速報", "JCM wage round bulletins")),
        time::rfc3339(updated)
    );
    for b in &list {
        let year = years.get(&b.campaign_id).copied().unwrap_or_default();
        let url = format!("/campaign/{year}/bulletins/{}", b.number);
        let t = b.frozen();
        let summary = t.map(|t| {
            let yen = super::yen;
            format!(
                "{}: {} / {}: {}",
                ctx.t("ベア平均（全体）", "Base-up average (all)"),
                yen(t.all.overall.base_up_avg_yen),
                ctx.t("集計対象組合", "Headline unions"),
                yen(t.headline.overall.base_up_avg_yen)
            )
        });
        xml.push_str(&format!(
            "<entry><title>{}</title><id>urn:kumiai:campaign:bulletin:{}</id><link href=\"{url}\"/><updated>{}</updated><summary>{}</summary></entry>",
            esc(&format!("{year}年闘争 第{}報 {}", b.number, b.title)),
            b.id,
            time::rfc3339(b.lift_at.unwrap_or(b.as_of)),
            esc(&summary.unwrap_or_default())
        ));
    }
    xml.push_str("</feed>");
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}
