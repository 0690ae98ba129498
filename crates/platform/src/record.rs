//! The shared record kit. A module's record type states once what every generic piece needs: its
//! entity name (audit log, shares, search keys), its table, how to read one row, its snapshot for
//! the audit log, and — for records with a reach — its `Access`. Loading, archiving, the audited
//! writes and conflict reports are then written once, here and in `audit`, for every module.

use crate::db::Db;
use kumiai_core::{Access, Lang, OrgId};
use serde_json::Value;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

/// Something that stands for one record of an entity: a full row or a list row.
pub trait Identified {
    /// The entity's name in the audit log, in `record_shares` and in search keys.
    const ENTITY: &'static str;
    fn id(&self) -> i64;
}

/// `Identified` for types whose `id` field is a typed id: `identified!(ENTITY => Organisation, ListRow);`.
#[macro_export]
macro_rules! identified {
    ($entity:expr => $($t:ty),+ $(,)?) => {$(
        impl $crate::Identified for $t {
            const ENTITY: &'static str = $entity;
            fn id(&self) -> i64 {
                self.id.get()
            }
        }
    )+};
}

/// A stored record.
pub trait Record: Identified + for<'r> sqlx::FromRow<'r, AnyRow> + Send + Sync + Unpin + Sized + 'static {
    /// The table rows are written to.
    const TABLE: &'static str;
    /// `SELECT … FROM …` reading rows (joins allowed, no `WHERE`); the table is aliased [`Record::ALIAS`].
    const SELECT: &'static str;
    const ALIAS: &'static str;
    /// Snapshot keys that hold organisation ids (one, or a list): histories and conflict reports
    /// show them as codes, or as "an organisation you cannot see".
    const ORG_REFS: &'static [&'static str] = &[];
    /// Whether records of this entity may be shared with named organisations.
    const SHARED: bool = false;
    /// The snapshot's fields as people name them, (key, Japanese, English), in the order a history
    /// lists them. A key not listed (a version, an internal id) is not shown to readers; a record
    /// that lists none shows every key as it is.
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[];
    /// A snapshot value in words, where it is a code (an enum): `enterprise_union` → 単組.
    fn present(_field: &str, _value: &str, _lang: Lang) -> Option<String> {
        None
    }
    /// A value only the owning crate can make: unchecked reads ([`fetch`]) ask for it, so no other
    /// crate can read the rows without going through the owner's API.
    type Key: 'static;

    fn version(&self) -> i64;
    /// The row as stored, for the audit log (no secrets, no bulky text).
    fn snapshot(&self) -> Value;
    /// What a conflict report shows of the row; the snapshot unless the record needs more (a page's text).
    fn conflict_view(&self) -> Value {
        self.snapshot()
    }
    /// Roughly the bytes the record holds, for the read cache's budget.
    fn weight(&self) -> usize {
        std::mem::size_of::<Self>() + 512
    }
}

/// A record with a reach.
pub trait Reachable: Record + Clone {
    fn access(&self, shared_with: Vec<OrgId>) -> Access;
}

/// `SELECT … WHERE alias.id = $1` for `R`.
pub fn by_id_sql<R: Record>() -> String {
    format!("{} WHERE {}.id = $1", R::SELECT, R::ALIAS)
}

/// One row, unchecked. Platform-internal: modules go through [`fetch`] (their own records) or the
/// reach layer.
pub(crate) async fn fetch_inner<'e, R: Record>(exec: impl sqlx::Executor<'e, Database = sqlx::Any>, id: i64) -> sqlx::Result<Option<R>> {
    sqlx::query_as::<_, R>(AssertSqlSafe(by_id_sql::<R>())).bind(id).fetch_optional(exec).await
}

/// One row without a reach check, for the module that owns `R` (its write paths and its search
/// documents): only that crate can make `R::Key`.
pub async fn fetch<R: Record>(db: &Db, id: i64, _owner: &R::Key) -> sqlx::Result<Option<R>> {
    fetch_inner::<R>(&db.pool, id).await
}
