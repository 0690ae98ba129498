//! MediaWiki import reports, for the head office's admins: each run of
//! `kumiai wiki import-mediawiki` saves one (files missing, templates not expanded, pages refused),
//! and what it lists waits for someone to act on it. The dashboard lists the newest; each opens
//! as text. They name pages of every reach, so only head-office admins see them.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kumiai_core::time;
use kumiai_platform::module::Panel;
use kumiai_platform::search::BoxFuture;
use kumiai_platform::text::escape_html;
use kumiai_platform::web::{Ctx, Guard, PathParams, Route};
use kumiai_platform::{AppError, AppResult};
use std::path::PathBuf;

pub fn routes() -> Vec<Route> {
    // The reports are files, not records: the route checks the admin itself.
    vec![Route::get("/wiki/import-reports/{name}", Guard::Open, get(show))]
}

fn dir(ctx: &Ctx) -> PathBuf {
    ctx.state.config.data_dir.join("import-reports")
}

/// (file name, modified ms, the report's own count lines) of the newest reports.
fn newest(ctx: &Ctx, most: usize) -> Vec<(String, i64, Vec<String>)> {
    let Ok(entries) = std::fs::read_dir(dir(ctx)) else { return vec![] };
    let mut files: Vec<(String, i64)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let modified = e.metadata().ok()?.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as i64;
            (name.starts_with("mediawiki-") && name.ends_with(".txt")).then_some((name, modified))
        })
        .collect();
    files.sort_by(|a, b| b.1.cmp(&a.1));
    files
        .into_iter()
        .take(most)
        .map(|(name, at)| {
            let text = std::fs::read_to_string(dir(ctx).join(&name)).unwrap_or_default();
            // The section headings that list something waiting: "files missing / … (2):".
            let waiting = text.lines().filter(|l| !l.starts_with(' ') && l.trim_end().ends_with("):")).map(|l| l.trim_end_matches(':').to_string()).collect();
            (name, at, waiting)
        })
        .collect()
}

/// The dashboard panel: the newest import reports and what each leaves to do.
pub fn panel(ctx: &Ctx) -> BoxFuture<'_, AppResult<Option<Panel>>> {
    Box::pin(async move {
        if !ctx.viewer.is_hq_admin() {
            return Ok(None);
        }
        let reports = newest(ctx, 5);
        if reports.is_empty() {
            return Ok(None);
        }
        let mut html = String::from("<ul>");
        for (name, at, waiting) in &reports {
            html.push_str(&format!("<li><a href=\"/wiki/import-reports/{}\">{}</a>", escape_html(name), time::format_ms(*at)));
            if !waiting.is_empty() {
                html.push_str(&format!("<br><small>{}</small>", escape_html(&waiting.join(" · "))));
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
        Ok(Some(Panel { order: 15, title: ctx.t("MediaWiki 取り込みの報告", "MediaWiki import reports").into(), html, more: None }))
    })
}

async fn show(ctx: Ctx, PathParams(name): PathParams<String>) -> AppResult<Response> {
    if !ctx.viewer.is_hq_admin() {
        return Err(if ctx.viewer.is_anonymous() { AppError::Unauthorized } else { AppError::Forbidden });
    }
    // Only a report's own name: no path.
    if !(name.starts_with("mediawiki-") && name.ends_with(".txt") && name[10..name.len() - 4].bytes().all(|b| b.is_ascii_digit())) {
        return Err(AppError::NotFound);
    }
    let text = std::fs::read_to_string(dir(&ctx).join(&name)).map_err(|_| AppError::NotFound)?;
    let mut resp = text.into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    Ok(resp)
}
