//! Entering a whole industrial union's member counts for one year at once: a grid of its
//! enterprise unions (those the reader sees), saved all together or not at all, and the same
//! grid as an .xlsx template that the import page takes back.

use crate::counts::{self, CountInput, MemberCount};
use crate::org::{Organisation, store};
use crate::rollup::GridRow;
use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kumiai_core::{FiscalYear, Lang, Msg, OrgId};
use kumiai_platform::audit::{Actor, UpdateError};
use kumiai_platform::db::group_digits;
use kumiai_platform::web::layout::render_form;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, FormBody, PathParams, QueryParams};
use kumiai_platform::{AppError, AppResult, FieldError, Visible};
use serde::Deserialize;
use std::collections::HashMap;

/// The organisation whose unions the grid lists: one that rolls up, which the reader may edit.
async fn parent(ctx: &Ctx, id: OrgId) -> AppResult<Visible<Organisation>> {
    let o = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if !crate::rollup::rolls_up(o.kind) {
        return Err(AppError::NotFound);
    }
    if !o.can_edit(&ctx.viewer, ctx.now) {
        return Err(AppError::Forbidden);
    }
    Ok(o)
}

async fn rows(ctx: &Ctx, o: &Visible<Organisation>, year: i64) -> AppResult<Vec<GridRow>> {
    Ok(crate::rollup::grid(ctx.db(), &ctx.viewer, o, year, ctx.now).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    year: String,
}

fn year_of(ctx: &Ctx, text: &str) -> AppResult<i64> {
    if text.trim().is_empty() {
        return Ok(i64::from(ctx.fiscal_year().0));
    }
    counts::parse_fiscal_year(text).filter(|y| (1950..=2100).contains(y)).ok_or_else(|| {
        AppError::Validation(vec![FieldError::refused("year", text, "年度を西暦の4桁で入力してください（例：2027）。", "Enter the fiscal year as four digits (e.g. 2027).")])
    })
}

#[derive(Template)]
#[template(path = "counts_grid.html")]
struct GridBody<'a> {
    l: Lang,
    csrf: &'a str,
    o: &'a Visible<Organisation>,
    year: i64,
    year_label: String,
    rows: Vec<GridRow>,
    /// What was typed, by field (`m{id}`, `d{id}`), when a save failed.
    typed: HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl GridBody<'_> {
    fn value(&self, field: &str, stored: &Option<i64>) -> String {
        match self.typed.get(field) {
            Some(v) => v.clone(),
            None => stored.map(|n| n.to_string()).unwrap_or_default(),
        }
    }
    fn invalid(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
    fn reported(&self) -> usize {
        self.rows.iter().filter(|r| r.members.is_some()).count()
    }
    fn total(&self) -> String {
        group_digits(self.rows.iter().filter_map(|r| r.members).sum())
    }
}

fn page(ctx: &Ctx, body: &GridBody<'_>) -> Response {
    let title = format!("{}: {}", ctx.t("組合員数の一括入力", "Member counts, all unions"), body.o.name(ctx.lang));
    let crumbs = [
        Crumb::link(ctx.t("組織", "Organisations"), "/directory/organisations"),
        Crumb::link(body.o.name(ctx.lang), format!("/directory/organisations/{}", body.o.id)),
        Crumb::here(ctx.t("組合員数の一括入力", "Member counts, all unions")),
    ];
    render_form(ctx, &title, &crumbs, body, !body.errors.is_empty())
}

pub async fn grid(ctx: Ctx, PathParams(id): PathParams<OrgId>, QueryParams(q): QueryParams<YearQuery>) -> AppResult<Response> {
    let o = parent(&ctx, id).await?;
    let year = year_of(&ctx, &q.year)?;
    let rows = rows(&ctx, &o, year).await?;
    let body = GridBody { l: ctx.lang, csrf: &ctx.csrf, year_label: ctx.fy_label(FiscalYear(year as i32)), o: &o, year, rows, typed: HashMap::new(), errors: vec![] };
    Ok(page(&ctx, &body))
}

/// Saves every union's counts typed in the grid in one transaction: a row left empty stays as it
/// is; any error (a bad number, a union changed meanwhile, one the reader may not edit) saves
/// nothing and shows the grid again with what was typed.
pub async fn save_grid(ctx: Ctx, PathParams(id): PathParams<OrgId>, FormBody(form): FormBody<HashMap<String, String>>) -> AppResult<Response> {
    let o = parent(&ctx, id).await?;
    let year = year_of(&ctx, form.get("year").map(String::as_str).unwrap_or(""))?;
    let grid = rows(&ctx, &o, year).await?;
    let l = ctx.lang;
    let mut errors = vec![];
    let mut todo: Vec<(&GridRow, counts::CheckedCount, i64)> = vec![];
    for r in &grid {
        let (m, d) = (format!("m{}", r.id), format!("d{}", r.id));
        let members = form.get(&m).map(|s| s.trim()).unwrap_or("");
        let dues = form.get(&d).map(|s| s.trim()).unwrap_or("");
        if members.is_empty() && dues.is_empty() {
            continue;
        }
        let input = CountInput { fiscal_year: year.to_string(), members: members.into(), dues_paying: dues.into(), version: None };
        match counts::check(&input) {
            Ok(c) => {
                let version = form.get(&format!("v{}", r.id)).and_then(|v| v.parse().ok()).unwrap_or(0);
                todo.push((r, c, version));
            }
            Err(errs) => errors.extend(errs.into_iter().map(|mut e| {
                let field = if e.field == "dues_paying" { d.clone() } else { m.clone() };
                e.message.ja = format!("{}（{}）: {}", r.name_ja, r.code, e.message.ja);
                e.message.en = format!("{} ({}): {}", r.name(Lang::En), r.code, e.message.en);
                e.field = field;
                e
            })),
        }
    }
    let mut saved = 0;
    if errors.is_empty() {
        let actor = Actor::of(&ctx.viewer);
        let mut tx = ctx.db().begin().await?;
        for (r, c, version) in &todo {
            let union = store::load_visible(ctx.db(), &ctx.viewer, OrgId(r.id), ctx.now).await?;
            if !union.can_edit(&ctx.viewer, ctx.now) {
                errors.push(FieldError::new(format!("m{}", r.id), format!("{}（{}）の組合員数を記録する権限がありません。", r.name_ja, r.code), format!("You may not record the counts of {} ({}).", r.name(Lang::En), r.code)));
                continue;
            }
            let existing: Option<MemberCount> = counts::of_year(ctx.db(), union.id, year).await?;
            match counts::write(&mut tx, &actor, union.id, c, existing.as_ref(), *version).await {
                Ok(true) => saved += 1,
                Ok(false) => {}
                Err(UpdateError::Stale(_)) => errors.push(FieldError::new(
                    format!("m{}", r.id),
                    format!("{}（{}）の組合員数は、この画面を開いた後にほかの人が変更しました。最新の値を確かめてください。", r.name_ja, r.code),
                    format!("Someone changed the counts of {} ({}) after you opened this page; check the current figures.", r.name(Lang::En), r.code),
                )),
                Err(UpdateError::Db(e)) => return Err(e.into()),
            }
        }
        if errors.is_empty() {
            ctx.db().commit(tx).await?;
            let label = ctx.fy_label(FiscalYear(year as i32));
            return Ok(redirect_with_flash(
                &ctx,
                &format!("/directory/organisations/{id}#counts"),
                Msg::new(format!("{label}の組合員数を{saved}件記録しました。"), format!("Recorded {saved} member counts for {label}.")),
            ));
        }
    }
    // Nothing saved: the grid again, as typed, with each error by its union.
    let typed = form.into_iter().filter(|(k, _)| k.starts_with('m') || k.starts_with('d')).collect();
    let rows = rows(&ctx, &o, year).await?;
    let body = GridBody { l, csrf: &ctx.csrf, year_label: ctx.fy_label(FiscalYear(year as i32)), o: &o, year, rows, typed, errors };
    Ok(page(&ctx, &body))
}

/// The grid as an .xlsx file: code, name, year and the counts recorded so far, which the import
/// page (member counts) takes back; the name column is there for people and ignored on import.
pub async fn template(ctx: Ctx, PathParams(id): PathParams<OrgId>, QueryParams(q): QueryParams<YearQuery>) -> AppResult<Response> {
    let o = parent(&ctx, id).await?;
    let year = year_of(&ctx, &q.year)?;
    let rows = rows(&ctx, &o, year).await?;
    let l = ctx.lang;
    let headers = [("組織コード", "code"), ("名称", "name"), ("年度", "fiscal_year"), ("組合員数", "members"), ("会費納入人員", "dues_paying")];
    let export = crate::io::export::Export {
        headers: headers.iter().map(|(ja, en)| l.t(ja, en).to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| vec![r.code.clone(), r.name(l).to_string(), year.to_string(), r.members.map(|n| n.to_string()).unwrap_or_default(), r.dues_paying.map(|n| n.to_string()).unwrap_or_default()])
            .collect(),
    };
    let bytes = export.to_xlsx("counts")?;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    let name = format!("attachment; filename=\"kumiai-counts-{}-{year}.xlsx\"", o.code);
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&name).map_err(|e| AppError::Internal(e.into()))?);
    Ok(resp)
}
