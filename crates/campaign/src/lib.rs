//! The wage campaign (JC共闘, one `Campaign` per spring): every union's demands and answers, the
//! tally exactly as JCM publishes it (`tally`), JCM's published history (`history`), answers files
//! (`answers`), storage through the audited, reach-bearing path (`store`) and the command line
//! (`cli`), quick bulletins (`bulletins`, with their PDF in `pdf`), the pages and the JSON API.

pub mod answers;
pub mod api;
pub mod bulletins;
pub mod cli;
pub mod demo;
pub mod entry;
pub mod history;
pub mod model;
pub mod output;
pub mod pages;
pub mod pdf;
pub mod search;
pub mod store;
pub mod tally;
pub mod template;
pub mod walk;

use kumiai_platform::migrate::Migration;
use kumiai_platform::module::{EntityName, Module};

pub static MIGRATIONS: &[Migration] = &[
    Migration {
        module: "campaign",
        version: 1,
        name: "rounds and answers",
        sqlite: include_str!("../migrations/sqlite/0001_campaign.sql"),
        postgres: include_str!("../migrations/postgres/0001_campaign.sql"),
    },
    Migration {
        module: "campaign",
        version: 2,
        name: "the whole answer, the round's schedule, bulletins",
        sqlite: include_str!("../migrations/sqlite/0002_bulletins.sql"),
        postgres: include_str!("../migrations/postgres/0002_bulletins.sql"),
    },
    Migration {
        module: "campaign",
        version: 3,
        name: "answers on the round's other items",
        sqlite: include_str!("../migrations/sqlite/0003_other_items.sql"),
        postgres: include_str!("../migrations/postgres/0003_other_items.sql"),
    },
];

pub fn module() -> Module {
    Module {
        // Answers belong to the directory's unions.
        depends_on: &["directory"],
        migrations: MIGRATIONS,
        title: ("春季生活闘争", "Wage round"),
        entities: &[
            EntityName {
                entity: model::CAMPAIGN,
                ja: "春季生活闘争",
                en: "Wage round",
            },
            EntityName {
                entity: model::ANSWER,
                ja: "要求・回答",
                en: "Demand and answer",
            },
        ],
        cli: vec![cli::command()],
        demo: Some(demo::step),
        walk: Some(walk::walk),
        nav: vec![kumiai_platform::web::NavItem {
            href: "/campaign",
            ja: "春闘",
            en: "Wage round",
            shown_to: kumiai_platform::web::NavFor::Everyone,
        }],
        routes: pages::routes().into_iter().chain(api::routes()).collect(),
        openapi: api::openapi(),
        panels: vec![pages::panel],
        search: vec![
            std::sync::Arc::new(search::Answers),
            std::sync::Arc::new(search::Bulletins),
        ],
        ..Module::new("campaign")
    }
}
