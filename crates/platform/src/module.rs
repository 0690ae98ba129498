//! The module descriptor: everything a module brings, in one value. The application lists its
//! modules once (`kumiai::app::modules()`); migrations, routes, navigation, the OpenAPI document,
//! search sources, command-line subcommands, demo data and the route-walk fixtures all come from
//! here, so adding a module touches its own crate and that one list.

use crate::config::Config;
use crate::db::Db;
use crate::migrate::Migration;
use crate::search::{BoxFuture, Source};
use crate::web::{NavItem, Route};
use kumiai_core::FiscalCalendar;
use std::sync::Arc;

pub struct Module {
    pub name: &'static str,
    /// What people call the module: (Japanese, English).
    pub title: (&'static str, &'static str),
    /// Modules whose migrations must run first (their tables are referenced). The platform's run
    /// before every module's.
    pub depends_on: &'static [&'static str],
    pub migrations: &'static [Migration],
    /// `(table, column)` holding years of the federation's fiscal calendar: relabelled together
    /// when the calendar's naming changes, so no value moves to another year.
    pub fiscal_year_columns: &'static [(&'static str, &'static str)],
    pub nav: Vec<NavItem>,
    pub routes: Vec<Route>,
    /// `{"paths": {...}, "schemas": {...}}` merged into /api/openapi.json.
    pub openapi: serde_json::Value,
    /// Where the module's records live on the web: a page may link there only to records the
    /// reach layer admitted during the request (the shell checks).
    pub record_urls: &'static [RecordUrl],
    /// What the module's entities are called, for the audit log.
    pub entities: &'static [EntityName],
    pub search: Vec<Arc<dyn Source>>,
    pub cli: Vec<CliCommand>,
    pub demo: Option<DemoStep>,
    pub walk: Option<WalkStep>,
    /// What the module puts on the home page's dashboard, each for the reader at hand.
    pub panels: Vec<PanelStep>,
}

impl Module {
    /// A module with nothing yet; fill the fields it has with struct-update syntax.
    pub fn new(name: &'static str) -> Module {
        Module {
            name,
            title: (name, name),
            depends_on: &[],
            migrations: &[],
            fiscal_year_columns: &[],
            nav: vec![],
            routes: vec![],
            openapi: serde_json::json!({}),
            record_urls: &[],
            entities: &[],
            search: vec![],
            cli: vec![],
            demo: None,
            walk: None,
            panels: vec![],
        }
    }
}

/// One panel of the home page's dashboard for the request's reader, or None when the module has
/// nothing for them. What it shows comes through the reach layer like any page.
pub type PanelStep = for<'a> fn(&'a crate::web::Ctx) -> BoxFuture<'a, crate::AppResult<Option<Panel>>>;

/// A dashboard panel: a titled box of HTML (already escaped), with a link to the full list.
pub struct Panel {
    /// Where it goes among the others (lower first): what is due before what changed.
    pub order: u16,
    pub title: String,
    pub html: String,
    /// (address, words) of the page that lists everything.
    pub more: Option<(String, String)>,
}

/// Record pages under `prefix` followed by the record's id (`/directory/organisations/` + 42).
#[derive(Clone, Copy, Debug)]
pub struct RecordUrl {
    pub prefix: &'static str,
    pub entity: &'static str,
}

/// An entity's name in words (`organisation` → 組織).
#[derive(Clone, Copy, Debug)]
pub struct EntityName {
    pub entity: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
}

/// A subcommand of `kumiai`: its clap definition and what runs it. Commands run in place on the
/// command line's own task, so their futures need not be `Send` (a MediaWiki import streams a file).
pub struct CliCommand {
    pub build: fn() -> clap::Command,
    pub run: for<'a> fn(&'a CliCtx, &'a clap::ArgMatches) -> LocalBoxFuture<'a, anyhow::Result<()>>,
}

pub type LocalBoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>>;

/// What a subcommand gets: the migrated database, the settings, and every module's search
/// sources (for commands that rebuild the index).
pub struct CliCtx {
    pub db: Db,
    pub config: Config,
    pub sources: Vec<Arc<dyn Source>>,
}

/// Writes a module's demo data into a fresh database; returns lines to print (logins, counts).
pub type DemoStep = for<'a> fn(&'a DemoCtx) -> BoxFuture<'a, anyhow::Result<Vec<String>>>;

pub struct DemoCtx {
    pub db: Db,
    pub calendar: FiscalCalendar,
    pub size: DemoSize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoSize {
    /// The small fixture most tests use: every kind of record and every reach, few of each.
    Lean,
    /// What `kumiai demo` shows a newcomer.
    Demo,
    /// The benchmark data set.
    Bench { orgs: usize, people: usize },
}

/// Ids for the route walk: for each route under `route_prefix`, the parameters of a record hidden
/// from every tier but the head office, and of one the head office sees.
pub type WalkStep = for<'a> fn(&'a Db) -> BoxFuture<'a, anyhow::Result<Vec<WalkTarget>>>;

#[derive(Clone, Debug)]
pub struct WalkTarget {
    pub route_prefix: &'static str,
    pub hidden: Vec<(&'static str, String)>,
    pub visible: Vec<(&'static str, String)>,
}

/// The modules in an order that satisfies every `depends_on` (the given order where it does not
/// matter). An unknown dependency or a cycle is an error naming the module.
pub fn ordered(modules: &[Module]) -> anyhow::Result<Vec<&Module>> {
    let names: Vec<&str> = modules.iter().map(|m| m.name).collect();
    for m in modules {
        for d in m.depends_on {
            if !names.contains(d) {
                anyhow::bail!("module {} depends on {d}, which is not registered (モジュール {} が未登録の {d} に依存しています)", m.name, m.name);
            }
        }
    }
    let mut out: Vec<&Module> = vec![];
    let mut pending: Vec<&Module> = modules.iter().collect();
    // The platform's tables come first: every module may reference them.
    pending.sort_by_key(|m| m.name != "platform");
    while !pending.is_empty() {
        let before = pending.len();
        let mut i = 0;
        while i < pending.len() {
            if pending[i].depends_on.iter().all(|d| out.iter().any(|m| m.name == *d)) {
                out.push(pending.remove(i));
            } else {
                i += 1;
            }
        }
        if pending.len() == before {
            let stuck: Vec<&str> = pending.iter().map(|m| m.name).collect();
            anyhow::bail!("module dependencies form a cycle: {} (モジュールの依存が循環しています)", stuck.join(", "));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &'static str, deps: &'static [&'static str]) -> Module {
        Module { depends_on: deps, ..Module::new(name) }
    }

    #[test]
    fn dependencies_decide_the_order_not_the_list() {
        let list = [m("wiki", &["directory"]), m("search", &[]), m("directory", &[]), m("platform", &[])];
        let names: Vec<&str> = ordered(&list).unwrap().iter().map(|m| m.name).collect();
        assert_eq!(names, ["platform", "search", "directory", "wiki"]);
        let err = |list: &[Module]| ordered(list).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err(&[m("a", &["b"]), m("b", &["a"])]).contains("cycle"));
        assert!(err(&[m("a", &["nope"])]).contains("nope"));
    }
}
