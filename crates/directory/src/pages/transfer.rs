//! Export downloads and the import page.

use crate::io::{Sheet, Table, export, import};
use crate::org::store::ListQuery;
use crate::people::store::PeopleQuery;
use askama::Template;
use axum::extract::Multipart;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kumiai_core::{Lang, Msg, Role};
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, PathParams, QueryParams, layout::render_form};
use kumiai_platform::{AppError, AppResult, FieldError};
use serde::Deserialize;

/// The largest spreadsheet the import page takes.
pub const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    encoding: String,
}

/// `/directory/export/{organisations|people|counts}.{csv|xlsx}`; `?encoding=sjis` for Shift_JIS CSV.
pub async fn export(ctx: Ctx, PathParams(file): PathParams<String>, QueryParams(q): QueryParams<ExportQuery>, QueryParams(oq): QueryParams<ListQuery>, QueryParams(pq): QueryParams<PeopleQuery>) -> AppResult<Response> {
    let (name, ext) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let sheet = Sheet::parse(name).ok_or(AppError::NotFound)?;
    let data = match sheet {
        Sheet::Organisations => export::organisations(ctx.db(), &ctx.viewer, &oq, ctx.lang, ctx.now).await?,
        Sheet::People => export::people(ctx.db(), &ctx.viewer, &pq, ctx.lang, ctx.now).await?,
        Sheet::Counts => export::counts(ctx.db(), &ctx.viewer, &oq, ctx.lang, ctx.now).await?,
    };
    let (bytes, ctype) = match ext {
        "csv" if q.encoding == "sjis" => (data.to_csv_sjis()?, "text/csv; charset=Shift_JIS"),
        "csv" => (data.to_csv_utf8(), "text/csv; charset=utf-8"),
        "xlsx" => (data.to_xlsx(sheet.as_str())?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        _ => return Err(AppError::NotFound),
    };
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    let disposition = format!("attachment; filename=\"kumiai-{}.{ext}\"", sheet.as_str());
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.into()))?);
    Ok(resp)
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportBody<'a> {
    l: Lang,
    csrf: &'a str,
    errors: Vec<(String, String, String, String)>,
    sheet: &'a str,
    /// What this reader may import: everything (the head office) or member counts.
    sheets: Vec<(&'static str, &'static str, &'static str)>,
}

fn import_page(ctx: &Ctx, sheet: &str, errors: Vec<FieldError>) -> Response {
    let failed = !errors.is_empty();
    let errors = errors
        .into_iter()
        .map(|e| (e.file.unwrap_or_default(), e.row.map(|r| r.to_string()).unwrap_or_default(), e.field, e.message.get(ctx.lang).to_string()))
        .collect();
    let title = ctx.t("一括取り込み", "Import");
    render_form(
        ctx,
        title,
        &[Crumb::link(ctx.t("組織", "Organisations"), "/directory/organisations"), Crumb::here(title)],
        &ImportBody {
            l: ctx.lang,
            csrf: &ctx.csrf,
            errors,
            sheet,
            sheets: [("organisations", "組織", "Organisations"), ("people", "人物", "People"), ("counts", "組合員数", "Member counts")]
                .into_iter()
                .filter(|(v, _, _)| Sheet::parse(v).is_some_and(|s| import::may_import(&ctx.viewer, s)))
                .collect(),
        },
        failed,
    )
}

/// Head-office admins import anything; an industrial union's admins import member counts.
fn require_importer(ctx: &Ctx) -> AppResult<()> {
    ctx.require_role(Role::Admin)?;
    if import::may_import(&ctx.viewer, Sheet::Counts) { Ok(()) } else { Err(AppError::Forbidden) }
}

pub async fn import_form(ctx: Ctx) -> AppResult<Response> {
    require_importer(&ctx)?;
    Ok(import_page(&ctx, if ctx.viewer.is_hq() { "organisations" } else { "counts" }, vec![]))
}

pub async fn import(ctx: Ctx, req: axum::extract::Request) -> AppResult<Response> {
    require_importer(&ctx)?;
    let mut form = <Multipart as axum::extract::FromRequest<()>>::from_request(req, &())
        .await
        .map_err(|e| kumiai_platform::error::body_rejection(e.status(), &e.body_text(), IMPORT_LIMIT, ("送信", "upload")))?;
    let mut sheet = String::from("organisations");
    let mut file: Option<(String, Vec<u8>)> = None;
    let bad = |e: axum::extract::multipart::MultipartError| kumiai_platform::error::body_rejection(e.status(), &e.body_text(), IMPORT_LIMIT, ("送信", "upload"));
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("sheet") => sheet = field.text().await.map_err(bad)?,
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_string();
                file = Some((name, field.bytes().await.map_err(bad)?.to_vec()));
            }
            _ => {}
        }
    }
    let Some(kind) = Sheet::parse(&sheet) else {
        return Ok(import_page(&ctx, &sheet, vec![FieldError::new("sheet", "取り込む種類を選んでください。", "Choose what the file holds.")]));
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(import_page(&ctx, &sheet, vec![FieldError::new("file", "ファイルを選んでください。", "Choose a file.")]));
    };
    let table = match Table::read(&name, &bytes) {
        Ok(t) => t,
        Err(e) => return Ok(import_page(&ctx, &sheet, vec![e])),
    };
    match import::run(ctx.db(), &ctx.viewer, kind, &table, ctx.now).await {
        Ok(rep) => Ok(redirect_with_flash(
            &ctx,
            "/directory/organisations",
            Msg::new(
                format!("{name}を取り込みました：新規{}件、更新{}件、変更なし{}件。", rep.created, rep.updated, rep.unchanged),
                format!("Imported {name}: {} created, {} updated, {} unchanged.", rep.created, rep.updated, rep.unchanged),
            ),
        )),
        Err(AppError::Validation(errs)) => Ok(import_page(&ctx, &sheet, errs)),
        Err(e) => Err(e),
    }
}
