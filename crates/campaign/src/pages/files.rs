//! Answers in bulk on the web: an industrial union's Excel template to download (its unions
//! pre-filled) and an answers file to upload (CSV or .xlsx; all rows or none, each problem named
//! by file, row and column). The same rules as the command line and the form.

use crate::store;
use askama::Template;
use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kumiai_core::{Lang, Msg, OrgKind};
use kumiai_directory::io::Table;
use kumiai_directory::reference;
use kumiai_platform::web::layout::render_form;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, PathParams};
use kumiai_platform::{AppError, AppResult};

/// The largest answers file taken (3,000 unions fit in well under 2 MB).
pub const UPLOAD_LIMIT: usize = 16 * 1024 * 1024;

#[derive(Template)]
#[template(path = "campaign_import.html")]
struct ImportBody<'a> {
    l: Lang,
    csrf: &'a str,
    year: i64,
    /// (code, name) of the industrial unions whose template the reader may take.
    templates: Vec<(String, String)>,
    /// (file, row, column, reason)
    errors: Vec<(String, String, String, String)>,
}

async fn page(
    ctx: &Ctx,
    year: i64,
    errors: Vec<(String, String, String, String)>,
) -> AppResult<Response> {
    let acct = ctx.viewer.account().ok_or(AppError::Unauthorized)?;
    let mine = reference::org(ctx.db(), &ctx.viewer, acct.org_id, ctx.now).await?;
    let templates = if ctx.viewer.is_hq() {
        reference::subtree(ctx.db(), &ctx.viewer, &mine, 100_000, ctx.now)
            .await?
            .iter()
            .filter(|o| o.kind == OrgKind::IndustrialUnion)
            .map(|o| (o.code.clone(), o.name(ctx.lang).to_string()))
            .collect()
    } else if mine.kind == OrgKind::IndustrialUnion && mine.can_edit(&ctx.viewer, ctx.now) {
        vec![(mine.code.clone(), mine.name(ctx.lang).to_string())]
    } else {
        vec![]
    };
    let failed = !errors.is_empty();
    let title = format!(
        "{year}{}",
        ctx.t("年闘争 回答の一括取り込み", " wage round: import answers")
    );
    let list = format!("/campaign/{year}/answers");
    let body = ImportBody {
        l: ctx.lang,
        csrf: &ctx.csrf,
        year,
        templates,
        errors,
    };
    Ok(render_form(
        ctx,
        &title,
        &[
            Crumb::link(ctx.t("要求・回答の入力", "Demands and answers"), list),
            Crumb::here(ctx.t("一括取り込み", "Import")),
        ],
        &body,
        failed,
    ))
}

pub async fn form(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Response> {
    ctx.require_role(kumiai_core::Role::Editor)?;
    store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    page(&ctx, year, vec![]).await
}

pub async fn upload(
    ctx: Ctx,
    PathParams(year): PathParams<i64>,
    mut form: Multipart,
) -> AppResult<Response> {
    ctx.require_role(kumiai_core::Role::Editor)?;
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let bad = |e: axum::extract::multipart::MultipartError| {
        kumiai_platform::error::body_rejection(
            e.status(),
            &e.body_text(),
            UPLOAD_LIMIT,
            ("送信", "upload"),
        )
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("answers.csv").to_string();
            file = Some((name, field.bytes().await.map_err(bad)?.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return page(
            &ctx,
            year,
            vec![(
                String::new(),
                String::new(),
                "file".into(),
                ctx.t("ファイルを選んでください。", "Choose a file.").into(),
            )],
        )
        .await;
    };
    let table = match Table::read(&name, &bytes) {
        Ok(t) => t,
        Err(e) => {
            return page(
                &ctx,
                year,
                vec![(
                    name,
                    e.row.map(|r| r.to_string()).unwrap_or_default(),
                    e.field,
                    e.message.get(ctx.lang).to_string(),
                )],
            )
            .await;
        }
    };
    let problems = match store::import_file(
        ctx.db(),
        &ctx.viewer,
        &campaign,
        &table.headers,
        &table.rows,
        ctx.now,
    )
    .await?
    {
        Ok(rep) => {
            let msg = Msg::new(
                format!(
                    "{name}を取り込みました：新規{}件、更新{}件、変更なし{}件。",
                    rep.created, rep.updated, rep.unchanged
                ),
                format!(
                    "Imported {name}: {} created, {} updated, {} unchanged.",
                    rep.created, rep.updated, rep.unchanged
                ),
            );
            return Ok(redirect_with_flash(
                &ctx,
                &format!("/campaign/{year}/answers"),
                msg,
            ));
        }
        Err(p) => p,
    };
    let errors = problems
        .into_iter()
        .map(|p| {
            (
                name.clone(),
                p.row.to_string(),
                p.column,
                if ctx.lang == Lang::En { p.en } else { p.ja },
            )
        })
        .collect();
    page(&ctx, year, errors).await
}

/// An industrial union's answers template, for its editors and the head office.
pub async fn template(
    ctx: Ctx,
    PathParams((year, code)): PathParams<(i64, String)>,
) -> AppResult<Response> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let iu = reference::org_by_code(ctx.db(), &ctx.viewer, &code, ctx.now).await?;
    if iu.kind != OrgKind::IndustrialUnion || !iu.can_edit(&ctx.viewer, ctx.now) {
        return Err(AppError::NotFound);
    }
    let (name, rows) =
        store::template_rows(ctx.db(), &ctx.viewer, &campaign, &code, ctx.now).await?;
    let bytes = crate::template::workbook(&name, year, &rows)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    let file = format!("answers-{year}-{code}.xlsx");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
