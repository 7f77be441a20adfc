//! What every handler can reach: the database and the process's shared parts
//! (sign-in limits, password threads, caches, the training gate). Its own module,
//! so that `api` and `auth` depend on it and `app`, which builds it, depends on them,
//! without an import circle.

use std::sync::Arc;

use sqlx::SqlitePool;

use crate::auth::limiter::LoginLimiter;
use crate::auth::passwords::PasswordPool;
use crate::auth::sign_in_log::SignInLog;
use crate::config::ServeConfig;
use crate::proxy::TrustedProxies;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    /// Failed sign-ins per account and address and per address, and the turns of
    /// sign-ins in progress (in this process only).
    pub limiter: Arc<LoginLimiter>,
    /// The threads that check passwords (bounded: see `auth::passwords`).
    pub passwords: Arc<PasswordPool>,
    /// Failed and refused sign-ins on their way to the audit log.
    pub sign_in_log: Arc<SignInLog>,
    /// Mark the session cookie `Secure` even without `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// The proxies whose `X-Forwarded-For` is believed (see [`crate::proxy`]).
    pub trusted_proxies: Arc<TrustedProxies>,
    /// The team lists, by the athletes' data versions and days.
    pub team_cache: Arc<crate::team_cache::TeamCache>,
    /// Computed series answers, by athlete, data version and window.
    pub series_cache: Arc<crate::series_cache::SeriesCache>,
    /// One model training at a time, each within the configured time budget.
    pub training: crate::training::TrainingGate,
    /// The active model, parsed once per version.
    pub models: Arc<crate::recommend::ModelCache>,
}

impl AppState {
    /// # Errors
    /// When the password threads cannot be started.
    pub fn new(pool: SqlitePool, config: &ServeConfig) -> std::io::Result<AppState> {
        Ok(AppState {
            pool,
            limiter: Arc::new(LoginLimiter::default()),
            passwords: Arc::new(PasswordPool::start(
                PasswordPool::threads_for_this_machine(),
            )?),
            sign_in_log: Arc::default(),
            secure_cookies: config.secure_cookies,
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
            series_cache: Arc::default(),
            team_cache: Arc::default(),
            training: crate::training::TrainingGate::new(config.training_budget),
            models: Arc::default(),
        })
    }
}
