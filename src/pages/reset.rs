//! `/reset/:code`: a password reset link an admin made. Its owner sets a new
//! password (the same rules as every account's) and lands on their page, signed
//! in; their other sessions ended. A used or expired link says so.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api;
use crate::auth::{landing_path, use_auth};

#[component]
pub fn ResetPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let preview = LocalResource::new(move || {
        let code = code();
        async move { api::reset_preview(&code).await }
    });
    view! {
        <div class="page-header"><h1>"A new password"</h1></div>
        <Transition fallback=move || view! { <p class="loading">"Reading the link…"</p> }>
            {move || preview.get().map(|answer| match answer {
                Ok(preview) => view! { <ResetForm code=code() name=preview.athlete_name/> }.into_any(),
                Err(failure) => view! {
                    <p class="card error" role="alert" data-testid="reset-error">{failure.to_string()}</p>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ResetForm(code: String, name: String) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let save = Action::new_unsync(move |(): &()| {
        let (code, navigate) = (code.clone(), navigate.clone());
        let (new, again) = (password.get_untracked(), repeat.get_untracked());
        async move {
            if new != again {
                message.set(Some(
                    "The two passwords differ; type the same one twice.".to_owned(),
                ));
                return;
            }
            match api::accept_reset(&code, new).await {
                Ok(user) => {
                    let path = landing_path(&user);
                    auth.signed_in(user);
                    navigate(&path, Default::default());
                }
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    view! {
        <section class="card sign-in-card" data-testid="reset-form">
            <p>{format!("Choose a new password for {name}, of at least 10 characters. The link works once.")}</p>
            <form class="sign-in-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save.dispatch(());
            }>
                <label>"New password"<input type="password" autocomplete="new-password" data-testid="reset-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/></label>
                <label>"New password again"<input type="password" autocomplete="new-password" data-testid="reset-repeat" prop:value=repeat on:input=move |ev| repeat.set(event_target_value(&ev))/></label>
                <button type="submit" class="button" data-testid="reset-save" disabled=move || save.pending().get()>"Set the password"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert" data-testid="reset-message">{m}</p> })}
        </section>
    }
}
