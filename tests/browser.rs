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
