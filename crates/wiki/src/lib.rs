//! The knowledge base (JCMpedia): pages in Markdown with revisions, diffs, links and categories,
//! each page at its own reach. Depends on the platform, the search service (as a source) and, for
//! infoboxes, the directory's public API.

pub mod api;
pub mod attachments;
pub mod changes;
pub mod diff;
pub mod mediawiki;
pub mod model;
pub mod pages;
pub mod render;
pub mod search;
pub mod store;

use kumiai_platform::migrate::Migration;
use kumiai_platform::web::{Module, NavFor, NavItem};

pub static MIGRATIONS: &[Migration] = &[
    Migration {
        module: "wiki",
        version: 1,
        name: "pages, revisions, links, categories",
        sqlite: include_str!("../migrations/sqlite/0001_wiki.sql"),
        postgres: include_str!("../migrations/postgres/0001_wiki.sql"),
    },
    Migration {
        module: "wiki",
        version: 2,
        name: "watch list and feed tokens",
        sqlite: include_str!("../migrations/sqlite/0002_watch.sql"),
        postgres: include_str!("../migrations/postgres/0002_watch.sql"),
    },
    Migration {
        module: "wiki",
        version: 3,
        name: "English copies of Japanese pages",
        sqlite: include_str!("../migrations/sqlite/0003_translations.sql"),
        postgres: include_str!("../migrations/postgres/0003_translations.sql"),
    },
    Migration {
        module: "wiki",
        version: 4,
        name: "attachments",
        sqlite: include_str!("../migrations/sqlite/0004_attachments.sql"),
        postgres: include_str!("../migrations/postgres/0004_attachments.sql"),
    },
    Migration {
        module: "wiki",
        version: 5,
        name: "MediaWiki import map",
        sqlite: include_str!("../migrations/sqlite/0005_import.sql"),
        postgres: include_str!("../migrations/postgres/0005_import.sql"),
    },
];

pub fn module() -> Module {
    let mut routes = pages::routes();
    routes.extend(changes::routes());
    routes.extend(attachments::routes());
    routes.extend(api::routes());
    Module {
        name: "wiki",
        migrations: MIGRATIONS,
        nav: vec![NavItem { href: "/wiki", ja: "JCMpedia", en: "JCMpedia", shown_to: NavFor::Everyone }],
        routes,
        openapi: api::openapi(),
    }
}
