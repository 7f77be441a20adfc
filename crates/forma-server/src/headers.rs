//! The security headers on every answer.
//!
//! - `Content-Security-Policy`: the app may run only its own scripts and the one
//!   inline start-up script Trunk writes into `index.html` (allowed by its SHA-256
//!   hash, computed from the built page when the server starts), compile
//!   WebAssembly (`'wasm-unsafe-eval'`, which allows no JavaScript `eval`), load
//!   styles, images and fonts from Forma itself and talk only to Forma's API; no
//!   plug-ins, no `<base>`, no framing. API answers, which are never pages, get
//!   `default-src 'none'`.
//! - `X-Frame-Options: DENY` (framing for older browsers), `X-Content-Type-Options:
//!   nosniff`, `Referrer-Policy: no-referrer` (an athlete's id in an address never
//!   leaves Forma), `Cross-Origin-Opener-Policy: same-origin`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policies, built once.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    app_policy: HeaderValue,
}

/// What API answers may do: nothing (they are JSON, never rendered).
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

impl SecurityHeaders {
    /// The policies for the app whose page is `index_html` (`None` when it is
    /// not built: then only Forma's own scripts run).
    pub fn new(index_html: Option<&str>) -> SecurityHeaders {
        let hashes: String = index_html
            .map(inline_scripts)
            .unwrap_or_default()
            .iter()
            .map(|script| {
                let digest = Sha256::digest(script.as_bytes());
                format!(
                    " 'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect();
        let policy = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
             style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        SecurityHeaders {
            app_policy: HeaderValue::from_str(&policy)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")),
        }
    }

    /// The `Content-Security-Policy` of every answer that is not the API's.
    pub fn app_policy(&self) -> &HeaderValue {
        &self.app_policy
    }
}

/// The text of every `<script>` element without a `src` in `html`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut at = 0;
    while let Some(open) = lower[at..].find("<script").map(|i| at + i) {
        let Some(tag_end) = lower[open..].find('>').map(|i| open + i) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|i| tag_end + i) else {
            break;
        };
        if !lower[open..tag_end].contains(" src=") {
            scripts.push(&html[tag_end + 1..close]);
        }
        at = close;
    }
    scripts
}

/// Adds the headers to every answer (see the module comment).
pub async fn security_headers(
    State(policies): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = if is_api {
        HeaderValue::from_static(API_POLICY)
    } else {
        policies.app_policy.clone()
    };
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_start_up_script_is_allowed_by_its_hash_and_no_other() {
        let page = r#"<html><head><link rel="modulepreload" href="/app-1.js">
<script type="module">import init from '/app-1.js';
await init('/app-1_bg.wasm');</script>
<SCRIPT src="/other.js"></SCRIPT></head></html>"#;
        let scripts = inline_scripts(page);
        assert_eq!(
            scripts,
            ["import init from '/app-1.js';\nawait init('/app-1_bg.wasm');"]
        );
        let policy = SecurityHeaders::new(Some(page));
        let text = policy.app_policy().to_str().expect("text");
        let hash =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(scripts[0].as_bytes()));
        assert!(
            text.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
            )),
            "{text}"
        );
        assert!(!text.contains("unsafe-inline") && !text.contains("'unsafe-eval'"));
        assert!(text.contains("frame-ancestors 'none'") && text.contains("object-src 'none'"));
        let none = SecurityHeaders::new(None);
        assert!(none
            .app_policy()
            .to_str()
            .expect("text")
            .contains("script-src 'self' 'wasm-unsafe-eval';"));
    }
}
