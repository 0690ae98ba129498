//! The middleware every request passes. `shell` resolves who is asking (session cookie or API
//! token), enforces CSRF on state changes, and renders any `AppError` the handler returned (JSON
//! under /api, a page elsewhere). `reach_guard` runs after routing and refuses to send a successful
//! response from a record-bearing route that never consulted the reach layer.

use super::cookies;
use super::ctx::RequestAuth;
use super::{AppState, Guard};
use crate::accounts::{self, secret};
use crate::error::{AppError, RenderError};
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use std::net::SocketAddr;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use kumiai_core::{Lang, Msg};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const FORM_LIMIT: usize = 4 * 1024 * 1024;

pub async fn shell(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let uri = req.uri().to_string();
    let lang = pick_lang(req.headers());
    let secure = state.config.cookie_secure.unwrap_or_else(|| {
        req.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
    });
    let mut set_cookies: Vec<String> = vec![];

    let auth = match resolve(&state, req.headers(), lang).await {
        Ok(mut a) => {
            a.client_addr = client_addr(&req);
            a.secure = secure;
            a
        }
        Err(e) => return finish(&state, e.into_response(), is_api, lang, None, &uri, vec![]),
    };
    if auth.account.is_none() && cookies::get(req.headers(), cookies::PRE).as_deref() != Some(auth.csrf.as_str()) {
        set_cookies.push(cookies::set(cookies::PRE, &auth.csrf, None, true, secure));
    }
    if auth.flash.is_some() {
        set_cookies.push(cookies::clear(cookies::FLASH, secure));
    }

    let req = match check_csrf(req, &auth).await {
        Ok(r) => r,
        Err(e) => return finish(&state, e.into_response(), is_api, lang, Some(&auth), &uri, set_cookies),
    };
    let mut req = req;
    req.extensions_mut().insert(auth.clone());
    let resp = next.run(req).await;
    finish(&state, resp, is_api, lang, Some(&auth), &uri, set_cookies)
}

async fn resolve(state: &AppState, headers: &HeaderMap, lang: Lang) -> Result<RequestAuth, AppError> {
    let flag = Arc::new(AtomicBool::new(false));
    let flash = cookies::get(headers, cookies::FLASH).and_then(|v| serde_json::from_str::<Msg>(&cookies::decode(&v)).ok());
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let account = accounts::token_account(&state.db, token.trim()).await?.ok_or(AppError::Unauthorized)?;
        return Ok(RequestAuth { account: Some(account), csrf: String::new(), by_token: true, flag, lang, flash, client_addr: String::new(), secure: false });
    }
    if let Some(token) = cookies::get(headers, cookies::SESSION)
        && let Some((account, csrf)) = accounts::session_account(&state.db, &token).await?
    {
        return Ok(RequestAuth { account: Some(account), csrf, by_token: false, flag, lang, flash, client_addr: String::new(), secure: false });
    }
    let csrf = cookies::get(headers, cookies::PRE)
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(|| secret::random_hex(16));
    Ok(RequestAuth { account: None, csrf, by_token: false, flag, lang, flash, client_addr: String::new(), secure: false })
}

fn client_addr(req: &Request) -> String {
    req.headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string())
        .or_else(|| req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()))
        .unwrap_or_else(|| "local".into())
}

/// Japanese unless the reader chose English (cookie) or their browser asks for English first.
fn pick_lang(headers: &HeaderMap) -> Lang {
    if let Some(l) = cookies::get(headers, cookies::LANG).as_deref().and_then(Lang::parse) {
        return l;
    }
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::Ja }
}

/// State changes need the request's CSRF token (form field `_csrf`, query `_csrf` for uploads, or
/// header `X-CSRF-Token`) and must not come from another site. API-token requests carry no ambient
/// credentials and are exempt.
async fn check_csrf(req: Request, auth: &RequestAuth) -> Result<Request, AppError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || auth.by_token {
        return Ok(req);
    }
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return Err(AppError::Csrf);
    }
    if let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        let origin = origin.to_str().unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin != "null" && origin_host != host.to_str().unwrap_or("") {
            return Err(AppError::Csrf);
        }
    }
    let from_header = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
    let from_query = req
        .uri()
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "_csrf").map(|(_, v)| v.into_owned()));
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (req, from_body) = if from_header.is_none() && from_query.is_none() && is_form {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, FORM_LIMIT)
            .await
            .map_err(|_| AppError::BadRequest(Msg::new("送信内容が大きすぎます。", "The request is too large.")))?;
        let token = form_urlencoded::parse(&bytes).find(|(k, _)| k == "_csrf").map(|(_, v)| v.into_owned());
        (Request::from_parts(parts, Body::from(bytes)), token)
    } else {
        (req, None)
    };
    let supplied = from_header.or(from_query).or(from_body).unwrap_or_default();
    if auth.csrf.is_empty() || !secret::ct_eq(&supplied, &auth.csrf) {
        return Err(AppError::Csrf);
    }
    Ok(req)
}

fn finish(
    state: &AppState,
    mut resp: Response,
    is_api: bool,
    lang: Lang,
    auth: Option<&RequestAuth>,
    uri: &str,
    set_cookies: Vec<String>,
) -> Response {
    if let Some(RenderError(err)) = resp.extensions_mut().remove::<RenderError>() {
        resp = if is_api {
            (err.status(), axum::Json(err.json_body())).into_response()
        } else if matches!(*err, AppError::Unauthorized) {
            Redirect::to(&format!("/login?next={}", cookies::encode(uri))).into_response()
        } else {
            let auth = auth.cloned().unwrap_or_else(|| RequestAuth::anonymous(lang));
            let mut page = super::layout::error_page(state, &auth, uri, &err);
            *page.status_mut() = err.status();
            page
        };
    }
    let h = resp.headers_mut();
    for c in set_cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

pub async fn reach_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_default();
    let method = if req.method() == Method::HEAD { Method::GET } else { req.method().clone() };
    let guard = state.guards.get(&(method, path.clone())).copied().unwrap_or(Guard::Reach);
    let flag = req.extensions().get::<RequestAuth>().map(|a| a.flag.clone());
    let resp = next.run(req).await;
    let asked = flag.is_some_and(|f| f.load(Ordering::Relaxed));
    if guard == Guard::Reach && resp.status().is_success() && !asked {
        tracing::error!(route = %path, "a record-bearing route answered without a reach check");
        return (StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal(anyhow::anyhow!("reach check missing on {path}"))).into_response();
    }
    resp
}
