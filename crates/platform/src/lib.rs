//! Kumiai's shared core with I/O: the database handle and migrations, the audited write path, the
//! reach SQL filter, accounts and sessions, and the web shell every module's pages live in.
//! Modules depend on this crate; it depends on no module.

pub mod accounts;
pub mod audit;
pub mod config;
pub mod db;
pub mod error;
pub mod migrate;
pub mod reach;
pub mod web;

pub use config::Config;
pub use db::Db;
pub use error::{AppError, AppResult, FieldError};
