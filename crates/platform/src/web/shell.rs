//! The middleware every request passes. `shell` resolves who is asking (session cookie or API
//! token), enforces CSRF on state changes, and renders any `AppError` the handler returned (JSON
//! under /api, a page elsewhere). `reach_guard` runs after routing: a record-bearing route that
//! never consulted the reach layer, or a page that links to a record the reach layer never let
//! through during the request, is answered with an error instead.

use super::cookies;
use super::ctx::RequestAuth;
use super::{AppState, Guard};
use crate::accounts::{self, secret};
use crate::error::{AppError, RenderError};
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use kumiai_core::{Era, Lang, Ledger, Msg, Tier};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Form bodies are read here for their CSRF token; no form of Kumiai's is larger.
const FORM_LIMIT: usize = 4 * 1024 * 1024;
/// Uploads (imports 32 MB, attachments 20 MB) are read here for their CSRF field.
const UPLOAD_LIMIT: usize = 33 * 1024 * 1024;

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
            a.client_addr = client_addr(&req, &state.config.trusted_proxies);
            a.secure = secure;
            a
        }
        Err(e) => return finish(&state, e.into_response(), is_api, lang, None, &uri, vec![]),
    };
    // An anonymous reader's page goes out without a cookie unless it holds a form (see `public_page`).
    // A page that shows a one-time message (a flash) is that visitor's alone.
    let anonymous_read = !is_api && auth.account.is_none() && auth.flash.is_none() && matches!(*req.method(), Method::GET | Method::HEAD);
    let has_pre = cookies::get(req.headers(), cookies::PRE).as_deref() == Some(auth.csrf.as_str());
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    if !is_api && auth.account.is_none() && !anonymous_read && !has_pre {
        set_cookies.push(cookies::set(cookies::PRE, &auth.csrf, None, true, secure));
    }
    if auth.flash.is_some() {
        set_cookies.push(cookies::clear(cookies::FLASH, secure));
    }

    let mut req = match check_csrf(req, &auth).await {
        Ok(r) => r,
        Err(e) => return finish(&state, e.into_response(), is_api, lang, Some(&auth), &uri, set_cookies),
    };
    req.extensions_mut().insert(auth.clone());
    let mut resp = next.run(req).await;
    if anonymous_read {
        let (r, needs_form_token) = public_page(resp, &auth, if_none_match.as_ref()).await;
        resp = r;
        if needs_form_token && !has_pre {
            set_cookies.push(cookies::set(cookies::PRE, &auth.csrf, None, true, secure));
        }
    }
    finish(&state, resp, is_api, lang, Some(&auth), &uri, set_cookies)
}

/// What an anonymous reader's page needs to be kept by a cache in front: a page with no form
/// (its body does not hold the form token) carries an `ETag` and may be stored by any cache,
/// which must ask again each time (`no-cache`); asked with the same `ETag`, the answer is `304
/// Not Modified` with no body. A page with a form says so (the second value), so the shell sets
/// the form-token cookie, and it is never stored. Nothing in such a page depends on who asks
/// but the language and era cookies, hence `Vary`.
async fn public_page(resp: Response, auth: &RequestAuth, if_none_match: Option<&HeaderValue>) -> (Response, bool) {
    let html = content_type(resp.headers()).starts_with("text/html");
    if resp.status() != StatusCode::OK || !html || resp.extensions().get::<RenderError>().is_some() {
        return (resp, false);
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => return (AppError::Internal(anyhow::anyhow!("reading the page: {e}")).into_response(), false),
    };
    if !auth.csrf.is_empty() && find(&bytes, auth.csrf.as_bytes()).is_some() {
        return (Response::from_parts(parts, Body::from(bytes)), true);
    }
    let etag = {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        bytes.hash(&mut h);
        format!("\"k{:016x}{:x}\"", h.finish(), bytes.len())
    };
    let h = &mut parts.headers;
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("Cookie, Accept-Language"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    let matches = if_none_match.and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*"));
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        h.remove(header::CONTENT_LENGTH);
        h.remove(header::CONTENT_TYPE);
        return (Response::from_parts(parts, Body::empty()), false);
    }
    (Response::from_parts(parts, Body::from(bytes)), false)
}

async fn resolve(state: &AppState, headers: &HeaderMap, lang: Lang) -> Result<RequestAuth, AppError> {
    let flash = cookies::get(headers, cookies::FLASH).and_then(|v| serde_json::from_str::<Msg>(&cookies::decode(&v)).ok());
    let era = cookies::get(headers, cookies::ERA).as_deref().and_then(Era::parse).unwrap_or_default();
    let base = RequestAuth { flash, era, ..RequestAuth::anonymous(lang) };
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let account = accounts::token_account(&state.db, token.trim()).await?.ok_or(AppError::Unauthorized)?;
        return Ok(RequestAuth { account: Some(account), by_token: true, ..base });
    }
    if let Some(token) = cookies::get(headers, cookies::SESSION)
        && let Some((account, csrf)) = accounts::session_account(&state.db, &token).await?
    {
        return Ok(RequestAuth { account: Some(account), csrf, ..base });
    }
    let csrf = cookies::get(headers, cookies::PRE)
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(|| secret::random_hex(16));
    Ok(RequestAuth { csrf, ..base })
}

/// The client: the connection's peer, unless the peer is a trusted proxy; then the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy (entries further left are whatever
/// the client chose to send).
fn client_addr(req: &Request, trusted: &[crate::config::IpNet]) -> String {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    match peer {
        Some(p) if is_trusted(p) => {
            let forwarded: Vec<IpAddr> = req
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|s| s.trim().parse().ok())
                .collect();
            forwarded.into_iter().rev().find(|ip| !is_trusted(*ip)).unwrap_or(p).to_string()
        }
        Some(p) => p.to_string(),
        None => "local".into(),
    }
}

/// Japanese unless the reader chose English (cookie) or their browser asks for English first.
fn pick_lang(headers: &HeaderMap) -> Lang {
    if let Some(l) = cookies::get(headers, cookies::LANG).as_deref().and_then(Lang::parse) {
        return l;
    }
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::Ja }
}

fn content_type(headers: &HeaderMap) -> &str {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// State changes need the request's CSRF token (form field `_csrf` — in an upload too — or the
/// header `X-CSRF-Token`) and must not come from another site. API-token requests carry no
/// ambient credentials and are exempt. Tokens never travel in URLs.
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
    let ctype = content_type(headers).to_string();
    let (req, from_body) = if from_header.is_some() {
        (req, None)
    } else if ctype.starts_with("application/x-www-form-urlencoded") {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, FORM_LIMIT).await.map_err(|_| AppError::TooLarge { limit_bytes: FORM_LIMIT })?;
        let token = form_urlencoded::parse(&bytes).find(|(k, _)| k == "_csrf").map(|(_, v)| v.into_owned());
        (Request::from_parts(parts, Body::from(bytes)), token)
    } else if ctype.starts_with("multipart/form-data") {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, UPLOAD_LIMIT).await.map_err(|_| AppError::TooLarge { limit_bytes: UPLOAD_LIMIT })?;
        let token = multipart_field(&bytes, "_csrf");
        (Request::from_parts(parts, Body::from(bytes)), token)
    } else {
        (req, None)
    };
    let supplied = from_header.or(from_body).unwrap_or_default();
    if auth.csrf.is_empty() || !secret::ct_eq(&supplied, &auth.csrf) {
        return Err(AppError::Csrf);
    }
    Ok(req)
}

/// The value of a small text field of a multipart body (the upload forms put `_csrf` first).
fn multipart_field(body: &[u8], name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let at = find(body, marker.as_bytes())?;
    let rest = &body[at + marker.len()..];
    let start = find(rest, b"\r\n\r\n")? + 4;
    let value = &rest[start..];
    let end = find(value, b"\r\n")?;
    std::str::from_utf8(&value[..end]).ok().map(|s| s.trim().to_string())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
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
    } else if is_api && (resp.status().is_client_error() || resp.status().is_server_error()) && !content_type(resp.headers()).starts_with("application/json") {
        // Errors raised below the handlers (405, a body limit) are JSON under /api too.
        resp = (resp.status(), axum::Json(plain_status_error(resp.status()).json_body())).into_response();
    }
    let h = resp.headers_mut();
    // Room for what follows at once: growing the map header by header showed in the profile.
    h.reserve(8 + set_cookies.len());
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

/// The `AppError` that stands for a bare status from below the handlers.
fn plain_status_error(status: StatusCode) -> AppError {
    match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::UNAUTHORIZED => AppError::Unauthorized,
        StatusCode::FORBIDDEN => AppError::Forbidden,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge { limit_bytes: super::extract::BODY_LIMIT },
        StatusCode::METHOD_NOT_ALLOWED => AppError::BadRequest(Msg::new("このURLではその操作はできません。", "This method is not allowed on this URL.")),
        s if s.is_server_error() => AppError::Internal(anyhow::anyhow!("{s}")),
        s => AppError::BadRequest(Msg::new(format!("要求を処理できません（{s}）。"), format!("The request cannot be processed ({s})."))),
    }
}

pub async fn reach_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_default();
    let method = if req.method() == Method::HEAD { Method::GET } else { req.method().clone() };
    let guard = state.guards.get(&(method, path.clone())).copied().unwrap_or(Guard::Reach);
    let auth = req.extensions().get::<RequestAuth>().cloned();
    let resp = next.run(req).await;
    let Some(auth) = auth else { return resp };
    let asked = auth.ledger.decided();
    if guard == Guard::Reach && resp.status().is_success() && !asked {
        tracing::error!(route = %path, "a record-bearing route answered without a reach check");
        return (StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal(anyhow::anyhow!("reach check missing on {path}"))).into_response();
    }
    // The head office sees every record, so nothing it is shown can leak.
    let sees_all = auth.account.as_ref().is_some_and(|a| a.tier == Tier::Hq);
    if sees_all || state.record_urls.is_empty() {
        return resp;
    }
    check_links(&state, &auth.ledger, &path, resp).await
}

/// Refuses a page (HTML or a feed) that links to a record the reach layer did not let through
/// during this request: a handler that rendered a record it never checked, even though it
/// checked another.
async fn check_links(state: &AppState, ledger: &Arc<Ledger>, route: &str, resp: Response) -> Response {
    let status = resp.status();
    let ctype = content_type(resp.headers());
    let is_page = ctype.starts_with("text/html") || ctype.starts_with("application/atom+xml");
    if !is_page || !(status.is_success() || status == StatusCode::UNPROCESSABLE_ENTITY) {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => return AppError::Internal(anyhow::anyhow!("reading the page for the link check: {e}")).into_response(),
    };
    if let Some((entity, id)) = unadmitted_link(&bytes, &state.record_urls, ledger) {
        tracing::error!(route, entity, id, "a page links to a record the reach layer never admitted");
        return AppError::Internal(anyhow::anyhow!("{route} links to {entity} {id}, which never passed the reach layer")).into_response();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The first record link in `page` (an attribute value: `href="/wiki/page/5"`) whose record is
/// not in the ledger. Text that merely mentions such a path (Markdown in an edit box) is not a link.
pub fn unadmitted_link(page: &[u8], urls: &[crate::module::RecordUrl], ledger: &Ledger) -> Option<(&'static str, i64)> {
    for u in urls {
        let needle = format!("\"{}", u.prefix);
        // One searcher per prefix: building it costs more than a search of a small page.
        for at in memchr::memmem::find_iter(page, needle.as_bytes()) {
            let start = at + needle.len();
            let digits = page[start..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 || digits > 18 {
                continue;
            }
            let id: i64 = std::str::from_utf8(&page[start..start + digits]).ok()?.parse().ok()?;
            if !ledger.was_admitted(u.entity, id) {
                return Some((u.entity, id));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::module::RecordUrl;

    #[test]
    fn links_need_an_admission() {
        let urls = [RecordUrl { prefix: "/directory/organisations/", entity: "organisation" }];
        let ledger = Ledger::default();
        ledger.admit("organisation", 7);
        let ok = b"<a href=\"/directory/organisations/7\">a</a> <a href=\"/directory/organisations/7/edit\">e</a> <a href=\"/directory/organisations/new\">n</a> <textarea>[x](/directory/organisations/9)</textarea>";
        assert_eq!(unadmitted_link(ok, &urls, &ledger), None);
        let leak = b"<a href=\"/directory/organisations/7\">a</a><a href=\"/directory/organisations/8\">b</a>";
        assert_eq!(unadmitted_link(leak, &urls, &ledger), Some(("organisation", 8)));
    }

    #[test]
    fn reads_the_csrf_field_of_an_upload() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n0123abcd\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\ncode\r\n--XyZ--\r\n";
        assert_eq!(multipart_field(body, "_csrf").as_deref(), Some("0123abcd"));
        assert_eq!(multipart_field(body, "sheet"), None);
    }
}
