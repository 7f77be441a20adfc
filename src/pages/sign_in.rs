//! `/sign-in`: where coaches, athletes and admins sign in.

use leptos::prelude::*;

use crate::components::page_header::PageHeader;

#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <PageHeader title="Sign in" summary="Coaches see their teams; athletes see themselves."/>
        <form class="card sign-in-form" on:submit=|event| event.prevent_default()>
            <label>
                "Email"
                <input type="email" name="email" autocomplete="username" required/>
            </label>
            <label>
                "Password"
                <input type="password" name="password" autocomplete="current-password" required/>
            </label>
            <p class="form-note" data-testid="sign-in-note">
                "Accounts are not available on this server yet."
            </p>
            <button type="submit" class="button" disabled>"Sign in"</button>
        </form>
    }
}
