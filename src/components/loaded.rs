//! The four states of a page that reads from the server: loading, failed, signed
//! out and loaded, in one place, so a page only says what it loads and what it
//! shows.
//!
//! One `Transition` shows one of them, as Leptos' `fetch` example does, but it
//! does not throw the failure to an `ErrorBoundary`: a boundary keeps its page
//! out of the document while it shows a failure and makes the next answer's page
//! there, and every full load of a signed-in page passes through "not signed in
//! yet" while the app asks who is signed in. A page made out of the document runs
//! its effects before it is shown (its charts had no width to draw at, and an
//! e2e test's tap on a chart was lost in some runs when we tried it).

use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::auth::{use_auth, Auth};
use crate::components::sign_in_required::SignInRequired;

/// Shows `children` with the resource's data once it has loaded, and the other
/// states meanwhile: `loading` on the first load (a later one keeps the page as
/// it was until the new answer is there); for a caller who is not signed in (or
/// whose session ended, which the header's banner then says) the sign-in prompt
/// for `what`; for a 403 or 404 `not_found`, when the page has its own words for
/// it; for any other failure its message.
#[component]
pub fn Loaded<T, V, F>(
    /// What the page reads; [`crate::auth::Auth::when_signed_in`] makes it load
    /// again after a sign-in.
    data: LocalResource<Result<T, ApiFailure>>,
    /// The line shown on the first load: "Loading the team…".
    loading: &'static str,
    /// What signing in would show: "your team".
    what: &'static str,
    /// Shown instead of the failure's message when the thing asked for does not
    /// exist or may not be seen by this account.
    #[prop(optional, into)]
    not_found: Option<ViewFn>,
    /// The page once its data is there.
    children: F,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    let auth = use_auth();
    view! {
        <Transition fallback=move || view! { <p class="loading" data-testid="loading">{loading}</p> }>
            {move || {
                data.get().map(|answer| match answer {
                    Ok(data) => children(data).into_any(),
                    Err(failure) => failure_view(auth, failure, what, not_found.as_ref()),
                })
            }}
        </Transition>
    }
}

fn failure_view(
    auth: Auth,
    failure: ApiFailure,
    what: &'static str,
    not_found: Option<&ViewFn>,
) -> AnyView {
    match not_found {
        _ if failure.is_unauthenticated() => {
            auth.session_lost(&failure);
            view! { <SignInRequired what/> }.into_any()
        }
        Some(not_found) if failure.is_not_found() => not_found.run(),
        _ => {
            let hint = failure
                .may_pass_on_retry()
                .then_some(" Reload the page to try again.");
            view! { <p class="card error" role="alert">{failure.to_string()} {hint}</p> }.into_any()
        }
    }
}
