//! `/labels`: The sessions and days that most need a label, ready for the keyboard.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_header::PageHeader;

#[component]
pub fn LabelsPage() -> impl IntoView {
    view! {
        <PageHeader title="Labels" summary="The sessions and days that most need a label, ready for the keyboard."/>
        <section class="card empty-state" data-testid="labels-empty">
            <p>"Sign in as a coach to label your athletes' sessions and days."</p>
            <A href="/sign-in" attr:class="button">"Sign in"</A>
        </section>
    }
}
