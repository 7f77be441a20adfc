//! What a page shows to someone who is not signed in. While the app is still
//! asking the server who is signed in (a full load), and while a page loads again
//! after a sign-in, it shows a quiet loading line instead, so a signed-in user
//! never sees a "sign in" prompt flash by.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::auth::{sign_in_href, use_auth};

/// The address of the page being shown, with its query, for "return here".
pub fn current_path() -> Signal<String> {
    let location = use_location();
    Signal::derive(move || {
        let search = location.search.get();
        let path = location.pathname.get();
        if search.is_empty() {
            path
        } else if search.starts_with('?') {
            format!("{path}{search}")
        } else {
            format!("{path}?{search}")
        }
    })
}

/// While the app asks the server who is signed in.
#[component]
pub fn CheckingSignIn() -> impl IntoView {
    view! { <p class="loading" data-testid="checking-sign-in">"Checking your sign-in…"</p> }
}

#[component]
pub fn SignInRequired(what: &'static str) -> impl IntoView {
    let auth = use_auth();
    let here = current_path();
    move || {
        if !auth.checked.get() {
            return view! { <CheckingSignIn/> }.into_any();
        }
        if auth.user.with(Option::is_some) {
            // An answer from before the sign-in; the page is loading again.
            return view! { <p class="loading">"Loading…"</p> }.into_any();
        }
        let href = sign_in_href(&here.get());
        // The expired session's banner above says what is kept.
        let words = if auth.expired.get() {
            format!("Sign in again to see {what}.")
        } else {
            format!("Sign in to see {what}.")
        };
        view! {
            <section class="card empty-state" data-testid="sign-in-required">
                <p>{words}</p>
                <A href=href attr:class="button">"Sign in"</A>
            </section>
        }
        .into_any()
    }
}
