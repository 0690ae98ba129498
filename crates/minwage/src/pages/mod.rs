//! The module's pages: the year's analysis with its map and tables, the series of a prefecture and
//! of an industry, the revision tracker, in-company agreements, the public results, imports.

pub mod agreements;
pub mod fmt;
pub mod import;
pub mod panel;
pub mod results;
pub mod series;
pub mod tracker;
pub mod view;
pub mod year;

use axum::routing::{get, post};
use kumiai_platform::web::{Guard, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/minwage", Guard::Reach, get(year::index)),
        Route::get("/minwage/import", Guard::Reach, get(import::form)),
        Route::post("/minwage/import", Guard::Reach, post(import::upload).layer(axum::extract::DefaultBodyLimit::max(import::UPLOAD_LIMIT))),
        Route::get("/minwage/{year}", Guard::Reach, get(year::year)),
        Route::get("/minwage/{year}/wages.csv", Guard::Reach, get(year::csv)),
        Route::get("/minwage/{year}/wages.xlsx", Guard::Reach, get(year::xlsx)),
        Route::get("/minwage/{year}/results", Guard::Reach, get(results::show)),
        Route::post("/minwage/{year}/results", Guard::Reach, post(results::publish)),
        Route::get("/minwage/{year}/tracker", Guard::Reach, get(tracker::dashboard)),
        Route::post("/minwage/{year}/tracker/open", Guard::Reach, post(tracker::open)),
        Route::get("/minwage/{year}/agreements", Guard::Reach, get(agreements::list)),
        Route::get("/minwage/{year}/agreements.csv", Guard::Reach, get(agreements::csv)),
        Route::get("/minwage/{year}/agreements.xlsx", Guard::Reach, get(agreements::xlsx)),
        Route::get("/minwage/{year}/tracker.csv", Guard::Reach, get(tracker::csv)),
        Route::post("/minwage/{year}/agreements/target", Guard::Reach, post(agreements::set_target)),
        Route::get("/minwage/wages/{id}", Guard::Reach, get(tracker::wage)),
        Route::post("/minwage/wages/{id}/steps/{step}", Guard::Reach, post(tracker::save)),
        Route::get("/minwage/prefectures/{code}", Guard::Reach, get(series::prefecture)),
        Route::get("/minwage/industries/{name}", Guard::Reach, get(series::industry)),
    ]
}

/// `?format=csv|xlsx` on a page that also exports what it shows.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Format {
    pub format: String,
}

/// The rows as the asked format's download, or None for the page itself.
pub(crate) fn export(format: &str, name: &str, headers: &[&str], rows: Vec<Vec<String>>) -> kumiai_platform::AppResult<Option<axum::response::Response>> {
    Ok(match format {
        "csv" => Some(download(&format!("{name}.csv"), crate::report::csv_of(headers, rows.into_iter()))),
        "xlsx" => Some(download(&format!("{name}.xlsx"), crate::report::workbook(&[(name, headers, rows)]).map_err(kumiai_platform::AppError::Internal)?)),
        _ => None,
    })
}

/// A file download.
pub(crate) fn download(name: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let kind = if name.ends_with(".csv") { "text/csv; charset=utf-8" } else { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" };
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes).into_response()
}
