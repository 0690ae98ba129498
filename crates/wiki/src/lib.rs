//! The knowledge base (JCMpedia): pages in Markdown with revisions, diffs, links and categories,
//! each page at its own reach. Depends on the platform and, for organisations and people, the
//! directory's reference API (never its tables).

pub mod api;
pub mod attachments;
pub mod changes;
pub mod dashboard;
pub mod cli;
pub mod demo;
pub mod diff;
pub mod discussion;
pub mod embed;
pub mod merge;
pub mod mediawiki;
pub mod model;
pub mod pages;
pub mod render;
pub mod search;
pub mod store;

use kumiai_platform::migrate::Migration;
use kumiai_platform::module::{EntityName, Module, RecordUrl};
use kumiai_platform::web::{NavFor, NavItem};

/// Unchecked reads of the knowledge base's records are this crate's alone (see `Record::Key`).
pub struct Key(());

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
    Migration {
        module: "wiki",
        version: 6,
        name: "versions of revisions and attachments",
        sqlite: include_str!("../migrations/sqlite/0006_versions.sql"),
        postgres: include_str!("../migrations/postgres/0006_versions.sql"),
    },
    Migration {
        module: "wiki",
        version: 7,
        name: "minor edits; recent changes by time",
        sqlite: include_str!("../migrations/sqlite/0007_minor.sql"),
        postgres: include_str!("../migrations/postgres/0007_minor.sql"),
    },
    Migration {
        module: "wiki",
        version: 8,
        name: "the reason a page was deleted",
        sqlite: include_str!("../migrations/sqlite/0008_delete_reason.sql"),
        postgres: include_str!("../migrations/postgres/0008_delete_reason.sql"),
    },
    Migration {
        module: "wiki",
        version: 9,
        name: "discussions (talk pages)",
        sqlite: include_str!("../migrations/sqlite/0009_discussions.sql"),
        postgres: include_str!("../migrations/postgres/0009_discussions.sql"),
    },
];

pub fn module() -> Module {
    let mut routes = pages::routes();
    routes.extend(pages::changes::routes());
    routes.extend(pages::attachments::routes());
    routes.extend(pages::discussion::routes());
    routes.extend(pages::reports::routes());
    routes.extend(api::routes());
    Module {
        // Pages refer to organisations and people.
        depends_on: &["directory"],
        migrations: MIGRATIONS,
        nav: vec![NavItem { href: "/wiki", ja: "JCMpedia", en: "JCMpedia", shown_to: NavFor::Everyone }],
        routes,
        openapi: api::openapi(),
        title: ("JCMpedia", "JCMpedia"),
        record_urls: &[RecordUrl { prefix: "/wiki/page/", entity: model::ENTITY }],
        entities: &[
            EntityName { entity: model::ENTITY, ja: "ページ", en: "Page" },
            EntityName { entity: model::REVISION, ja: "版", en: "Revision" },
            EntityName { entity: attachments::ENTITY, ja: "添付ファイル", en: "Attachment" },
            EntityName { entity: discussion::ENTITY, ja: "議論のコメント", en: "Discussion comment" },
            EntityName { entity: "wiki_feed_token", ja: "フィードのアドレス", en: "Feed address" },
        ],
        search: search::sources(),
        cli: vec![cli::command()],
        demo: Some(demo::step),
        walk: Some(demo::walk),
        panels: vec![dashboard::recent, dashboard::watched, pages::reports::panel],
        ..Module::new("wiki")
    }
}
