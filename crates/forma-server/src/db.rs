//! Storage: opening the database and applying migrations. SQLite in the data folder
//! is the embedded default; SQL here stays portable so PostgreSQL can follow.

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// The file name of the database inside the data folder.
pub const DATABASE_FILE: &str = "forma.db";

/// Opens (creating when missing) `DATA_DIR/forma.db` and brings its schema up to date.
///
/// Durability settings: write-ahead log, `synchronous = FULL` so a write the user was
/// told succeeded survives power loss, and foreign keys enforced.
///
/// # Errors
/// When the folder cannot be created, the file cannot be opened, or a migration fails.
pub async fn open(data_dir: &Path) -> anyhow::Result<SqlitePool> {
    std::fs::create_dir_all(data_dir).map_err(|error| {
        anyhow::anyhow!(
            "cannot create the data folder {}: {error}",
            data_dir.display()
        )
    })?;
    // One spelling of the file, so this process's writers share one queue
    // (`store::write`) however the folder was named.
    let data_dir = std::fs::canonicalize(data_dir).map_err(|error| {
        anyhow::anyhow!(
            "cannot open the data folder {}: {error}",
            data_dir.display()
        )
    })?;
    let path = data_dir.join(DATABASE_FILE);
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(|error| anyhow::anyhow!("cannot open the database {}: {error}", path.display()))?;
    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .map_err(|error| {
            anyhow::anyhow!("cannot migrate the database {}: {error}", path.display())
        })?;
    Ok(pool)
}
