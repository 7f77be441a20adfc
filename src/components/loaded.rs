//! The four states of a page that reads from the server: loading, failed, signed
//! out and loaded, in one place (a `Transition` with an `ErrorBoundary`, as in
//! Leptos' `fetch` example), so a page only says what it loads and what it shows.

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
    let fallback = move |errors: ArcRwSignal<Errors>| {
        let not_found = not_found.clone();
        move || {
            let failure = errors.with(|errors| {
                errors
                    .iter()
                    .find_map(|(_, error)| error.downcast_ref::<ApiFailure>().cloned())
            });
            failure_view(auth, failure, what, not_found.as_ref())
        }
    };
    view! {
        <Transition fallback=move || view! { <p class="loading" data-testid="loading">{loading}</p> }>
            <ErrorBoundary fallback>
                // Read with `get` rather than awaited in a `Suspend`: the page
                // is made anew only once a new answer is there, so what it runs
                // meanwhile (a save on its way) keeps its signals.
                {move || data.get().map(|answer| answer.map(&children))}
            </ErrorBoundary>
        </Transition>
    }
}

fn failure_view(
    auth: Auth,
    failure: Option<ApiFailure>,
    what: &'static str,
    not_found: Option<&ViewFn>,
) -> AnyView {
    match failure {
        Some(failure) if failure.is_unauthenticated() => {
            auth.session_lost(&failure);
            view! { <SignInRequired what/> }.into_any()
        }
        Some(failure) if failure.is_not_found() && not_found.is_some() => {
            not_found.map(ViewFn::run).into_any()
        }
        failure => {
            let words = failure.map_or_else(
                || "Something went wrong on this page.".to_owned(),
                |f| f.to_string(),
            );
            view! {
                <p class="card error" role="alert">
                    {words}
                    " Reload the page to try again."
                </p>
            }
            .into_any()
        }
    }
}
