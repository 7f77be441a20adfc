//! `/model`: The active risk model: its card, backtests against baselines, calibration and versions.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_header::PageHeader;

#[component]
pub fn ModelPage() -> impl IntoView {
    view! {
        <PageHeader title="Model" summary="The active risk model: its card, backtests against baselines, calibration and versions."/>
        <section class="card empty-state" data-testid="model-empty">
            <p>"Sign in to see the model card and its versions."</p>
            <A href="/sign-in" attr:class="button">"Sign in"</A>
        </section>
    }
}
