//! The page for any address the app does not know.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let location = use_location();
    view! {
        <section class="card not-found" data-testid="not-found">
            <h1>"Page not found"</h1>
            <p>
                "Forma has no page at " <code>{move || location.pathname.get()}</code>
                ". The link may be old or mistyped."
            </p>
            <A href="/" attr:class="button">"Go to the start page"</A>
        </section>
    }
}
