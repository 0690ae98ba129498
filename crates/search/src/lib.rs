//! One full-text index for every module. Japanese is analysed twice — morphologically with IPADIC
//! (built offline from Debian's mecab-ipadic) and as character bigrams — after width, case and
//! ヴ-row normalisation; English words are stemmed. Documents carry their record's `Access`, and the
//! reader's reach is part of every query. The index follows the audit log (`service`), and the
//! search page and API live in `web`. Modules hand it documents through the platform's `Source`
//! and never depend on this crate (or on tantivy).

pub mod cli;
pub mod dictionary;
pub mod index;
pub mod normalize;
pub mod service;
pub mod tokenize;
pub mod web;

pub use index::{Analysis, Facets, Hit, Results, SearchIndex, SearchQuery, Sort};
pub use kumiai_platform::search::{BoxFuture, Document, Source, batch_by_id};
pub use service::Search;
