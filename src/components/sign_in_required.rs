//! What a page shows to someone who is not signed in.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SignInRequired(what: &'static str) -> impl IntoView {
    view! {
        <section class="card empty-state" data-testid="sign-in-required">
            <p>{format!("Sign in to see {what}.")}</p>
            <A href="/sign-in" attr:class="button">"Sign in"</A>
        </section>
    }
}
