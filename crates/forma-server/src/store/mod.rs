//! The store: every SQL statement Forma runs lives in this module, behind plain
//! functions over a pool or a transaction. Statements use `$1` placeholders, TEXT
//! dates and application-made ids, so the same SQL runs on PostgreSQL.

pub mod athletes;
pub mod audit;
pub mod auth_sessions;
pub mod imports;
pub mod invites;
pub mod labels;
pub mod models;
pub mod performance;
pub mod plans;
pub mod recommendations;
pub mod records;
pub mod resets;
pub mod users;
pub mod write;

pub use write::{begin_write, AuditedWrite, WriteTx};

use sha2::{Digest, Sha256};
use sqlx::{Sqlite, SqlitePool, Transaction};

/// A transaction on the store.
pub type Tx<'a> = Transaction<'a, Sqlite>;

/// The connection pool; cheap to clone.
pub type Pool = SqlitePool;

/// The newest migration applied to this database.
///
/// # Errors
/// When the database does not answer.
pub async fn schema_version(pool: &Pool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
}

/// Now, as RFC 3339 UTC text, the form every time is stored in.
pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// A new random id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// An id derived from content: the same parts always give the same id, which makes
/// importing the same file twice harmless.
pub fn content_id(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    let digest = hasher.finalize();
    digest[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Text form of an optional number, for content ids.
pub fn number_text(value: Option<f64>) -> String {
    value.map(|x| x.to_string()).unwrap_or_default()
}
