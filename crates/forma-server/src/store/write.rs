//! Write transactions that wait their turn.
//!
//! SQLite lets one writer at a time change the database. A transaction opened with
//! a plain `BEGIN` starts as a reader; when it writes after reading and another
//! writer committed in between, SQLite refuses the upgrade at once with "database is
//! locked" (`SQLITE_BUSY_SNAPSHOT`) instead of waiting, whatever the busy timeout,
//! because waiting could not make its stale reads current
//! (<https://www.sqlite.org/isolation.html>, <https://www.sqlite.org/lang_transaction.html>).
//! Every write transaction therefore starts as a writer, `BEGIN IMMEDIATE`, which
//! waits for the lock up to the busy timeout and then reads only current data.
//!
//! Writers of this process also queue here, first come first served, before they
//! take a connection: SQLite's busy handler only polls with sleeps, and a writer
//! that waits inside it holds a connection readers could use. Another process (the
//! command line importing while the server runs) still waits in SQLite's busy
//! handler. A writer that cannot get its turn within [`WRITE_WAIT`] gets
//! `sqlx::Error::PoolTimedOut`, which the API answers with 503 and `Retry-After`.
//!
//! PostgreSQL takes row locks as it writes and needs neither: a second backend would
//! begin with a plain `BEGIN` here.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use forma_core::types::AthleteId;

use super::audit::{self, Actor, Change};
use super::{Pool, Tx};

/// How long a writer waits for the writers before it in this process.
pub const WRITE_WAIT: Duration = Duration::from_secs(5);

/// A transaction that holds the database's write lock from its first statement.
/// Pass `&mut tx` wherever a [`Tx`] is taken; [`WriteTx::commit`] ends it, and
/// dropping it rolls back.
pub struct WriteTx {
    tx: Tx<'static>,
    /// This process's writers wait for it to be dropped.
    _turn: OwnedSemaphorePermit,
}

impl Deref for WriteTx {
    type Target = Tx<'static>;

    fn deref(&self) -> &Tx<'static> {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Tx<'static> {
        &mut self.tx
    }
}

impl WriteTx {
    /// Makes the transaction's changes durable and lets the next writer in.
    ///
    /// # Errors
    /// When the database refuses the commit; then nothing of it is stored.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Undoes the transaction's changes and lets the next writer in.
    ///
    /// # Errors
    /// When the database fails; the changes are undone all the same.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

/// A write transaction that says what it changed: it begins as the writer
/// ([`begin_write`]), writes an audit entry by its actor for each change, marks
/// an athlete whose data changed (their `data_version`, which the caches, the
/// team list and today's recommendation are keyed by), and commits all of it at
/// once or none of it. Statements of the change itself take `&mut write` as a
/// [`Tx`]; dropping it rolls back.
pub struct AuditedWrite {
    tx: WriteTx,
    actor: Actor,
}

impl Deref for AuditedWrite {
    type Target = Tx<'static>;

    fn deref(&self) -> &Tx<'static> {
        &self.tx
    }
}

impl DerefMut for AuditedWrite {
    fn deref_mut(&mut self) -> &mut Tx<'static> {
        &mut self.tx
    }
}

impl AuditedWrite {
    /// Begins a write by `actor` (see [`begin_write`]).
    ///
    /// # Errors
    /// As [`begin_write`].
    pub async fn begin(pool: &Pool, actor: Actor) -> Result<AuditedWrite, sqlx::Error> {
        Ok(AuditedWrite {
            tx: begin_write(pool).await?,
            actor,
        })
    }

    /// Who makes the change.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Records a change that leaves every athlete's data as it was (a decision, a
    /// sign-in, an account).
    ///
    /// # Errors
    /// When the database refuses the write.
    pub async fn audit(&mut self, change: Change<'_>) -> Result<(), sqlx::Error> {
        audit::record(&mut self.tx, &self.actor, change).await
    }

    /// Records a change of `athlete`'s data and marks their data as changed.
    ///
    /// # Errors
    /// When the database refuses the write.
    pub async fn athlete_changed(
        &mut self,
        athlete: &AthleteId,
        change: Change<'_>,
    ) -> Result<(), sqlx::Error> {
        self.data_changed(athlete).await?;
        self.audit(change).await
    }

    /// Records that `athlete`'s `entity` `id` was made, as `after`, and marks
    /// their data as changed.
    ///
    /// # Errors
    /// When the database refuses the write.
    pub async fn athlete_created(
        &mut self,
        athlete: &AthleteId,
        entity: &str,
        id: &str,
        after: Option<serde_json::Value>,
    ) -> Result<(), sqlx::Error> {
        self.athlete_changed(
            athlete,
            Change {
                action: "create",
                entity,
                entity_id: id,
                athlete_id: Some(athlete.as_str()),
                before: None,
                after,
            },
        )
        .await
    }

    /// Marks `athlete`'s data as changed where one entry covers many athletes
    /// (an import's).
    ///
    /// # Errors
    /// When the database refuses the write.
    pub async fn data_changed(&mut self, athlete: &AthleteId) -> Result<(), sqlx::Error> {
        super::athletes::bump_data_version(&mut self.tx, athlete).await
    }

    /// Undoes the change and its audit entries.
    ///
    /// # Errors
    /// When the database fails; the changes are undone all the same.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }

    /// Makes the change and its audit entries durable together.
    ///
    /// # Errors
    /// When the database refuses the commit; then nothing of it is stored.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// Waits for this process's earlier writers, then begins a write transaction.
///
/// # Errors
/// `sqlx::Error::PoolTimedOut` when the turn does not come within [`WRITE_WAIT`];
/// SQLite's busy error when another process holds the lock past the busy timeout;
/// any other database failure.
pub async fn begin_write(pool: &Pool) -> Result<WriteTx, sqlx::Error> {
    let turns = writers_of(pool);
    let turn = tokio::time::timeout(WRITE_WAIT, turns.acquire_owned())
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)?
        .map_err(|_| sqlx::Error::PoolClosed)?;
    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTx { tx, _turn: turn })
}

/// The one queue of writers for the database file `pool` opens. Pools of the same
/// file in one process (a test's second connection) share it.
fn writers_of(pool: &Pool) -> Arc<Semaphore> {
    static QUEUES: OnceLock<Mutex<HashMap<PathBuf, Arc<Semaphore>>>> = OnceLock::new();
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut queues = QUEUES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    queues
        .entry(file)
        .or_insert_with(|| Arc::new(Semaphore::new(1)))
        .clone()
}

/// Whether a database error means the write lock could not be had in time (busy or
/// locked, or no turn to write): the request may be tried again as it was.
pub fn is_busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(database) => database
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            // Extended codes keep the primary one in the low byte: SQLITE_BUSY (5)
            // with BUSY_SNAPSHOT, BUSY_RECOVERY and BUSY_TIMEOUT; SQLITE_LOCKED (6).
            .is_some_and(|code| matches!(code & 0xff, 5 | 6)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_that_read_first_wait_for_each_other_instead_of_failing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pool = crate::db::open(dir.path()).await.expect("database");
        sqlx::query("CREATE TABLE counter (n INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .expect("table");
        sqlx::query("INSERT INTO counter (n) VALUES (0)")
            .execute(&pool)
            .await
            .expect("row");
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let pool = pool.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..25 {
                    let mut tx = begin_write(&pool).await?;
                    // Read, then write what was read: a lost update if two
                    // transactions interleaved.
                    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
                        .fetch_one(&mut **tx)
                        .await?;
                    tokio::task::yield_now().await;
                    sqlx::query("UPDATE counter SET n = $1")
                        .bind(n + 1)
                        .execute(&mut **tx)
                        .await?;
                    tx.commit().await?;
                }
                Ok::<(), sqlx::Error>(())
            }));
        }
        for task in tasks {
            task.await.expect("task").expect("every write succeeds");
        }
        let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(n, 200);
    }

    #[tokio::test]
    async fn a_second_process_holding_the_lock_past_the_busy_timeout_reads_as_busy() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pool = crate::db::open(dir.path()).await.expect("database");
        // Another connection, outside this process's queue, as another process would be.
        let options = (*pool.connect_options())
            .clone()
            .busy_timeout(Duration::from_millis(50));
        let other = sqlx::SqlitePool::connect_with(options)
            .await
            .expect("second pool");
        let mut held = pool.begin_with("BEGIN IMMEDIATE").await.expect("lock");
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&mut *held)
            .await
            .expect("write");
        let refused = other
            .begin_with("BEGIN IMMEDIATE")
            .await
            .expect_err("the lock is held");
        assert!(is_busy(&refused), "{refused}");
        assert!(!is_busy(&sqlx::Error::RowNotFound));
        held.rollback().await.expect("rollback");
    }
}
