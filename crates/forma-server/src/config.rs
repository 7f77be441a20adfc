//! How `forma serve` is configured: from flags, environment variables or a test.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use crate::proxy::TrustedProxies;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on; loopback unless the operator says otherwise.
    pub host: IpAddr,
    /// TCP port; 0 asks the system for a free one (tests use this).
    pub port: u16,
    /// Folder holding the SQLite database (`forma.db`); created when missing.
    pub data_dir: PathBuf,
    /// Folder holding the built app (`index.html` and its assets), as written by Trunk.
    pub dist_dir: PathBuf,
    /// PMData folder to load as the demo team when the database is empty; `None`
    /// starts empty (`--no-demo`).
    pub demo_data: Option<PathBuf>,
    /// Always mark the session cookie `Secure` (when Forma is reached over HTTPS
    /// without a proxy that sets `X-Forwarded-Proto`).
    pub secure_cookies: bool,
    /// When no model is stored, train one on the stored data in the background
    /// after start-up and make it active, so a fresh install has a model.
    pub train_first_model: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (empty: the socket's
    /// peer is the client).
    pub trusted_proxies: TrustedProxies,
    /// Connections at once and the timeouts of each ([`crate::connections`]).
    pub limits: crate::connections::Limits,
    /// How long one model training may run before it is stopped (`None`: no
    /// limit); see [`crate::training::DEFAULT_TRAINING_BUDGET`].
    pub training_budget: Option<std::time::Duration>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            data_dir: PathBuf::from("data"),
            dist_dir: PathBuf::from("dist"),
            demo_data: None,
            secure_cookies: false,
            train_first_model: true,
            trusted_proxies: TrustedProxies::default(),
            limits: crate::connections::Limits::default(),
            training_budget: Some(crate::training::DEFAULT_TRAINING_BUDGET),
        }
    }
}
