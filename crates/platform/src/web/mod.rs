//! The web shell: application state, the middleware every request passes (session → CSRF →
//! handler → reach guard → error rendering) and the page layout.
//!
//! `build_router` mounts every module's routes (each with a [`Guard`]) behind the same middleware.

pub mod admin;
pub mod api;
pub mod chart;
pub mod cookies;
pub mod ctx;
pub mod extract;
pub mod forms;
pub mod layout;
pub mod openapi;
pub mod pages;
pub mod pick;
mod shell;

use crate::accounts::throttle::Throttle;
use crate::module::{EntityName, Module, RecordUrl};
use crate::{Config, Db};
use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

pub use ctx::Ctx;
pub use extract::{FormBody, JsonBody, PathParams, QueryParams, blank_as_none, empty_as_none, parse_day, text_or_number};
pub use forms::{Patch, VersionForm};
pub use layout::{Crumb, FormErrors};

/// What a route may send without consulting the reach layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Shows no records (login form, stylesheet, language switch).
    Open,
    /// Shows or changes records: a successful response that never asked the reach layer is
    /// replaced by an error.
    Reach,
}

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub guard: Guard,
    pub handler: MethodRouter<AppState>,
}

impl Route {
    pub fn get(path: &'static str, guard: Guard, handler: MethodRouter<AppState>) -> Route {
        Route { method: Method::GET, path, guard, handler }
    }
    pub fn post(path: &'static str, guard: Guard, handler: MethodRouter<AppState>) -> Route {
        Route { method: Method::POST, path, guard, handler }
    }
    pub fn put(path: &'static str, guard: Guard, handler: MethodRouter<AppState>) -> Route {
        Route { method: Method::PUT, path, guard, handler }
    }
    pub fn delete(path: &'static str, guard: Guard, handler: MethodRouter<AppState>) -> Route {
        Route { method: Method::DELETE, path, guard, handler }
    }
}

/// Who a navigation entry is shown to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavFor {
    Everyone,
    LoggedIn,
    Admins,
    HqAdmins,
}

#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
    pub shown_to: NavFor,
}

pub struct Inner {
    pub db: Db,
    pub config: Config,
    pub throttle: Throttle,
    pub nav: Vec<NavItem>,
    pub guards: HashMap<(Method, String), Guard>,
    pub openapi: serde_json::Value,
    /// Where records live on the web, for the guard that checks a page's links against the ledger.
    pub record_urls: Vec<RecordUrl>,
    /// (module, entity name) of every module's entities, for the audit log.
    pub entities: Vec<(&'static str, EntityName)>,
    /// (module, Japanese, English) of every module.
    pub module_titles: Vec<(&'static str, &'static str, &'static str)>,
    /// Shared services modules provide to each other's handlers (e.g. the search index), by type.
    pub services: axum::http::Extensions,
    /// Every module's dashboard panels, for the home page.
    pub panels: Vec<crate::module::PanelStep>,
}

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Every (method, path, guard) mounted, for the route-walking test.
pub fn route_table(modules: &[Module]) -> Vec<(Method, &'static str, Guard)> {
    modules.iter().flat_map(|m| m.routes.iter().map(|r| (r.method.clone(), r.path, r.guard))).collect()
}

pub fn build_router(db: Db, config: Config, modules: Vec<Module>, services: axum::http::Extensions) -> (Router, AppState) {
    let mut guards = HashMap::new();
    let mut nav = vec![];
    let mut router: Router<AppState> = Router::new();
    let mut openapi_parts = vec![];
    let mut record_urls = vec![];
    let mut entities = vec![];
    let mut module_titles = vec![];
    let mut panels = vec![];
    for m in modules {
        panels.extend(m.panels);
        module_titles.push((m.name, m.title.0, m.title.1));
        entities.extend(m.entities.iter().map(|e| (m.name, *e)));
        nav.extend(m.nav);
        openapi_parts.push(m.openapi);
        record_urls.extend_from_slice(m.record_urls);
        for r in m.routes {
            guards.insert((r.method.clone(), r.path.to_string()), r.guard);
            router = router.route(r.path, r.handler);
        }
    }
    let throttle = Throttle::new(config.login_limit, Duration::from_secs(config.login_window_secs));
    let state = AppState(Arc::new(Inner { db, config, throttle, nav, guards, openapi: api::openapi_document(&openapi_parts), record_urls, entities, module_titles, services, panels }));
    let router = router
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), shell::reach_guard))
        .fallback(|| async { crate::AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(state.clone(), shell::shell))
        .with_state(state.clone());
    (router, state)
}
