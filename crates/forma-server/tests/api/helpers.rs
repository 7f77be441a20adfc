//! Starting a real Forma server for one test.

use std::path::Path;

use forma_core::api::{NewAccount, Role, SignedInUser};
use forma_core::types::AthleteId;
use forma_server::store::athletes::{self, NewAthlete};
use forma_server::store::audit::Actor;
use forma_server::{Application, ServeConfig};
use tokio::sync::oneshot;

pub struct TestServer {
    pub base_url: String,
    /// Signed in as the demo coach (cookie and CSRF header on every request) when the
    /// server has the demo team; anonymous otherwise.
    pub client: reqwest::Client,
    /// A client without a session.
    pub anonymous: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    pub _dist_dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestServer {
    /// Starts a server with an empty database and a small stand-in for the built app.
    pub async fn start() -> TestServer {
        TestServer::start_in(tempfile::tempdir().expect("temp data dir")).await
    }

    /// Starts a server whose empty database gets the demo team from the shared PMData;
    /// `client` is signed in as the demo coach.
    pub async fn start_with_demo() -> TestServer {
        TestServer::start_with(
            tempfile::tempdir().expect("temp data dir"),
            Some(pmdata_dir()),
            false,
        )
        .await
    }

    /// As [`TestServer::start_with_demo`], with `configure` changing the configuration.
    pub async fn start_with_demo_configured(
        configure: impl FnOnce(&mut ServeConfig),
    ) -> TestServer {
        TestServer::start_configured(
            tempfile::tempdir().expect("temp data dir"),
            Some(pmdata_dir()),
            false,
            configure,
        )
        .await
    }

    /// As [`TestServer::start`] (an empty database), with `configure` changing the
    /// configuration.
    pub async fn start_configured_empty(configure: impl FnOnce(&mut ServeConfig)) -> TestServer {
        TestServer::start_configured(
            tempfile::tempdir().expect("temp data dir"),
            None,
            false,
            configure,
        )
        .await
    }

    /// As [`TestServer::start_with_demo`], and waits until the first risk model,
    /// trained on the demo team at start-up, is active. Returns its version id.
    pub async fn start_with_demo_and_model() -> (TestServer, String) {
        let server = TestServer::start_with(
            tempfile::tempdir().expect("temp data dir"),
            Some(pmdata_dir()),
            true,
        )
        .await;
        let started = std::time::Instant::now();
        loop {
            let response = server
                .client
                .get(server.url("/api/model/active"))
                .send()
                .await
                .expect("request");
            if response.status() == 200 {
                let etag = response.headers()[reqwest::header::ETAG]
                    .to_str()
                    .expect("text")
                    .trim_matches('"')
                    .to_owned();
                return (server, etag);
            }
            assert_eq!(response.status(), 404, "no model yet is a 404");
            assert!(
                started.elapsed() < std::time::Duration::from_secs(300),
                "the first model was not trained within 5 minutes"
            );
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }

    /// Starts a server on an existing data folder, as a restart would.
    pub async fn start_in(data_dir: tempfile::TempDir) -> TestServer {
        TestServer::start_with(data_dir, None, false).await
    }

    async fn start_with(
        data_dir: tempfile::TempDir,
        demo_data: Option<std::path::PathBuf>,
        train_first_model: bool,
    ) -> TestServer {
        TestServer::start_configured(data_dir, demo_data, train_first_model, |_| {}).await
    }

    async fn start_configured(
        data_dir: tempfile::TempDir,
        demo_data: Option<std::path::PathBuf>,
        train_first_model: bool,
        configure: impl FnOnce(&mut ServeConfig),
    ) -> TestServer {
        let dist_dir = tempfile::tempdir().expect("temp dist dir");
        write_app(dist_dir.path());
        let mut config = ServeConfig {
            port: 0,
            data_dir: data_dir.path().to_path_buf(),
            dist_dir: dist_dir.path().to_path_buf(),
            demo_data,
            train_first_model,
            ..ServeConfig::default()
        };
        configure(&mut config);
        let app = Application::build(&config).await.expect("server starts");
        let app_has_demo = app.has_demo();
        let address = app.local_addr().expect("bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(Box::pin(async {
            let _ = stopped.await;
        })));
        let has_demo = app_has_demo;
        let mut server = TestServer {
            base_url: format!("http://{address}"),
            client: reqwest::Client::new(),
            anonymous: reqwest::Client::new(),
            data_dir,
            _dist_dir: dist_dir,
            stop: Some(stop),
            task: Some(task),
        };
        if has_demo {
            server.client = server.sign_in(DEMO_COACH.0, DEMO_COACH.1).await.client;
        }
        server
    }

    /// Posts a sign-in and returns the raw answer.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.anonymous
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login request")
    }

    /// Signs in and returns a client that sends the session cookie and the CSRF
    /// token with every request.
    pub async fn sign_in(&self, email: &str, password: &str) -> SignedIn {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), 200, "sign-in of {email}");
        let token = session_cookie_token(&response).expect("a session cookie");
        let me: SignedInUser = response.json().await.expect("signed-in user");
        SignedIn {
            client: signed_in_client(&token, Some(&me.csrf_token)),
            token,
            me,
        }
    }

    /// A second connection to the server's database, for arranging what the API
    /// cannot (accounts of other teams, expired sessions).
    pub async fn pool(&self) -> sqlx::SqlitePool {
        forma_server::db::open(self.data_dir.path())
            .await
            .expect("the test database opens")
    }

    /// Creates an account directly in the database.
    pub async fn create_account(&self, account: NewAccount) {
        let pool = self.pool().await;
        forma_server::auth::accounts::create(&pool, &account, &Actor::system("test"))
            .await
            .expect("account created");
        pool.close().await;
    }

    /// A team `other` with athlete q01, its coach, and an admin.
    pub async fn arrange_other_team_and_admin(&self) {
        let pool = self.pool().await;
        let mut tx = forma_server::store::begin_write(&pool)
            .await
            .expect("transaction");
        athletes::ensure_team(&mut tx, "other", "Other team")
            .await
            .expect("team");
        let q01: AthleteId = "q01".parse().expect("id");
        athletes::insert_athlete(
            &mut tx,
            &NewAthlete {
                id: &q01,
                team_id: "other",
                name: "Q01",
                time_zone: "UTC",
                sex: None,
                birth_year: None,
                sport: None,
                hr_max: None,
                hr_rest: None,
            },
        )
        .await
        .expect("athlete");
        tx.commit().await.expect("commit");
        pool.close().await;
        for (email, password, role, teams) in [
            (
                OTHER_COACH.0,
                OTHER_COACH.1,
                Role::Coach,
                vec!["other".to_owned()],
            ),
            (ADMIN.0, ADMIN.1, Role::Admin, Vec::new()),
        ] {
            self.create_account(NewAccount {
                email: email.to_owned(),
                password: password.to_owned(),
                role,
                display_name: None,
                teams,
                athlete_id: None,
            })
            .await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.expect("JSON body")
    }

    /// Uploads one file as multipart form data.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("upload")
    }

    /// Stops the server, waits for it to finish cleanly, and hands back its data folder.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task does not panic")
                .expect("server stops without error");
        }
        self.data_dir
    }
}

pub const INDEX_HTML: &str = "<!doctype html><html><body>Forma test shell</body></html>";

fn write_app(dist: &Path) {
    std::fs::write(dist.join("index.html"), INDEX_HTML).expect("write index.html");
    std::fs::write(dist.join("forma-0123abcd.css"), "body{}").expect("write asset");
}

/// The shared PMData folder, beside the project.
pub fn pmdata_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pmdata")
}

/// The demo coach's email and password, as in `demo.rs` and the README.
pub const DEMO_COACH: (&str, &str) = ("coach@demo.forma", "demo-coach");
/// The coach of team `other` and an admin, made by
/// [`TestServer::arrange_other_team_and_admin`].
pub const OTHER_COACH: (&str, &str) = ("coach@other.forma", "other-coach-password");
pub const ADMIN: (&str, &str) = ("admin@test.forma", "admin-password-1");

/// A signed-in session.
pub struct SignedIn {
    /// Sends the cookie and `X-CSRF-Token` with every request.
    pub client: reqwest::Client,
    /// The session token from the cookie.
    pub token: String,
    pub me: SignedInUser,
}

/// The `forma_session` token an answer sets, if any.
pub fn session_cookie_token(response: &reqwest::Response) -> Option<String> {
    set_cookie(response).and_then(|cookie| {
        cookie
            .strip_prefix("forma_session=")
            .and_then(|rest| rest.split(';').next())
            .filter(|token| !token.is_empty())
            .map(str::to_owned)
    })
}

/// The `Set-Cookie` header for the session cookie, if any.
pub fn set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("forma_session="))
        .map(str::to_owned)
}

/// A client that sends this session cookie and, when given, this CSRF token.
pub fn signed_in_client(token: &str, csrf: Option<&str>) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::COOKIE,
        format!("forma_session={token}")
            .parse()
            .expect("header value"),
    );
    if let Some(csrf) = csrf {
        headers.insert("x-csrf-token", csrf.parse().expect("header value"));
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client")
}
