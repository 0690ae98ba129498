//! Minimum wages (最低賃金): the regional minimum wages (shipped, `reference`) and the industry
//! minimum wages (`files`, `store`), each industry wage against the regional one (`analysis`), the
//! yearly revision campaign's tracker, in-company agreements (`agreements`, reading the wage round
//! through its public API), the report (`report`), the pages, the API and the command line.
//! Minimum wages follow the government's fiscal year (`kumiai_core::GovYear`), not JCM's.

pub mod agreements;
pub mod analysis;
pub mod api;
pub mod cli;
pub mod demo;
pub mod files;
pub mod import;
pub mod map;
pub mod model;
pub mod pages;
pub mod prefecture;
pub mod reference;
pub mod report;
pub mod search;
pub mod store;
pub mod walk;

use kumiai_platform::migrate::Migration;
use kumiai_platform::module::{EntityName, Module};

pub static MIGRATIONS: &[Migration] = &[Migration {
    module: "minwage",
    version: 1,
    name: "regional and industry minimum wages, the revision tracker, agreements, results",
    sqlite: include_str!("../migrations/sqlite/0001_minwage.sql"),
    postgres: include_str!("../migrations/postgres/0001_minwage.sql"),
}];

pub fn module() -> Module {
    Module {
        // Industrial unions concerned and agreements' unions are the directory's; agreements come
        // from the wage round.
        depends_on: &["directory", "campaign"],
        migrations: MIGRATIONS,
        title: ("最低賃金", "Minimum wages"),
        entities: &[
            EntityName { entity: model::REGIONAL, ja: "地域別最低賃金", en: "Regional minimum wage" },
            EntityName { entity: model::INDUSTRY, ja: "特定最低賃金", en: "Industry minimum wage" },
            EntityName { entity: model::STEP, ja: "改正の段階", en: "Revision step" },
            EntityName { entity: model::TARGET, ja: "企業内最賃の目標", en: "In-company minimum wage target" },
            EntityName { entity: model::AGREEMENT, ja: "企業内最低賃金協定", en: "In-company minimum wage agreement" },
            EntityName { entity: model::RESULTS, ja: "最低賃金の年度結果", en: "Minimum-wage results" },
        ],
        cli: vec![cli::command()],
        demo: Some(demo::step),
        walk: Some(walk::walk),
        nav: vec![kumiai_platform::web::NavItem { href: "/minwage", ja: "最低賃金", en: "Minimum wages", shown_to: kumiai_platform::web::NavFor::Everyone }],
        routes: pages::routes().into_iter().chain(api::routes()).collect(),
        openapi: api::openapi(),
        panels: vec![pages::panel::panel],
        search: vec![std::sync::Arc::new(search::Wages)],
        ..Module::new("minwage")
    }
}
