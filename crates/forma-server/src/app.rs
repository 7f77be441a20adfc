//! Builds the application from its configuration: the database, the router with the
//! API under `/api` and the built app everywhere else, and the listening socket.
//! Tests start the same thing on port 0 with a fresh data folder.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::{OriginalUri, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use sqlx::SqlitePool;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::config::ServeConfig;
use crate::error::AppError;
use crate::state::AppState;

/// A future that resolves when the server should stop.
pub type ShutdownSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A Forma server, bound and ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    pool: SqlitePool,
    has_demo: bool,
    limits: crate::connections::Limits,
}

impl Application {
    /// Opens the database, builds the routes and binds the socket.
    ///
    /// # Errors
    /// When the data folder or database cannot be opened, or the address is taken.
    pub async fn build(config: &ServeConfig) -> anyhow::Result<Application> {
        let pool = crate::db::open(&config.data_dir).await?;
        if let Some(pmdata) = &config.demo_data {
            if pmdata.is_dir() {
                crate::demo::load_if_empty(&pool, pmdata).await?;
            } else {
                tracing::warn!(path = %pmdata.display(), "no PMData folder there; starting without the demo team");
            }
        }
        tokio::task::spawn_blocking(crate::api::auth::warm_up)
            .await
            .map_err(|error| anyhow::anyhow!("cannot prepare sign-in: {error}"))?;
        let has_demo = crate::store::athletes::team(&pool, crate::demo::TEAM_ID)
            .await?
            .is_some();
        let state = AppState::new(pool.clone(), config)
            .map_err(|error| anyhow::anyhow!("cannot start the password threads: {error}"))?;
        if config.train_first_model {
            tokio::spawn(crate::training::first_model(
                pool.clone(),
                state.training.clone(),
            ));
        }
        let router = router(state.clone(), &config.dist_dir);
        let address = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(address)
            .await
            .map_err(|error| anyhow::anyhow!("cannot listen on {address}: {error}"))?;
        Ok(Application {
            listener,
            router,
            state,
            pool,
            has_demo,
            limits: config.limits,
        })
    }

    /// The address actually bound (the real port when the configuration asked for 0).
    ///
    /// # Errors
    /// When the socket has no local address, which a bound socket always has.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The server's training gate, to learn at shutdown whether a training runs.
    pub fn training(&self) -> crate::training::TrainingGate {
        self.state.training.clone()
    }

    /// Whether the database holds the demo team (and so its demo accounts).
    pub fn has_demo(&self) -> bool {
        self.has_demo
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish (for
    /// at most the configured grace time), writes what the background upkeep
    /// holds and closes the database. Connections are bounded as
    /// [`crate::connections`] says.
    ///
    /// # Errors
    /// None today; kept for failures of the socket.
    pub async fn run_until(self, shutdown: ShutdownSignal) -> anyhow::Result<()> {
        // Each request carries its socket's peer (the client, or a trusted proxy,
        // crate::proxy).
        let (stop_upkeep, upkeep_stopped) = tokio::sync::oneshot::channel();
        let upkeep = tokio::spawn(crate::auth::housekeeping(self.state, upkeep_stopped));
        crate::connections::serve(self.listener, self.router, self.limits, shutdown).await;
        let _ = stop_upkeep.send(());
        let _ = upkeep.await;
        self.pool.close().await;
        Ok(())
    }
}

/// The whole HTTP surface: `/api/...` answers JSON (a JSON 404 for unknown API paths);
/// every other path is a file of the built app or, for client-side routes, `index.html`.
pub fn router(state: AppState, dist_dir: &Path) -> Router {
    let api = crate::api::router(&state)
        .fallback(api_not_found)
        .layer(middleware::from_fn(crate::api::extract::json_errors))
        .with_state(state);
    let index = dist_dir.join("index.html");
    let page = std::fs::read_to_string(&index).ok();
    if page.is_none() {
        tracing::warn!(
            dist = %dist_dir.display(),
            "the built app is missing: build it with `cargo xtask run`; only the API is served"
        );
    }
    let policies = Arc::new(crate::headers::SecurityHeaders::new(page.as_deref()));
    let app = ServeDir::new(dist_dir).fallback(ServeFile::new(index));
    Router::new()
        .nest("/api", api)
        .fallback_service(app)
        .layer(middleware::from_fn(cache_headers))
        .layer(middleware::from_fn_with_state(
            policies,
            crate::headers::security_headers,
        ))
        .layer(TraceLayer::new_for_http())
}

async fn api_not_found(OriginalUri(uri): OriginalUri) -> Response {
    AppError::NotFound(format!("API route {}", uri.path())).into_response()
}

/// Trunk puts a content hash in every asset's file name, so assets may be cached for
/// good; the HTML page and API answers must always be fetched fresh.
async fn cache_headers(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let policy = if is_api || is_html || response.status() != StatusCode::OK {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(policy));
    response
}
