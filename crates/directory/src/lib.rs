//! The directory module: organisations, member counts and people — storage, rules, pages, JSON API
//! and spreadsheet import/export. It depends on the platform (reach, audit, web shell) only.

pub mod api;
pub mod counts;
pub mod io;
pub mod org;
pub mod pages;
pub mod people;
pub mod search;

use kumiai_platform::migrate::Migration;
use kumiai_platform::web::{Module, NavFor, NavItem};

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
        name: "directory",
        migrations: MIGRATIONS,
        nav: vec![
            NavItem { href: "/directory/organisations", ja: "組織", en: "Organisations", shown_to: NavFor::Everyone },
            NavItem { href: "/directory/people", ja: "人物", en: "People", shown_to: NavFor::Everyone },
        ],
        routes,
        openapi: api::openapi(),
    }
}
