//! `/import`: Bring in sessions, wellness and events from CSV, FIT, TCX, GPX or a PMData export.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_header::PageHeader;

#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <PageHeader title="Import" summary="Bring in sessions, wellness and events from CSV, FIT, TCX, GPX or a PMData export."/>
        <section class="card empty-state" data-testid="import-empty">
            <p>"Sign in as a coach to import your team's history."</p>
            <A href="/sign-in" attr:class="button">"Sign in"</A>
        </section>
    }
}
