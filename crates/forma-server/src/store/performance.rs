//! Performance tests, for the Banister fit on the Plan page.

use forma_core::plan::PerformanceTest;
use forma_core::types::{parse_date, AthleteId};

use super::{new_id, now, Pool, Tx};

/// Stores one test; returns its id.
///
/// # Errors
/// When the database refuses the write.
pub async fn insert(
    tx: &mut Tx<'_>,
    athlete: &AthleteId,
    test: &PerformanceTest,
    author_id: &str,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO performance_tests (id, athlete_id, date, value, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(athlete.as_str())
    .bind(test.date.to_string())
    .bind(test.value)
    .bind(author_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The athlete's tests in date order.
///
/// # Errors
/// When the database fails or holds a date Forma cannot read.
pub async fn of_athlete(
    pool: &Pool,
    athlete: &AthleteId,
) -> Result<Vec<PerformanceTest>, sqlx::Error> {
    let rows = sqlx::query_as::<_, (String, f64)>(
        "SELECT date, value FROM performance_tests WHERE athlete_id = $1 ORDER BY date, id",
    )
    .bind(athlete.as_str())
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(date, value)| {
            Ok(PerformanceTest {
                date: parse_date(&date).map_err(|e| sqlx::Error::Decode(e.to_string().into()))?,
                value,
            })
        })
        .collect()
}
