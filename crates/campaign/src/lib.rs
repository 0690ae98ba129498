//! The wage campaign (JC共闘, one `Campaign` per spring): every union's demands and answers, the
//! tally exactly as JCM publishes it (`tally`), JCM's published history (`history`), answers files
//! (`answers`), storage through the audited, reach-bearing path (`store`) and the command line
//! (`cli`). Pages, bulletins and the answer-day board come next.

pub mod answers;
pub mod cli;
pub mod demo;
pub mod history;
pub mod model;
pub mod output;
pub mod pages;
pub mod store;
pub mod tally;
pub mod template;

use kumiai_platform::migrate::Migration;
use kumiai_platform::module::{EntityName, Module};

pub static MIGRATIONS: &[Migration] = &[Migration {
    module: "campaign",
    version: 1,
    name: "rounds and answers",
    sqlite: include_str!("../migrations/sqlite/0001_campaign.sql"),
    postgres: include_str!("../migrations/postgres/0001_campaign.sql"),
}];

pub fn module() -> Module {
    Module {
        // Answers belong to the directory's unions.
        depends_on: &["directory"],
        migrations: MIGRATIONS,
        title: ("春季生活闘争", "Wage round"),
        entities: &[EntityName { entity: model::CAMPAIGN, ja: "春季生活闘争", en: "Wage round" }, EntityName { entity: model::ANSWER, ja: "要求・回答", en: "Demand and answer" }],
        cli: vec![cli::command()],
        demo: Some(demo::step),
        walk: Some(pages::walk),
        routes: pages::routes(),
        panels: vec![pages::panel],
        ..Module::new("campaign")
    }
}
