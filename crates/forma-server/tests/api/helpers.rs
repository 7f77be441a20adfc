//! Starting a real Forma server for one test.

use std::path::Path;

use forma_server::{Application, ServeConfig};
use tokio::sync::oneshot;

pub struct TestServer {
    pub base_url: String,
    pub client: reqwest::Client,
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

    /// Starts a server on an existing data folder, as a restart would.
    /// Starts a server whose empty database gets the demo team from the shared PMData.
    pub async fn start_with_demo() -> TestServer {
        TestServer::start_with(
            tempfile::tempdir().expect("temp data dir"),
            Some(pmdata_dir()),
        )
        .await
    }

    pub async fn start_in(data_dir: tempfile::TempDir) -> TestServer {
        TestServer::start_with(data_dir, None).await
    }

    async fn start_with(
        data_dir: tempfile::TempDir,
        demo_data: Option<std::path::PathBuf>,
    ) -> TestServer {
        let dist_dir = tempfile::tempdir().expect("temp dist dir");
        write_app(dist_dir.path());
        let config = ServeConfig {
            port: 0,
            data_dir: data_dir.path().to_path_buf(),
            dist_dir: dist_dir.path().to_path_buf(),
            demo_data,
            ..ServeConfig::default()
        };
        let app = Application::build(&config).await.expect("server starts");
        let address = app.local_addr().expect("bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(Box::pin(async {
            let _ = stopped.await;
        })));
        TestServer {
            base_url: format!("http://{address}"),
            client: reqwest::Client::new(),
            data_dir,
            _dist_dir: dist_dir,
            stop: Some(stop),
            task: Some(task),
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
