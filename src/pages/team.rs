//! `/team`: Every athlete, most urgent first, with the reasons behind each recommendation.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_header::PageHeader;

#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <PageHeader title="Team" summary="Every athlete, most urgent first, with the reasons behind each recommendation."/>
        <section class="card empty-state" data-testid="team-empty">
            <p>"Sign in as a coach to see your team. Athletes appear here once their data is imported."</p>
            <A href="/sign-in" attr:class="button">"Sign in"</A>
        </section>
    }
}
