//! The directory module: organisations, member counts and people — storage, rules, pages, JSON
//! API, spreadsheet import/export, search documents, command line and demo data. It depends on
//! the platform only. Other modules use [`reference`], never its tables.

pub mod api;
pub mod cli;
pub mod counts;
pub mod dashboard;
pub mod demo;
pub mod io;
pub mod org;
pub mod pages;
pub mod people;
pub mod reference;
pub mod rollup;
pub mod search;

use kumiai_platform::migrate::Migration;
use kumiai_platform::module::{EntityName, Module, RecordUrl};
use kumiai_platform::web::{NavFor, NavItem};

/// Unchecked reads of the directory's records are this crate's alone (see `Record::Key`).
pub struct Key(());

pub static MIGRATIONS: &[Migration] = &[Migration {
    module: "directory",
    version: 1,
    name: "member counts and people",
    sqlite: include_str!("../migrations/sqlite/0001_directory.sql"),
    postgres: include_str!("../migrations/postgres/0001_directory.sql"),
}];

pub fn module() -> Module {
    let mut routes = pages::routes();
    routes.extend(api::routes());
    Module {
        migrations: MIGRATIONS,
        fiscal_year_columns: &[("member_counts", "fiscal_year")],
        nav: vec![
            NavItem { href: "/directory/organisations", ja: "組織", en: "Organisations", shown_to: NavFor::Everyone },
            NavItem { href: "/directory/people", ja: "人物", en: "People", shown_to: NavFor::Everyone },
        ],
        routes,
        openapi: api::openapi(),
        title: ("名簿", "Directory"),
        record_urls: &[
            RecordUrl { prefix: "/directory/organisations/", entity: org::ENTITY },
            RecordUrl { prefix: "/directory/people/", entity: people::ENTITY },
        ],
        entities: &[
            EntityName { entity: org::ENTITY, ja: "組織", en: "Organisation" },
            EntityName { entity: people::ENTITY, ja: "人物", en: "Person" },
            EntityName { entity: counts::ENTITY, ja: "組合員数", en: "Member count" },
        ],
        search: search::sources(),
        cli: vec![cli::command()],
        demo: Some(demo::step),
        walk: Some(demo::walk),
        panels: vec![dashboard::counts_due],
        ..Module::new("directory")
    }
}
