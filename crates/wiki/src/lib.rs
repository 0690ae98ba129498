//! The knowledge base (JCMpedia): pages in Markdown with revisions, diffs, links and categories,
//! each page at its own reach. Depends on the platform and, for infoboxes, on the directory's
//! public API.

pub mod model;
pub mod diff;
pub mod render;
