//! Component tests of the app, run in headless Chromium by wasm-bindgen-test-runner
//! (`cargo xtask test`). They mount real components into the page and read the DOM.

#![cfg(target_arch = "wasm32")]

use forma_core::api::{DatabaseHealth, Health, HealthStatus};
use forma_web::api::ApiFailure;
use forma_web::components::status::StatusView;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .expect("window")
        .document()
        .expect("document")
}

/// A fresh element to mount into, attached to the page body.
fn mount_point() -> web_sys::HtmlElement {
    let element = document()
        .create_element("div")
        .expect("create div")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("div is an HtmlElement");
    document()
        .body()
        .expect("body")
        .append_child(&element)
        .expect("append");
    element
}

async fn sleep(milliseconds: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, milliseconds)
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("timer");
}

fn health(status: HealthStatus) -> Health {
    Health {
        status,
        version: "9.9.9".to_owned(),
        database: DatabaseHealth {
            backend: "sqlite".to_owned(),
            reachable: true,
            schema_version: Some(1),
        },
    }
}

#[wasm_bindgen_test]
fn status_words_follow_the_health_answer() {
    assert_eq!(StatusView::from_answer(None).label, "Checking");
    let ok = StatusView::from_answer(Some(&Ok(health(HealthStatus::Ok))));
    assert_eq!((ok.state, ok.label.as_str()), ("ok", "Online"));
    assert!(ok.detail.contains("9.9.9"));
    let degraded = StatusView::from_answer(Some(&Ok(health(HealthStatus::Degraded))));
    assert_eq!(degraded.state, "degraded");
    let offline =
        StatusView::from_answer(Some(&Err(ApiFailure::Unreachable("refused".to_owned()))));
    assert_eq!(
        (offline.state, offline.label.as_str()),
        ("offline", "Offline")
    );
    assert!(offline.detail.contains("cannot be reached"));
}

#[wasm_bindgen_test]
async fn the_shell_has_every_navigation_entry_and_reports_a_missing_server() {
    let root = mount_point();
    let handle = leptos::mount::mount_to(root.clone(), forma_web::app::App);

    let links: Vec<(String, String)> = {
        let nodes = root.query_selector_all("nav a").expect("query");
        (0..nodes.length())
            .filter_map(|i| nodes.item(i))
            .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
            .map(|a| {
                (
                    a.text_content().unwrap_or_default(),
                    a.get_attribute("href").unwrap_or_default(),
                )
            })
            .collect()
    };
    let expected = [
        ("Team", "/team"),
        ("Labels", "/labels"),
        ("Plan", "/plan"),
        ("Model", "/model"),
        ("Import", "/import"),
        ("Roster", "/roster"),
    ];
    assert_eq!(
        links,
        expected
            .iter()
            .map(|(t, h)| ((*t).to_owned(), (*h).to_owned()))
            .collect::<Vec<_>>()
    );
    assert!(root.text_content().unwrap_or_default().contains("Sign in"));

    // The test runner's own server has no /api/health, so the indicator must end up
    // saying so in words rather than staying on "Checking".
    let status = root
        .query_selector("[data-testid=server-status]")
        .expect("query")
        .expect("status element");
    let mut state = String::new();
    for _ in 0..50 {
        state = status.get_attribute("data-state").unwrap_or_default();
        if state != "checking" {
            break;
        }
        sleep(100).await;
    }
    assert_eq!(state, "offline");
    assert_eq!(status.text_content().unwrap_or_default().trim(), "Offline");
    drop(handle);
}

/// A resource that answers `answer` at once.
fn answering(
    answer: Result<String, ApiFailure>,
) -> leptos::prelude::LocalResource<Result<String, ApiFailure>> {
    leptos::prelude::LocalResource::new(move || {
        let answer = answer.clone();
        async move { answer }
    })
}

fn not_found() -> ApiFailure {
    ApiFailure::Server {
        status: 404,
        error: forma_core::api::ApiError {
            code: "not_found".to_owned(),
            message: "No such athlete.".to_owned(),
            field: None,
        },
    }
}

fn server_failed() -> ApiFailure {
    ApiFailure::Server {
        status: 500,
        error: forma_core::api::ApiError {
            code: "internal".to_owned(),
            message: "Something went wrong on the server.".to_owned(),
            field: None,
        },
    }
}

#[wasm_bindgen_test]
async fn one_component_shows_loaded_failed_not_found_and_signed_out_pages() {
    use forma_web::auth::Auth;
    use forma_web::components::loaded::Loaded;
    use leptos::prelude::*;
    use leptos_router::components::Router;

    let root = mount_point();
    let handle = leptos::mount::mount_to(root.clone(), || {
        // Checked and nobody signed in, as after a visit without a session.
        provide_context(Auth {
            user: RwSignal::new(None),
            checked: RwSignal::new(true),
            expired: RwSignal::new(false),
        });
        let cases = [
            ("loaded", answering(Ok("Ada".to_owned()))),
            (
                "failed",
                answering(Err(ApiFailure::Unreachable("refused".to_owned()))),
            ),
            ("not-found", answering(Err(not_found()))),
            ("plain-not-found", answering(Err(not_found()))),
            ("server-failed", answering(Err(server_failed()))),
            ("signed-out", answering(Err(ApiFailure::not_signed_in()))),
        ];
        let views = cases
            .into_iter()
            .map(|(name, data)| {
                let page = if name == "not-found" {
                    view! {
                        <Loaded
                            data
                            loading="Loading…"
                            what="this case"
                            not_found=|| view! { <p class="own">"Not yours to see."</p> }
                            let:name
                        >
                            <p class="page">{format!("Hello {name}")}</p>
                        </Loaded>
                    }
                    .into_any()
                } else {
                    view! {
                        <Loaded data loading="Loading…" what="this case" let:name>
                            <p class="page">{format!("Hello {name}")}</p>
                        </Loaded>
                    }
                    .into_any()
                };
                view! { <div data-case=name>{page}</div> }
            })
            .collect_view();
        view! { <Router>{views}</Router> }
    });
    let text = |case: &str| {
        root.query_selector(&format!("[data-case={case}]"))
            .expect("query")
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    };
    for _ in 0..50 {
        let settled = |case: &str| {
            let words = text(case);
            !words.is_empty() && !words.contains("Loading")
        };
        if [
            "loaded",
            "failed",
            "not-found",
            "plain-not-found",
            "server-failed",
            "signed-out",
        ]
        .into_iter()
        .all(settled)
        {
            break;
        }
        sleep(20).await;
    }
    assert_eq!(text("loaded"), "Hello Ada");
    assert_eq!(
        text("failed"),
        "The Forma server cannot be reached. Check your connection and try again."
    );
    assert_eq!(text("not-found"), "Not yours to see.");
    // A refusal comes back the same after a reload; only a failing server may
    // pass on a retry.
    assert_eq!(text("plain-not-found"), "No such athlete.");
    assert_eq!(
        text("server-failed"),
        "Something went wrong on the server. Reload the page to try again."
    );
    assert!(
        text("signed-out").contains("Sign in to see this case."),
        "{}",
        text("signed-out")
    );
    drop(handle);
}
