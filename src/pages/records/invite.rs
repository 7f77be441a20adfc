//! Inviting the athlete: a one-time link to copy and give them (Forma sends no
//! mail); with it they set a password and land on their own page.

use leptos::prelude::*;

use crate::api;

#[component]
pub fn InviteBox(athlete: String) -> impl IntoView {
    let link = RwSignal::new(None::<(String, String)>);
    let message = RwSignal::new(None::<String>);
    let invite = Action::new_unsync(move |(): &()| {
        let athlete = athlete.clone();
        async move {
            match api::create_invite(&athlete).await {
                Ok(invitation) => {
                    let origin = window().location().origin().unwrap_or_default();
                    let until = invitation
                        .expires_at
                        .get(..10)
                        .unwrap_or(&invitation.expires_at)
                        .to_owned();
                    link.set(Some((format!("{origin}{}", invitation.path), until)));
                    message.set(None);
                }
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    view! {
        <div class="invite" data-testid="invite">
            <button class="button secondary" data-testid="invite-create" on:click=move |_| { invite.dispatch(()); }>
                "Invite to Forma"
            </button>
            {move || link.get().map(|(url, until)| view! {
                <p class="note">{format!("Give the athlete this link; it works once, until {until}.")}</p>
                <input class="invite-link" readonly data-testid="invite-link" prop:value=url on:focus=move |ev| {
                    use leptos::wasm_bindgen::JsCast;
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                }/>
            })}
            {move || message.get().map(|m| view! { <p class="form-error" role="alert" data-testid="invite-message">{m}</p> })}
        </div>
    }
}
