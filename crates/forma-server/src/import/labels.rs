//! Importing a labels file (the canonical labels CSV or JSON Lines that
//! `forma export labels` and `GET /api/labels/export` write), in one transaction:
//! every label lands or none does. A label whose id is stored already is left as
//! it is, so importing the same file twice adds nothing.

use std::collections::BTreeSet;

use forma_core::api::{ImportReport, RejectedRow};
use forma_core::labels::{read_labels, LabelFormat};
use forma_core::types::AthleteId;

use crate::store::audit::{self, Actor, Change};
use crate::store::{athletes, labels, Pool};

fn refused(file: &str, rejected: Vec<RejectedRow>) -> ImportReport {
    ImportReport {
        stored: false,
        file: file.to_owned(),
        added: 0,
        unchanged: 0,
        updated: 0,
        new_athletes: Vec::new(),
        rejected,
        preview: None,
    }
}

fn rejected(file: &str, column: &str, value: &str, reason: String) -> RejectedRow {
    RejectedRow {
        file: file.to_owned(),
        row: None,
        column: Some(column.to_owned()),
        value: Some(value.to_owned()),
        reason,
    }
}

/// Imports the labels of one file. The athletes (and sessions) the labels name
/// must exist; an author with an account here is linked to it, any other is kept
/// by email.
///
/// # Errors
/// Only when the database fails; what cannot be read or placed is in the report.
pub async fn import_labels(
    pool: &Pool,
    file: &str,
    text: &str,
    format: LabelFormat,
    actor: &Actor,
) -> Result<ImportReport, sqlx::Error> {
    let read = match read_labels(file, text, format) {
        Ok(read) => read,
        Err(error) => {
            return Ok(refused(
                file,
                vec![RejectedRow {
                    file: error.file.clone(),
                    row: Some(error.line),
                    column: Some(error.column.clone()),
                    value: Some(error.value.clone()),
                    reason: format!("expected {}", error.accepted),
                }],
            ))
        }
    };
    let mut tx = crate::store::AuditedWrite::begin(pool, actor.clone()).await?;
    let mut problems = Vec::new();
    let mut added = 0;
    let mut unchanged = 0;
    let mut touched: BTreeSet<AthleteId> = BTreeSet::new();
    for label in &read {
        if athletes::athlete(pool, label.athlete_id.as_str())
            .await?
            .is_none()
        {
            problems.push(rejected(
                file,
                "athlete_id",
                label.athlete_id.as_str(),
                format!(
                    "label {}: no athlete {} in this database; import the athletes' data first",
                    label.id, label.athlete_id
                ),
            ));
            continue;
        }
        if let Some(session) = &label.session_id {
            let day = labels::session_day(&mut tx, &label.athlete_id, session).await?;
            if day.as_deref() != Some(label.date.to_string().as_str()) {
                problems.push(rejected(
                    file,
                    "session_id",
                    session,
                    format!(
                        "label {}: no session {session} of {} on {}; import the sessions first",
                        label.id, label.athlete_id, label.date
                    ),
                ));
                continue;
            }
        }
        let author_id = labels::user_id_by_email(&mut tx, &label.author).await?;
        if labels::insert(&mut tx, label, author_id.as_deref()).await? {
            added += 1;
            touched.insert(label.athlete_id.clone());
            tx.audit(Change {
                action: "import",
                entity: "label",
                entity_id: &label.id,
                athlete_id: Some(label.athlete_id.as_str()),
                before: None,
                after: audit::snapshot(label),
            })
            .await?;
        } else {
            unchanged += 1;
        }
    }
    if !problems.is_empty() {
        tx.rollback().await?;
        return Ok(refused(file, problems));
    }
    for athlete in &touched {
        tx.data_changed(athlete).await?;
    }
    tx.commit().await?;
    Ok(ImportReport {
        stored: true,
        file: file.to_owned(),
        added,
        unchanged,
        updated: 0,
        new_athletes: Vec::new(),
        rejected: Vec::new(),
        preview: None,
    })
}
