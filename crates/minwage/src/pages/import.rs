//! Importing a regional, industry or agreements file on the web (the head office's editors): the
//! same path as the command line, all rows or none, every problem named with file, row and column.

use crate::import::{self, Kind};
use askama::Template;
use axum::extract::Multipart;
use axum::response::Response;
use kumiai_core::{Lang, Msg, Reach};
use kumiai_platform::web::layout::render_form;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx};
use kumiai_platform::{AppError, AppResult};

pub const UPLOAD_LIMIT: usize = 32 * 1024 * 1024;

#[derive(Template)]
#[template(path = "minwage_import.html")]
struct Body<'a> {
    l: Lang,
    csrf: &'a str,
    /// (file, row, column, reason)
    errors: Vec<(String, String, String, String)>,
}

fn page(ctx: &Ctx, errors: Vec<(String, String, String, String)>) -> Response {
    let title = ctx.t("最低賃金ファイルの取り込み", "Import a minimum-wage file");
    let failed = !errors.is_empty();
    render_form(ctx, title, &[Crumb::link(ctx.t("最低賃金", "Minimum wages"), "/minwage"), Crumb::here(title)], &Body { l: ctx.lang, csrf: &ctx.csrf, errors }, failed)
}

fn head_office_editor(ctx: &Ctx) -> AppResult<()> {
    ctx.require_role(kumiai_core::Role::Editor)?;
    kumiai_platform::reach::index_reach(&ctx.viewer);
    if ctx.viewer.is_hq() { Ok(()) } else { Err(AppError::Forbidden) }
}

pub async fn form(ctx: Ctx) -> AppResult<Response> {
    head_office_editor(&ctx)?;
    Ok(page(&ctx, vec![]))
}

pub async fn upload(ctx: Ctx, mut form: Multipart) -> AppResult<Response> {
    head_office_editor(&ctx)?;
    let bad = |e: axum::extract::multipart::MultipartError| kumiai_platform::error::body_rejection(e.status(), &e.body_text(), UPLOAD_LIMIT, ("送信", "upload"));
    let (mut file, mut kind, mut reach) = (None, String::new(), String::new());
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("minwage.csv").to_string();
                file = Some((name, field.bytes().await.map_err(bad)?.to_vec()));
            }
            Some("kind") => kind = field.text().await.map_err(bad)?,
            Some("reach") => reach = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    let Some(kind) = Kind::parse(&kind) else {
        return Ok(page(&ctx, vec![(String::new(), String::new(), "kind".into(), ctx.t("種類を選んでください。", "Choose the kind of file.").into())]));
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(page(&ctx, vec![(String::new(), String::new(), "file".into(), ctx.t("ファイルを選んでください。", "Choose a file.").into())]));
    };
    let reach = Reach::parse(&reach).unwrap_or(Reach::Public);
    match import::import(ctx.db(), &ctx.viewer, kind, &name, &bytes, reach, ctx.now).await {
        Ok(rep) => Ok(redirect_with_flash(
            &ctx,
            "/minwage",
            Msg::new(format!("{name}を取り込みました：新規{}件、更新{}件、変更なし{}件。", rep.created, rep.updated, rep.unchanged), format!("Imported {name}: {} created, {} updated, {} unchanged.", rep.created, rep.updated, rep.unchanged)),
        )),
        Err(AppError::Validation(v)) => Ok(page(
            &ctx,
            v.into_iter().map(|p| (p.file.unwrap_or_else(|| name.clone()), p.row.map(|r| r.to_string()).unwrap_or_default(), p.field, p.message.get(ctx.lang).to_string())).collect(),
        )),
        Err(e) => Err(e),
    }
}
