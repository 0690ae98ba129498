//! `Ctx`: what a handler knows about the request — the viewer (for every reach decision), the
//! language, the CSRF token for forms, a flash message, and the application state.

use super::AppState;
use crate::error::{AppError, AppResult};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use kumiai_core::{Account, FiscalYear, Lang, Msg, Role, Viewer, time};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Set by the shell middleware on every request.
#[derive(Clone)]
pub struct RequestAuth {
    pub account: Option<Account>,
    pub csrf: String,
    pub by_token: bool,
    pub flag: Arc<AtomicBool>,
    pub lang: Lang,
    pub flash: Option<Msg>,
    /// The client's address (X-Forwarded-For's first entry behind a proxy), for login throttling.
    pub client_addr: String,
    /// Whether cookies set in the response carry the Secure flag.
    pub secure: bool,
}

impl RequestAuth {
    pub fn anonymous(lang: Lang) -> RequestAuth {
        RequestAuth { account: None, csrf: String::new(), by_token: false, flag: Arc::default(), lang, flash: None, client_addr: String::new(), secure: false }
    }
}

pub struct Ctx {
    pub viewer: Viewer,
    pub lang: Lang,
    pub csrf: String,
    pub flash: Option<Msg>,
    /// Path and query of this request.
    pub uri: String,
    pub state: AppState,
    pub now: i64,
    pub client_addr: String,
    pub secure: bool,
}

impl Ctx {
    pub fn from_auth(state: AppState, auth: &RequestAuth, uri: String) -> Ctx {
        Ctx {
            viewer: Viewer::with_flag(auth.account.clone(), auth.flag.clone()),
            lang: auth.lang,
            csrf: auth.csrf.clone(),
            flash: auth.flash.clone(),
            uri,
            state,
            now: time::now_ms(),
            client_addr: auth.client_addr.clone(),
            secure: auth.secure,
        }
    }
    pub fn t<'a>(&self, ja: &'a str, en: &'a str) -> &'a str {
        self.lang.t(ja, en)
    }
    pub fn account(&self) -> AppResult<&Account> {
        self.viewer.account.as_ref().ok_or(AppError::Unauthorized)
    }
    /// The viewer must be logged in with at least `min`; otherwise 401 (anonymous) or 403.
    pub fn require_role(&self, min: Role) -> AppResult<&Account> {
        let a = self.account()?;
        if a.role >= min { Ok(a) } else { Err(AppError::Forbidden) }
    }
    pub fn fiscal_year(&self) -> FiscalYear {
        FiscalYear::of(time::today(), self.state.config.fiscal_start_month)
    }
    pub fn db(&self) -> &crate::Db {
        &self.state.db
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let auth = parts.extensions.get::<RequestAuth>().cloned().unwrap_or_else(|| RequestAuth::anonymous(Lang::Ja));
        let uri = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        Ok(Ctx::from_auth(state.clone(), &auth, uri))
    }
}
