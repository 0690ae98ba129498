//! Entering a union's demand and answer: the list of unions the reader may enter (a union's
//! officers see their own, an industrial union its unions, the head office one industrial union
//! at a time), and the form. A save based on an older version merges what only one side changed;
//! when both changed the same field, the conflict page shows both versions.

use crate::entry::{self, AnswerInput, STATE_WORDS};
use crate::model::{AnswerRecord, Status};
use crate::store;
use askama::Template;
use axum::response::Response;
use kumiai_core::{Lang, Msg, OrgKind};
use kumiai_directory::reference;
use kumiai_platform::error::FieldError;
use kumiai_platform::web::layout::{render_form, render_page};
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, FormErrors, Patch, PathParams, QueryParams};
use kumiai_platform::{AppError, AppResult, Visible};

/// One union in the list.
struct Row {
    code: String,
    name: String,
    status: Status,
    base_up: String,
    editable: bool,
}

#[derive(Template)]
#[template(path = "campaign_answers.html")]
struct ListBody {
    l: Lang,
    year: i64,
    /// (code, name) of the industrial unions, for the head office to choose one.
    industrial_unions: Vec<(String, String)>,
    chosen: String,
    rows: Vec<Row>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    iu: String,
}

fn base_up_words(l: Lang, a: &AnswerRecord) -> String {
    match crate::model::base_up(&a.base_up_state, a.base_up_won_yen) {
        crate::tally::BaseUp::Won(y) => format!(
            "{}{}",
            kumiai_platform::db::group_digits(y),
            l.t("円", " yen")
        ),
        crate::tally::BaseUp::NotCalculable => {
            l.t("獲得（算定不能）", "Won (not calculable)").into()
        }
        crate::tally::BaseUp::None => l.t("なし", "None").into(),
        crate::tally::BaseUp::Negotiating => "—".into(),
    }
}

pub async fn list(
    ctx: Ctx,
    PathParams(year): PathParams<i64>,
    QueryParams(q): QueryParams<ListQuery>,
) -> AppResult<Response> {
    let acct = ctx.viewer.account().ok_or(AppError::Unauthorized)?;
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let db = ctx.db();
    let mine = reference::org(db, &ctx.viewer, acct.org_id, ctx.now).await?;
    let mut industrial_unions = vec![];
    let root = if ctx.viewer.is_hq() {
        let all = reference::subtree(db, &ctx.viewer, &mine, 100_000, ctx.now).await?;
        industrial_unions = all
            .iter()
            .filter(|o| o.kind == OrgKind::IndustrialUnion)
            .map(|o| (o.code.clone(), o.name(ctx.lang).to_string()))
            .collect();
        match q.iu.trim() {
            "" => None,
            code => Some(reference::org_by_code(db, &ctx.viewer, code, ctx.now).await?),
        }
    } else {
        Some(mine)
    };
    let mut rows = vec![];
    if let Some(root) = root {
        let unions = reference::subtree(db, &ctx.viewer, &root, 100_000, ctx.now).await?;
        let given: std::collections::HashMap<_, Visible<AnswerRecord>> =
            store::answers(db, &ctx.viewer, &campaign, ctx.now)
                .await?
                .into_iter()
                .map(|a| (a.org_id, a))
                .collect();
        let editable = root.can_edit(&ctx.viewer, ctx.now);
        for u in unions.iter().filter(|u| u.kind == OrgKind::EnterpriseUnion) {
            let a = given.get(&u.id);
            rows.push(Row {
                code: u.code.clone(),
                name: u.name(ctx.lang).to_string(),
                status: a.map(|a| a.status()).unwrap_or(Status::NoAnswer),
                base_up: a
                    .map(|a| base_up_words(ctx.lang, a))
                    .unwrap_or_else(|| "—".into()),
                editable,
            });
        }
    }
    let title = format!(
        "{year}{}",
        ctx.t(
            "年闘争 要求・回答の入力",
            " wage round: demands and answers"
        )
    );
    let body = ListBody {
        l: ctx.lang,
        year,
        industrial_unions,
        chosen: q.iu,
        rows,
    };
    Ok(render_page(&ctx, &title, &[Crumb::here(&title)], &body))
}

#[derive(Template)]
#[template(path = "campaign_answer_form.html")]
struct FormBody<'a> {
    l: Lang,
    csrf: &'a str,
    year: i64,
    code: String,
    demand_standard: Option<i64>,
    f: AnswerInput,
    version: i64,
    status: Status,
    may_edit: bool,
    hq: bool,
    states: &'static [(&'static str, &'static str, &'static str)],
    /// The round's other items.
    items: Vec<String>,
    errs: FormErrors,
}

impl FormBody<'_> {
    fn digits(&self, n: &i64) -> String {
        kumiai_platform::db::group_digits(*n)
    }
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    ctx: &Ctx,
    year: i64,
    campaign: &crate::model::Campaign,
    org: &Visible<kumiai_directory::org::Organisation>,
    stored: Option<&Visible<AnswerRecord>>,
    f: AnswerInput,
    version: i64,
    errs: Vec<FieldError>,
) -> Response {
    let failed = !errs.is_empty();
    let body = FormBody {
        l: ctx.lang,
        csrf: &ctx.csrf,
        year,
        code: org.code.clone(),
        demand_standard: campaign.demand_standard_yen,
        f,
        version,
        status: stored.map(|a| a.status()).unwrap_or(Status::NoAnswer),
        may_edit: entry::may_enter(&ctx.viewer, org, ctx.now),
        hq: ctx.viewer.is_hq(),
        states: &STATE_WORDS,
        items: entry::tracked_items(campaign),
        errs: FormErrors::new(errs, ctx.lang),
    };
    let title = format!(
        "{}: {year}{}",
        org.name(ctx.lang),
        ctx.t("年闘争の要求・回答", " wage round, demand and answer")
    );
    let list = format!("/campaign/{year}/answers");
    render_form(
        ctx,
        &title,
        &[
            Crumb::link(ctx.t("要求・回答の入力", "Demands and answers"), list),
            Crumb::here(org.name(ctx.lang)),
        ],
        &body,
        failed,
    )
}

pub async fn form(
    ctx: Ctx,
    PathParams((year, code)): PathParams<(i64, String)>,
) -> AppResult<Response> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let (org, stored) = entry::load(ctx.db(), &ctx.viewer, &campaign, &code, ctx.now).await?;
    // Someone who may neither enter nor see this union's answer learns nothing of it, not even
    // that none is stored.
    if stored.is_none() && !entry::may_enter(&ctx.viewer, &org, ctx.now) {
        return Err(AppError::NotFound);
    }
    let f = stored
        .as_ref()
        .map(|a| AnswerInput::from_record(a))
        .unwrap_or_default();
    let version = stored.as_ref().map_or(0, |a| a.version);
    Ok(form_page(
        &ctx,
        year,
        &campaign,
        &org,
        stored.as_ref(),
        f,
        version,
        vec![],
    ))
}

pub async fn save(
    ctx: Ctx,
    PathParams((year, code)): PathParams<(i64, String)>,
    patch: Patch,
) -> AppResult<Response> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    match entry::save(ctx.db(), &ctx.viewer, &campaign, &code, &patch, ctx.now).await {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/campaign/{year}/answers/{code}"),
            Msg::new("保存しました。", "Saved."),
        )),
        Err(AppError::Validation(errs)) => {
            // Shown again as sent, on top of what is stored.
            let (org, stored) =
                entry::load(ctx.db(), &ctx.viewer, &campaign, &code, ctx.now).await?;
            let base = stored
                .as_ref()
                .map(|a| AnswerInput::from_record(a))
                .unwrap_or_default();
            let f = patch.apply(&base).unwrap_or(base);
            Ok(form_page(
                &ctx,
                year,
                &campaign,
                &org,
                stored.as_ref(),
                f,
                patch.version().unwrap_or(0),
                errs,
            ))
        }
        Err(e) => Err(e),
    }
}
