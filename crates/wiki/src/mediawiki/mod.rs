//! Import of a MediaWiki XML export with full history (`kumiai wiki import-mediawiki`).

mod bz2;
mod bz2_block;
pub mod convert;
pub mod files;
pub mod import;
pub mod reader;
mod table;
pub mod talk;
pub mod templates;
