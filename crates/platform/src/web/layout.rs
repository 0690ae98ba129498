//! The page layout: every HTML page is a module's body wrapped here, so navigation, the language
//! switch, breadcrumbs, flash messages and the logout form are the same everywhere.

use super::ctx::{Ctx, RequestAuth};
use super::{AppState, NavFor};
use crate::error::{AppError, FieldError};
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use kumiai_core::{Era, Lang, Role, Tier};

#[derive(Clone, Debug)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

impl Crumb {
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Crumb {
        Crumb { label: label.into(), href: Some(href.into()) }
    }
    pub fn here(label: impl Into<String>) -> Crumb {
        Crumb { label: label.into(), href: None }
    }
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "layout.html")]
struct Layout<'a> {
    l: Lang,
    title: &'a str,
    crumbs: &'a [Crumb],
    body: &'a str,
    nav: Vec<NavLink>,
    who: Option<String>,
    csrf: &'a str,
    flash: Option<&'a str>,
    switch_href: String,
    /// Switches years between 西暦 and 和暦 (label, href).
    era_switch: (&'static str, String),
    has_search: bool,
}

fn nav_for(state: &AppState, auth: &RequestAuth, uri: &str) -> Vec<NavLink> {
    let acct = auth.account.as_ref();
    state
        .nav
        .iter()
        .filter(|n| match n.shown_to {
            NavFor::Everyone => true,
            NavFor::LoggedIn => acct.is_some(),
            NavFor::Admins => acct.is_some_and(|a| a.role == Role::Admin),
            NavFor::HqAdmins => acct.is_some_and(|a| a.role == Role::Admin && a.tier == Tier::Hq),
        })
        .map(|n| NavLink {
            href: n.href,
            label: auth.lang.t(n.ja, n.en),
            active: n.href != "/" && uri.starts_with(n.href),
        })
        .collect()
}

fn render(state: &AppState, auth: &RequestAuth, uri: &str, title: &str, crumbs: &[Crumb], body: &str) -> Response {
    let l = auth.lang;
    let who = auth.account.as_ref().map(|a| match l {
        Lang::Ja => format!("{}（{}・{}）", a.display_name, a.tier.label(l), a.role.label(l)),
        Lang::En => format!("{} ({}, {})", a.display_name, a.tier.label(l), a.role.label(l)),
    });
    let flash = auth.flash.as_ref().map(|m| m.get(l));
    let page = Layout {
        l,
        title,
        crumbs,
        body,
        nav: nav_for(state, auth, uri),
        who,
        csrf: &auth.csrf,
        flash,
        switch_href: format!("/lang?to={}&back={}", l.other().code(), super::cookies::encode(uri)),
        era_switch: match auth.era {
            Era::Western => (l.t("和暦で表示", "Show Japanese era years"), format!("/era?to=japanese&back={}", super::cookies::encode(uri))),
            Era::Japanese => (l.t("西暦で表示", "Show Western years"), format!("/era?to=western&back={}", super::cookies::encode(uri))),
        },
        has_search: state.guards.contains_key(&(axum::http::Method::GET, "/search".to_string())),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}

/// Wraps a module's rendered body in the layout.
pub fn page(ctx: &Ctx, title: &str, crumbs: &[Crumb], body: String) -> Response {
    let auth = RequestAuth {
        account: ctx.viewer.account().cloned(),
        csrf: ctx.csrf.clone(),
        lang: ctx.lang,
        era: ctx.era,
        flash: ctx.flash.clone(),
        secure: ctx.secure,
        ..RequestAuth::anonymous(ctx.lang)
    };
    render(&ctx.state, &auth, &ctx.uri, title, crumbs, &body)
}

/// Renders a body template, then wraps it.
pub fn render_page(ctx: &Ctx, title: &str, crumbs: &[Crumb], body: &impl Template) -> Response {
    match body.render() {
        Ok(html) => page(ctx, title, crumbs, html),
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}

/// A form page: 422 when it is shown again with errors, so clients and tests can tell.
pub fn render_form(ctx: &Ctx, title: &str, crumbs: &[Crumb], body: &impl Template, has_errors: bool) -> Response {
    let mut r = render_page(ctx, title, crumbs, body);
    if has_errors {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorBody<'a> {
    l: Lang,
    message: &'a str,
    fields: Vec<(String, String)>,
    conflict: Vec<(String, String, String)>,
    /// After a conflict: the record's page, to go back to.
    record_href: Option<&'a str>,
    retry_href: Option<&'a str>,
    logged_in: bool,
}

fn show(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// The page for an error that reached the shell. A version conflict lists both versions, field by
/// field, so the reader can redo their change on top of the current one.
pub fn error_page(state: &AppState, auth: &RequestAuth, uri: &str, err: &AppError) -> Response {
    let l = auth.lang;
    let fields = match err {
        AppError::Validation(f) => f.iter().map(|e| (location(e), e.message.get(l).to_string())).collect(),
        _ => vec![],
    };
    let conflict = match err {
        AppError::Conflict { yours, current, labels } => {
            let empty = serde_json::Map::new();
            let (y, c) = (yours.as_object().unwrap_or(&empty), current.as_object().unwrap_or(&empty));
            let mut keys: Vec<&String> = y.keys().chain(c.keys()).collect();
            keys.sort();
            keys.dedup();
            // Only what differs: the fields both versions agree on are no news.
            let label = |k: &str| labels.iter().find(|(f, _, _)| *f == k).map_or_else(|| k.to_string(), |(_, ja, en)| l.t(ja, en).to_string());
            keys.into_iter().filter(|k| *k != "version").map(|k| (label(k), show(y.get(k)), show(c.get(k)))).filter(|(_, y, c)| y != c).collect()
        }
        _ => vec![],
    };
    let message = err.message();
    let body = ErrorBody {
        l,
        message: message.get(l),
        fields,
        conflict,
        retry_href: matches!(err, AppError::Conflict { .. }).then(|| retry_target(uri)),
        record_href: matches!(err, AppError::Conflict { .. }).then(|| uri.strip_suffix("/edit").unwrap_or(uri).split('?').next().unwrap_or("/")),
        logged_in: auth.account.is_some(),
    };
    let title = match err {
        AppError::NotFound => l.t("見つかりません", "Not found"),
        AppError::Conflict { .. } => l.t("編集の競合", "Edit conflict"),
        AppError::Validation(_) => l.t("入力エラー", "Invalid input"),
        _ => l.t("エラー", "Error"),
    };
    match body.render() {
        Ok(html) => render(state, auth, uri, title, &[], &html),
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}

/// Where to start over after a conflict: the same form for an edit, else the record's page.
fn retry_target(uri: &str) -> &str {
    if uri.ends_with("/edit") { uri } else { uri.rsplit_once('/').map(|(p, _)| p).filter(|p| !p.is_empty()).unwrap_or("/") }
}

fn location(e: &FieldError) -> String {
    match (&e.file, e.row) {
        (Some(f), Some(r)) => format!("{f}:{r} {}", e.field),
        (None, Some(r)) => format!("{r}: {}", e.field),
        _ => e.field.clone(),
    }
}

/// Field errors for a form template: `errs.get("name")` is the message shown next to the field.
#[derive(Default)]
pub struct FormErrors {
    pub errors: Vec<FieldError>,
    pub lang: Lang,
}

impl FormErrors {
    pub fn new(errors: Vec<FieldError>, lang: Lang) -> FormErrors {
        FormErrors { errors, lang }
    }
    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
    pub fn get(&self, field: &str) -> String {
        self.errors.iter().filter(|e| e.field == field).map(|e| e.message.get(self.lang)).collect::<Vec<_>>().join(" ")
    }
    pub fn any(&self) -> bool {
        !self.errors.is_empty()
    }
    pub fn all_messages(&self) -> Vec<String> {
        self.errors.iter().map(|e| e.message.get(self.lang).to_string()).collect()
    }
    /// Errors whose field has no input of its own on the form.
    pub fn others<'a>(&self, known: impl AsRef<[&'a str]>) -> Vec<String> {
        self.errors.iter().filter(|e| !known.as_ref().contains(&e.field.as_str())).map(|e| e.message.get(self.lang).to_string()).collect()
    }
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryBody<'a> {
    l: Lang,
    rows: Vec<(String, &'a str, String, Vec<crate::audit::FieldChange>)>,
    with_values: bool,
}

/// The history of a record the reader may see (it is `Visible`), as an HTML fragment for its
/// page. Who changed what and when is shown to every such reader; the old and new values only
/// `with_values` (editors), because an earlier version may have had a narrower reach than the
/// record has now. Organisations in the values are shown as codes, or as an organisation the
/// reader cannot see.
pub async fn history<R: crate::record::Record>(ctx: &Ctx, record: &crate::reach::Visible<R>, with_values: bool) -> crate::AppResult<String> {
    history_of::<R>(ctx, record.id(), with_values).await
}

/// The history of record `id` of `R`, for platform pages that decided access themselves (an
/// admin's users).
pub(crate) async fn history_of<R: crate::record::Record>(ctx: &Ctx, id: i64, with_values: bool) -> crate::AppResult<String> {
    let mut entries = crate::audit::history(ctx.db(), R::ENTITY, id).await?;
    if with_values && !R::ORG_REFS.is_empty() {
        let parse = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok());
        let mut values: Vec<(usize, bool, serde_json::Value)> = vec![];
        for (i, e) in entries.iter().enumerate() {
            values.extend(parse(&e.before_json).map(|v| (i, true, v)));
            values.extend(parse(&e.after_json).map(|v| (i, false, v)));
        }
        let mut refs: Vec<&mut serde_json::Value> = values.iter_mut().map(|(_, _, v)| v).collect();
        crate::orgs::present_refs_named(ctx.db(), &ctx.viewer, &mut refs, R::ORG_REFS, ctx.lang, ctx.now).await?;
        for (i, before, v) in values {
            let text = Some(v.to_string());
            if before { entries[i].before_json = text } else { entries[i].after_json = text }
        }
    }
    Ok(history_html::<R>(ctx.lang, &entries, with_values))
}

/// The fields every record with a reach has, labelled once for all of them.
const COMMON_LABELS: &[(&str, &str, &str)] = &[
    ("reach", "情報到達範囲", "Reach"),
    ("scope_org_id", "範囲を限定する組織", "Limited to"),
    ("embargo_until", "解禁日時", "Embargo until"),
    ("shared_with", "共有先", "Shared with"),
    ("owner_org_id", "所有組織", "Owner"),
    ("archived_at", "アーカイブ", "Archived"),
    ("deleted_at", "削除", "Deleted"),
];

/// The changes of one entry as a reader reads them: the fields people know, by their label in
/// the reader's language, with codes in words. A record's own fields come first, in its order,
/// then the reach fields.
pub fn labelled_changes<R: crate::record::Record>(l: Lang, changes: Vec<crate::audit::FieldChange>) -> Vec<crate::audit::FieldChange> {
    let labelled = !R::FIELD_LABELS.is_empty();
    let value = |field: &str, v: String| -> String {
        if v.is_empty() {
            return v;
        }
        if field == "reach"
            && let Some(r) = kumiai_core::Reach::parse(&v)
        {
            return r.label(l).to_string();
        }
        match v.as_str() {
            "true" => l.t("はい", "yes").to_string(),
            "false" => l.t("いいえ", "no").to_string(),
            _ => R::present(field, &v, l).unwrap_or(v),
        }
    };
    let mut out: Vec<(usize, crate::audit::FieldChange)> = changes
        .into_iter()
        .filter_map(|c| {
            let labels = R::FIELD_LABELS.iter().chain(COMMON_LABELS);
            let at = labels.clone().position(|(k, _, _)| *k == c.field);
            if labelled && at.is_none() {
                return None;
            }
            let label = at.and_then(|i| labels.clone().nth(i)).map(|(_, ja, en)| l.t(ja, en).to_string()).unwrap_or_else(|| c.field.clone());
            Some((at.unwrap_or(usize::MAX), crate::audit::FieldChange { before: value(&c.field, c.before), after: value(&c.field, c.after), field: label }))
        })
        .collect();
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, c)| c).collect()
}

fn history_html<R: crate::record::Record>(l: Lang, entries: &[crate::audit::AuditEntry], with_values: bool) -> String {
    let rows = entries
        .iter()
        .map(|e| (kumiai_core::time::format_ms(e.at), e.actor.as_str(), crate::audit::action_label(&e.action, l), labelled_changes::<R>(l, e.changes())))
        .collect();
    HistoryBody { l, rows, with_values }.render().unwrap_or_default()
}
