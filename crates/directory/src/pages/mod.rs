//! The directory's HTML pages. Handlers only translate between HTTP and the stores; every rule
//! lives in `org::store`, `people::store` and `counts`.

mod counts;
mod orgs;
mod people;
mod transfer;

use axum::routing::{get, post};
use kumiai_platform::web::{Guard, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/directory/organisations", Guard::Reach, get(orgs::list)),
        // Empty forms show no record: they open without a reach check.
        Route::get("/directory/organisations/new", Guard::Open, get(orgs::new_form)),
        Route::post("/directory/organisations/new", Guard::Reach, post(orgs::create)),
        Route::get("/directory/organisations/{id}", Guard::Reach, get(orgs::detail)),
        Route::get("/directory/organisations/{id}/edit", Guard::Reach, get(orgs::edit_form)),
        Route::post("/directory/organisations/{id}/edit", Guard::Reach, post(orgs::update)),
        Route::post("/directory/organisations/{id}/move", Guard::Reach, post(orgs::update)),
        Route::post("/directory/organisations/{id}/archive", Guard::Reach, post(orgs::archive)),
        Route::post("/directory/organisations/{id}/restore", Guard::Reach, post(orgs::restore)),
        Route::post("/directory/organisations/{id}/counts", Guard::Reach, post(orgs::save_counts)),
        Route::get("/directory/organisations/{id}/counts/grid", Guard::Reach, get(counts::grid)),
        Route::post("/directory/organisations/{id}/counts/grid", Guard::Reach, post(counts::save_grid)),
        Route::get("/directory/organisations/{id}/counts/template.xlsx", Guard::Reach, get(counts::template)),
        Route::get("/directory/people", Guard::Reach, get(people::list)),
        Route::get("/directory/people/new", Guard::Open, get(people::new_form)),
        Route::get("/directory/pick/people", Guard::Reach, get(people::pick)),
        Route::post("/directory/people/new", Guard::Reach, post(people::create)),
        Route::get("/directory/people/{id}", Guard::Reach, get(people::detail)),
        Route::get("/directory/people/{id}/edit", Guard::Reach, get(people::edit_form)),
        Route::post("/directory/people/{id}/edit", Guard::Reach, post(people::update)),
        Route::post("/directory/people/{id}/archive", Guard::Reach, post(people::archive)),
        Route::post("/directory/people/{id}/restore", Guard::Reach, post(people::restore)),
        Route::get("/directory/export/{file}", Guard::Reach, get(transfer::export)),
        Route::get("/directory/import", Guard::Open, get(transfer::import_form)),
        Route::post("/directory/import", Guard::Reach, post(transfer::import).layer(axum::extract::DefaultBodyLimit::max(transfer::IMPORT_LIMIT))),
    ]
}
