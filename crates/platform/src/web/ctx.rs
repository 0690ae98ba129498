//! `Ctx`: what a handler knows about the request — the viewer (for every reach decision), the
//! language and the way years are written, the CSRF token for forms, a flash message, and the
//! application state.

use super::AppState;
use crate::error::{AppError, AppResult};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use kumiai_core::{Account, Era, FiscalYear, GovYear, Lang, Ledger, Msg, Role, Viewer, time};
use std::sync::Arc;

/// Set by the shell middleware on every request.
#[derive(Clone)]
pub struct RequestAuth {
    pub account: Option<Account>,
    pub csrf: String,
    pub by_token: bool,
    /// What the reach layer decided during this request (see `Ledger`).
    pub ledger: Arc<Ledger>,
    pub lang: Lang,
    pub era: Era,
    pub flash: Option<Msg>,
    /// The client's address (from `X-Forwarded-For` only behind a trusted proxy), for login throttling.
    pub client_addr: String,
    /// Whether cookies set in the response carry the Secure flag.
    pub secure: bool,
}

impl RequestAuth {
    pub fn anonymous(lang: Lang) -> RequestAuth {
        RequestAuth {
            account: None,
            csrf: String::new(),
            by_token: false,
            ledger: Arc::default(),
            lang,
            era: Era::Western,
            flash: None,
            client_addr: String::new(),
            secure: false,
        }
    }
}

pub struct Ctx {
    pub viewer: Viewer,
    pub lang: Lang,
    pub era: Era,
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
            viewer: Viewer::with_ledger(auth.account.clone(), Arc::clone(&auth.ledger)),
            lang: auth.lang,
            era: auth.era,
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
        self.viewer.account().ok_or(AppError::Unauthorized)
    }
    /// The viewer must be logged in with at least `min`; otherwise 401 (anonymous) or 403.
    pub fn require_role(&self, min: Role) -> AppResult<&Account> {
        let a = self.account()?;
        if a.role >= min { Ok(a) } else { Err(AppError::Forbidden) }
    }
    /// Refused: 401 for an anonymous visitor (so pages offer the login), 403 for a user.
    pub fn refuse(&self) -> AppError {
        if self.viewer.is_anonymous() { AppError::Unauthorized } else { AppError::Forbidden }
    }
    /// The federation's fiscal year today.
    pub fn fiscal_year(&self) -> FiscalYear {
        self.state.config.calendar.year_of(time::today())
    }
    /// A federation year as this reader asked years to be written.
    pub fn fy_label(&self, fy: FiscalYear) -> String {
        fy.label_in(self.lang, self.era)
    }
    /// A government year as this reader asked years to be written.
    pub fn gov_label(&self, y: GovYear) -> String {
        y.label(self.lang, self.era)
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
