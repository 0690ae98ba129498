//! One import path for the command line and the web: read the file, check every row, store all
//! of it or nothing.

use crate::store::{self, Report};
use kumiai_core::{Reach, Viewer};
use kumiai_platform::db::Db;
use kumiai_platform::{AppError, AppResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Regional,
    Industry,
    Agreements,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "regional" => Some(Kind::Regional),
            "industry" => Some(Kind::Industry),
            "agreements" => Some(Kind::Agreements),
            _ => None,
        }
    }
}

pub async fn import(db: &Db, viewer: &Viewer, kind: Kind, file: &str, bytes: &[u8], default_reach: Reach, now: i64) -> AppResult<Report> {
    store::hq_editor(viewer)?;
    let table = kumiai_directory::io::Table::read(file, bytes).map_err(|e| AppError::Validation(vec![e]))?;
    match kind {
        Kind::Regional => {
            let rows = crate::files::regional(&table).map_err(AppError::Validation)?;
            store::import_regional(db, viewer, &rows).await
        }
        Kind::Industry => {
            let rows = crate::files::industry(&table).map_err(AppError::Validation)?;
            store::import_industry(db, viewer, file, &rows, default_reach, now).await
        }
        Kind::Agreements => {
            let rows = crate::files::agreements(&table).map_err(AppError::Validation)?;
            store::import_agreements(db, viewer, file, &rows, now).await
        }
    }
}
