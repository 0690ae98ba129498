//! Ids for the route walk: a year's results published to everyone and one the head office keeps,
//! a wage everyone sees and one only the head office does.

use crate::store;
use kumiai_core::{Reach, Viewer};
use kumiai_platform::Db;
use kumiai_platform::module::WalkTarget;
use kumiai_platform::search::BoxFuture;

pub fn walk(db: &Db) -> BoxFuture<'_, anyhow::Result<Vec<WalkTarget>>> {
    Box::pin(async move {
        let system = Viewer::system();
        let now = kumiai_core::time::now_ms();
        let wages = store::wages(db, &system, 2026, now).await?;
        let Some(hidden) = wages.iter().find(|w| w.reach == Reach::Hq) else { return Ok(vec![]) };
        let Some(open) = wages.iter().find(|w| w.reach == Reach::Public) else { return Ok(vec![]) };
        Ok(vec![
            WalkTarget { route_prefix: "/minwage/{year}", hidden: vec![("year", "2025".into())], visible: vec![("year", "2025".into())] },
            WalkTarget { route_prefix: "/minwage/{year}/results", hidden: vec![("year", "2025".into())], visible: vec![("year", "2024".into())] },
            WalkTarget { route_prefix: "/api/v1/minwage/{year}", hidden: vec![("year", "2025".into())], visible: vec![("year", "2025".into())] },
            WalkTarget {
                route_prefix: "/minwage/wages/{id}",
                hidden: vec![("id", hidden.id.to_string()), ("step", "petition".into())],
                visible: vec![("id", open.id.to_string()), ("step", "petition".into())],
            },
            WalkTarget { route_prefix: "/minwage/prefectures/{code}", hidden: vec![("code", "23".into())], visible: vec![("code", "23".into())] },
            WalkTarget { route_prefix: "/minwage/industries/{name}", hidden: vec![("name", kumiai_platform::text::percent_encode(&hidden.industry))], visible: vec![("name", kumiai_platform::text::percent_encode(&open.industry))] },
        ])
    })
}
