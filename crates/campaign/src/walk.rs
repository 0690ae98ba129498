//! Ids for the route walk (the test that requests every route as every tier).

use crate::store;
use kumiai_platform::Db;
use kumiai_platform::module::WalkTarget;
use kumiai_platform::search::BoxFuture;

/// Route-walk ids: the demo's round (the head office's alone), a union in it, and its bulletins:
/// the one under embargo is hidden from every tier but the head office.
pub fn walk(db: &Db) -> BoxFuture<'_, anyhow::Result<Vec<WalkTarget>>> {
    Box::pin(async move {
        let Some(c) = store::latest(db).await? else {
            return Ok(vec![]);
        };
        let year = c.year.to_string();
        let system = kumiai_core::Viewer::system();
        let now = kumiai_core::time::now_ms();
        let first = store::answers(db, &system, &c, now)
            .await?
            .into_iter()
            .next();
        let code = first
            .as_ref()
            .map(|a| a.union_code.clone())
            .unwrap_or_default();
        let iu = first
            .as_ref()
            .map(|a| a.industrial_union_code.clone())
            .unwrap_or_default();
        let list = crate::bulletins::list(db, &system, &c, now).await?;
        let embargoed = list
            .iter()
            .find(|b| !crate::bulletins::lifted(b, now))
            .map_or(0, |b| b.number)
            .to_string();
        let lifted = list
            .iter()
            .find(|b| crate::bulletins::lifted(b, now))
            .map_or(0, |b| b.number)
            .to_string();
        Ok(vec![
            WalkTarget {
                route_prefix: "/campaign/{year}",
                hidden: vec![("year", year.clone())],
                visible: vec![("year", year.clone())],
            },
            WalkTarget {
                route_prefix: "/campaign/{year}/answers/{code}",
                hidden: vec![("year", year.clone()), ("code", code.clone())],
                visible: vec![("year", year.clone()), ("code", code)],
            },
            WalkTarget {
                route_prefix: "/campaign/{year}/template/{code}",
                hidden: vec![("year", year.clone()), ("code", iu.clone())],
                visible: vec![("year", year.clone()), ("code", iu)],
            },
            WalkTarget {
                route_prefix: "/campaign/{year}/bulletins/{number}",
                hidden: vec![("year", year.clone()), ("number", embargoed)],
                visible: vec![("year", year), ("number", lifted)],
            },
        ])
    })
}
