//! The title block every page starts with.

use leptos::prelude::*;

/// A page's heading and a one-line description of what the page is for.
#[component]
pub fn PageHeader(title: &'static str, summary: &'static str) -> impl IntoView {
    view! {
        <div class="page-header">
            <h1>{title}</h1>
            <p class="page-summary">{summary}</p>
        </div>
    }
}
