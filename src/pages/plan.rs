//! `/plan`: Edit an athlete's next 7 to 28 days and see load, form and risk respond as you type.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_header::PageHeader;

#[component]
pub fn PlanPage() -> impl IntoView {
    view! {
        <PageHeader title="Plan" summary="Edit an athlete's next 7 to 28 days and see load, form and risk respond as you type."/>
        <section class="card empty-state" data-testid="plan-empty">
            <p>"Sign in and pick an athlete to plan their next weeks."</p>
            <A href="/sign-in" attr:class="button">"Sign in"</A>
        </section>
    }
}
