//! `forma user add|list`: accounts made and listed from the command line (the
//! password from standard input, never an argument, so it stays out of the shell's
//! history and the process list).

use clap::Subcommand;

use super::StoreArgs;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add(UserAddArgs),
    /// List accounts: email, role, teams or athlete (never passwords).
    List(StoreArgs),
}

#[derive(Debug, clap::Args)]
pub struct UserAddArgs {
    #[arg(long)]
    pub email: String,
    /// admin, coach or athlete.
    #[arg(long)]
    pub role: forma_core::api::Role,
    /// A team the coach coaches (repeat for several).
    #[arg(long = "team")]
    pub teams: Vec<String>,
    /// The athlete record an athlete account belongs to.
    #[arg(long)]
    pub athlete: Option<String>,
    /// Read the password (at least 10 characters) from standard input.
    #[arg(long, required = true)]
    pub password_stdin: bool,
    /// The name shown in the app (default: the email's part before @).
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub async fn add(args: UserAddArgs) -> anyhow::Result<()> {
    use crate::error::AppError;
    let mut password = String::new();
    std::io::stdin().read_line(&mut password).map_err(|error| {
        anyhow::anyhow!("cannot read the password from standard input: {error}")
    })?;
    let password = password.trim_end_matches(['\n', '\r']).to_owned();
    let pool = crate::db::open(&args.store.data_dir).await?;
    let input = forma_core::api::NewAccount {
        email: args.email,
        password,
        role: args.role,
        display_name: args.name,
        teams: args.teams,
        athlete_id: args.athlete,
    };
    let account = crate::auth::accounts::create(&pool, &input, &crate::store::audit::Actor::cli())
        .await
        .map_err(|error| match error {
            AppError::Invalid { message, .. } => anyhow::anyhow!("{message}"),
            other => anyhow::anyhow!(other),
        })?;
    println!(
        "Created {} account {}.",
        account.role.as_str(),
        account.email
    );
    Ok(())
}

pub async fn list(args: StoreArgs) -> anyhow::Result<()> {
    let pool = crate::db::open(&args.data_dir).await?;
    let accounts = crate::store::users::list(&pool).await?;
    if accounts.is_empty() {
        println!("No accounts yet; create one with `forma user add`.");
    }
    for account in accounts {
        let scope = match (&account.athlete_id, account.teams.is_empty()) {
            (Some(athlete), _) => format!("athlete {athlete}"),
            (None, false) => format!("teams {}", account.teams.join(", ")),
            (None, true) => String::new(),
        };
        println!("{:<32} {:<8} {scope}", account.email, account.role.as_str());
    }
    Ok(())
}
