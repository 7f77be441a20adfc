//! `/sign-in`: where coaches, athletes and admins sign in.

use forma_core::api::LoginRequest;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::auth::{landing_path, return_path, use_auth};
use crate::components::page_header::PageHeader;

#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // The page that sent the user here (a deep link, an expired session).
    let query = use_query_map();
    let next = move || {
        query
            .with_untracked(|q| q.get("next"))
            .and_then(|n| return_path(&n))
    };
    let sign_in = Action::new_unsync(move |request: &LoginRequest| {
        let request = request.clone();
        let navigate = navigate.clone();
        async move {
            match api::login(&request).await {
                Ok(user) => {
                    error.set(None);
                    let landing = next().unwrap_or_else(|| landing_path(&user));
                    auth.signed_in(user);
                    navigate(&landing, Default::default());
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        sign_in.dispatch(LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        });
    };
    view! {
        <PageHeader title="Sign in" summary="Coaches see their teams; athletes see themselves."/>
        <form class="card sign-in-form" on:submit=submit>
            <label>
                "Email"
                <input
                    type="email"
                    name="email"
                    autocomplete="username"
                    required
                    prop:value=email
                    on:input=move |event| email.set(event_target_value(&event))
                />
            </label>
            <label>
                "Password"
                <input
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                    prop:value=password
                    on:input=move |event| password.set(event_target_value(&event))
                />
            </label>
            <Show when=move || error.get().is_some()>
                <p class="form-error" role="alert" data-testid="sign-in-error">
                    {move || error.get().unwrap_or_default()}
                </p>
            </Show>
            <button type="submit" class="button" disabled=move || sign_in.pending().get()>
                {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
            </button>
            <p class="form-note">
                "Trying Forma? The demo coach is coach@demo.forma with the password demo-coach."
            </p>
        </form>
    }
}
