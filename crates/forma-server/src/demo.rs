//! The demo team: on an empty database, `forma serve` loads the PMData team
//! (Thambawita et al., MMSys 2020, CC BY 4.0) with a demo coach and two demo athletes.

use std::path::Path;

use crate::import::{self, Destination};
use crate::store::audit::Actor;
use crate::store::users::{self, NewUser, Role};
use crate::store::{athletes, records, Pool};

pub const TEAM_ID: &str = "demo";
pub const TEAM_NAME: &str = "Demo team (PMData)";

/// A demo account, printed at start-up and listed in the README.
pub struct DemoAccount {
    pub email: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub athlete: Option<&'static str>,
    pub name: &'static str,
}

pub const ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        email: "coach@demo.forma",
        password: "demo-coach",
        role: Role::Coach,
        athlete: None,
        name: "Demo Coach",
    },
    DemoAccount {
        email: "p01@demo.forma",
        password: "demo-athlete",
        role: Role::Athlete,
        athlete: Some("p01"),
        name: "Participant P01",
    },
    DemoAccount {
        email: "p02@demo.forma",
        password: "demo-athlete",
        role: Role::Athlete,
        athlete: Some("p02"),
        name: "Participant P02",
    },
];

/// Loads the demo team when the database has no team yet. Returns whether it did.
///
/// # Errors
/// When the PMData folder cannot be read or the database fails; then nothing is stored.
pub async fn load_if_empty(pool: &Pool, pmdata: &Path) -> anyhow::Result<bool> {
    if !athletes::teams(pool).await?.is_empty() {
        return Ok(false);
    }
    let actor = Actor::system("demo");
    let destination = Destination {
        team: TEAM_ID.to_owned(),
        create_team: true,
        time_zone: "Europe/Oslo".to_owned(),
        skip_bad: true,
        preview: false,
    };
    let report = import::import_pmdata(pool, pmdata, &destination, &actor).await?;
    let mut tx = crate::store::begin_write(pool).await?;
    athletes::set_team_name(&mut tx, TEAM_ID, TEAM_NAME).await?;
    // PMData ends on 2020-03-31: the demo team is shown as of its last day of data,
    // not as six years stale.
    let last = records::last_day(&mut tx).await?;
    athletes::set_team_as_of(&mut tx, TEAM_ID, last.as_deref()).await?;
    for account in &ACCOUNTS {
        users::create(
            &mut tx,
            &NewUser {
                email: account.email,
                display_name: account.name,
                password: account.password,
                role: account.role,
                athlete_id: account.athlete,
                teams: if account.role == Role::Coach {
                    &[TEAM_ID]
                } else {
                    &[]
                },
            },
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(
        athletes = report.new_athletes.len(),
        records = report.added,
        "loaded the demo team from {}",
        pmdata.display()
    );
    Ok(true)
}

/// The start-up lines that tell a person how to sign in to the demo.
pub fn credentials_text() -> String {
    let mut text =
        String::from("Demo accounts (for trying Forma only; remove them before real use):\n");
    for account in &ACCOUNTS {
        text.push_str(&format!(
            "  {:<8} {:<18} password {}\n",
            account.role.as_str(),
            account.email,
            account.password
        ));
    }
    text
}
