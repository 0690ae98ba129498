//! The shell's own pages: home, login, logout, language switch, the stylesheet and the reader's
//! account (password change, API tokens).

use super::cookies;
use super::ctx::Ctx;
use super::extract::{FormBody, PathParams, QueryParams};
use super::layout::{Crumb, FormErrors, render_page};
use super::{Guard, NavFor, NavItem, Route};
use crate::module::Module;
use crate::accounts::{self, password};
use crate::audit::Actor;
use crate::error::{AppError, AppResult, FieldError};
use askama::Template;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kumiai_core::{Lang, Msg, time};
use serde::Deserialize;

pub fn module() -> Module {
    Module {
        migrations: crate::migrate::PLATFORM,
        nav: vec![NavItem { href: "/", ja: "ホーム", en: "Home", shown_to: NavFor::Everyone }],
        routes: vec![
            Route::get("/", Guard::Open, get(home)),
            Route::get("/static/kumiai.css", Guard::Open, get(stylesheet)),
            Route::get("/static/kumiai.js", Guard::Open, get(script)),
            Route::get("/lang", Guard::Open, get(switch_lang)),
            Route::get("/era", Guard::Open, get(switch_era)),
            Route::get("/pick/organisations", Guard::Reach, get(super::pick::organisations)),
            Route::get("/login", Guard::Open, get(login_form)),
            Route::post("/login", Guard::Open, post(login)),
            Route::post("/logout", Guard::Open, post(logout)),
            Route::get("/account", Guard::Open, get(account_page)),
            Route::post("/account/password", Guard::Open, post(change_password)),
            Route::post("/account/tokens", Guard::Open, post(create_token)),
            Route::post("/account/tokens/{id}/revoke", Guard::Open, post(revoke_token)),
        ],
        cli: vec![crate::accounts::cli::command()],
        ..Module::new("platform")
    }
}

/// A redirect that shows `msg` on the next page.
pub fn redirect_with_flash(ctx: &Ctx, to: &str, msg: Msg) -> Response {
    let mut resp = Redirect::to(to).into_response();
    let value = cookies::encode(&serde_json::to_string(&msg).unwrap_or_default());
    if let Ok(v) = HeaderValue::from_str(&cookies::set(cookies::FLASH, &value, Some(60), true, ctx.secure)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeBody<'a> {
    l: Lang,
    name: Option<&'a str>,
    fiscal: String,
    links: Vec<(&'static str, &'static str)>,
    panels: Vec<crate::module::Panel>,
}

/// The home page: a dashboard of what each module has for this reader (what is due, what
/// changed, what is shared with them), then the way into each module.
async fn home(ctx: Ctx) -> AppResult<Response> {
    let l = ctx.lang;
    let links = ctx
        .state
        .nav
        .iter()
        .filter(|n| n.href != "/" && n.shown_to == NavFor::Everyone)
        .map(|n| (n.href, l.t(n.ja, n.en)))
        .collect();
    let mut panels = vec![];
    for step in &ctx.state.panels {
        panels.extend(step(&ctx).await?);
    }
    panels.sort_by_key(|p| p.order);
    let body = HomeBody {
        l,
        name: ctx.viewer.account().map(|a| a.display_name.as_str()),
        fiscal: ctx.fy_label(ctx.fiscal_year()),
        links,
        panels,
    };
    Ok(render_page(&ctx, ctx.t("ホーム", "Home"), &[], &body))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/kumiai.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/kumiai.js"),
    )
}

#[derive(Deserialize)]
struct LangQuery {
    to: String,
    back: Option<String>,
}

/// Only local paths are accepted as a return address (no open redirect).
pub fn safe_back(back: Option<&str>) -> String {
    match back {
        Some(b) if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') => b.to_string(),
        _ => "/".into(),
    }
}

async fn switch_lang(ctx: Ctx, QueryParams(q): QueryParams<LangQuery>) -> Response {
    let lang = Lang::parse(&q.to).unwrap_or_default();
    let mut resp = Redirect::to(&safe_back(q.back.as_deref())).into_response();
    let c = cookies::set(cookies::LANG, lang.code(), Some(365 * 86_400), false, ctx.secure);
    resp.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&c).expect("ascii"));
    resp
}

#[derive(Deserialize)]
struct EraQuery {
    to: String,
    back: Option<String>,
}

/// 西暦 or 和暦, remembered for a year.
async fn switch_era(ctx: Ctx, QueryParams(q): QueryParams<EraQuery>) -> Response {
    let era = kumiai_core::Era::parse(&q.to).unwrap_or_default();
    let mut resp = Redirect::to(&safe_back(q.back.as_deref())).into_response();
    let c = cookies::set(cookies::ERA, era.code(), Some(365 * 86_400), false, ctx.secure);
    resp.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&c).expect("ascii"));
    resp
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginBody<'a> {
    l: Lang,
    csrf: &'a str,
    login: &'a str,
    next: &'a str,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(ctx: Ctx, QueryParams(q): QueryParams<NextQuery>) -> Response {
    let next = safe_back(q.next.as_deref());
    let body = LoginBody { l: ctx.lang, csrf: &ctx.csrf, login: "", next: &next, error: None };
    render_page(&ctx, ctx.t("ログイン", "Log in"), &[], &body)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
}

async fn login(ctx: Ctx, FormBody(f): FormBody<LoginForm>) -> Response {
    let state = ctx.state.clone();
    let login = f.login.trim().to_string();
    let keys = vec![format!("login:{}", login.to_lowercase()), format!("addr:{}", ctx.client_addr)];
    let next = safe_back(f.next.as_deref());
    let fail = |ctx: &Ctx, msg: Msg, status| {
        let body = LoginBody { l: ctx.lang, csrf: &ctx.csrf, login: &login, next: &next, error: Some(msg.get(ctx.lang).to_string()) };
        let mut r = render_page(ctx, ctx.t("ログイン", "Log in"), &[], &body);
        *r.status_mut() = status;
        r
    };
    if let Some(wait) = state.throttle.blocked(&keys) {
        let msg = Msg::new(
            format!("ログインの失敗が続いたため、{wait}秒後にもう一度お試しください。"),
            format!("Too many failed logins. Try again in {wait} seconds."),
        );
        return fail(&ctx, msg, axum::http::StatusCode::TOO_MANY_REQUESTS);
    }
    let user = match accounts::by_login(&state.db, &login).await {
        Ok(u) => u,
        Err(e) => return AppError::from(e).into_response(),
    };
    let ok = match &user {
        Some(u) => password::verify(&f.password, &u.password_hash) && u.disabled_at.is_none() && u.account().is_some(),
        None => {
            password::verify(&f.password, password::dummy_hash());
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        state.throttle.fail(&keys);
        let msg = Msg::new("ログイン名またはパスワードが違います。", "Wrong login or password.");
        return fail(&ctx, msg, axum::http::StatusCode::UNAUTHORIZED);
    };
    state.throttle.succeed(&keys[0]);
    let session = match accounts::open_session(&state.db, user.id).await {
        Ok(s) => s,
        Err(e) => return AppError::from(e).into_response(),
    };
    let mut resp = Redirect::to(&next).into_response();
    let c = cookies::set(cookies::SESSION, &session.token, Some(accounts::SESSION_DAYS * 86_400), true, ctx.secure);
    resp.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&c).expect("hex"));
    resp
}

async fn logout(ctx: Ctx, headers: HeaderMap) -> AppResult<Response> {
    if let Some(token) = cookies::get(&headers, cookies::SESSION) {
        accounts::close_session(ctx.db(), &token).await?;
    }
    let mut resp = redirect_with_flash(&ctx, "/", Msg::new("ログアウトしました。", "You are logged out."));
    let c = cookies::clear(cookies::SESSION, ctx.secure);
    resp.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&c).expect("ascii"));
    Ok(resp)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountBody<'a> {
    l: Lang,
    csrf: &'a str,
    login: &'a str,
    org: String,
    tokens: Vec<(kumiai_core::TokenId, String, String, String, bool)>,
    new_token: Option<String>,
    errs: FormErrors,
}

async fn account_view(ctx: &Ctx, new_token: Option<String>, errs: Vec<FieldError>) -> AppResult<Response> {
    let acct = ctx.account()?;
    let user = accounts::by_id(ctx.db(), acct.user_id).await?.ok_or(AppError::NotFound)?;
    let l = ctx.lang;
    let tokens = accounts::tokens_of(ctx.db(), acct.user_id)
        .await?
        .into_iter()
        .map(|t| {
            let used = t.last_used_at.map(time::format_ms).unwrap_or_else(|| l.t("未使用", "never").into());
            (t.id, t.label, time::format_ms(t.created_at), used, t.revoked_at.is_some())
        })
        .collect();
    let body = AccountBody {
        l,
        csrf: &ctx.csrf,
        login: &acct.login,
        org: format!("{} / {}", l.t(&user.org_name_ja, &user.org_name_en), user.org_code),
        tokens,
        new_token,
        errs: FormErrors::new(errs, l),
    };
    Ok(render_page(ctx, ctx.t("アカウント", "Account"), &[Crumb::here(ctx.t("アカウント", "Account"))], &body))
}

async fn account_page(ctx: Ctx) -> AppResult<Response> {
    account_view(&ctx, None, vec![]).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn change_password(ctx: Ctx, FormBody(f): FormBody<PasswordForm>) -> AppResult<Response> {
    let acct = ctx.account()?;
    let user = accounts::by_id(ctx.db(), acct.user_id).await?.ok_or(AppError::NotFound)?;
    let mut errs = vec![];
    if !password::verify(&f.current, &user.password_hash) {
        errs.push(FieldError::new("current", "現在のパスワードが違います。", "The current password is wrong."));
    }
    if let Err(m) = password::check_policy(&f.new) {
        errs.push(FieldError { file: None, row: None, field: "new".into(), message: m });
    } else if f.new != f.confirm {
        errs.push(FieldError::new("confirm", "確認用のパスワードが一致しません。", "The passwords do not match."));
    }
    if !errs.is_empty() {
        let mut r = account_view(&ctx, None, errs).await?;
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let hash = password::hash(&f.new)?;
    accounts::update(ctx.db(), &Actor::of(&ctx.viewer), &user, user.version, &[("password_hash", hash.into())], "password").await?;
    // Changing the password ended every session, this one too: log in again.
    Ok(redirect_with_flash(&ctx, "/login", Msg::new("パスワードを変更しました。新しいパスワードでログインしてください。", "Password changed. Log in with the new password.")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    label: String,
}

async fn create_token(ctx: Ctx, FormBody(f): FormBody<TokenForm>) -> AppResult<Response> {
    let acct = ctx.account()?;
    let label = f.label.trim();
    let mut errs = vec![];
    crate::text::check_line("label", label, &mut errs);
    if label.is_empty() || label.chars().count() > 100 {
        errs.push(FieldError::new("label", "用途を100文字以内で入力してください。", "Enter a label of up to 100 characters."));
    }
    if !errs.is_empty() {
        let mut r = account_view(&ctx, None, errs).await?;
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let token = accounts::issue_token(ctx.db(), &Actor::of(&ctx.viewer), acct.user_id, label).await?;
    account_view(&ctx, Some(token), vec![]).await
}

async fn revoke_token(ctx: Ctx, PathParams(id): PathParams<kumiai_core::TokenId>) -> AppResult<Response> {
    let acct = ctx.account()?;
    accounts::revoke_token(ctx.db(), &Actor::of(&ctx.viewer), acct.user_id, id).await?;
    Ok(redirect_with_flash(&ctx, "/account", Msg::new("トークンを失効させました。", "The token was revoked.")))
}
