//! Who is signed in, shared with every page through context. The app asks
//! `/api/auth/me` once at start; pages report a 401 through [`Auth::session_lost`],
//! which turns into the "your session has expired" message.

use forma_core::api::{Role, SignedInUser};
use leptos::prelude::*;

use crate::api::{self, ApiFailure};

/// The sign-in state of this browser tab.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    /// The signed-in user, once known.
    pub user: RwSignal<Option<SignedInUser>>,
    /// Whether the first `/api/auth/me` has answered.
    pub checked: RwSignal<bool>,
    /// A session that was valid ended (expired or revoked) while the app was open.
    pub expired: RwSignal<bool>,
}

/// A note in this browser that someone signed in here. The session cookie itself is
/// HttpOnly and invisible to the app; without the note the app does not ask
/// `/api/auth/me`, so a visitor who never signed in sees no failed request.
const SIGNED_IN_NOTE: &str = "forma.signed-in";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn note_signed_in(signed_in: bool) {
    if let Some(storage) = storage() {
        let _ = if signed_in {
            storage.set_item(SIGNED_IN_NOTE, "1")
        } else {
            storage.remove_item(SIGNED_IN_NOTE)
        };
    }
}

fn has_signed_in_note() -> bool {
    storage().is_some_and(|storage| matches!(storage.get_item(SIGNED_IN_NOTE), Ok(Some(_))))
}

impl Auth {
    /// Records a successful sign-in.
    pub fn signed_in(&self, user: SignedInUser) {
        note_signed_in(true);
        api::set_csrf_token(Some(user.csrf_token.clone()));
        self.expired.set(false);
        self.user.set(Some(user));
        self.checked.set(true);
    }

    /// Signing out on purpose: the user's drafts in this browser go too.
    pub fn signed_out_on_purpose(&self) {
        if let Some(email) = self
            .user
            .with_untracked(|u| u.as_ref().map(|u| u.user.email.clone()))
        {
            crate::drafts::clear_all_of(&email);
        }
        self.signed_out();
    }

    /// Forgets the user (after sign-out, or when the session ended).
    pub fn signed_out(&self) {
        note_signed_in(false);
        api::set_csrf_token(None);
        self.user.set(None);
    }

    /// Called with any failed API answer: a 401 while signed in means the session ended.
    pub fn session_lost(&self, failure: &ApiFailure) {
        if failure.is_server_401() && self.user.get_untracked().is_some() {
            self.signed_out();
            self.expired.set(true);
        }
    }

    /// Runs `load` when someone is signed in; otherwise fails at once without asking
    /// the server. Reading this inside a resource makes it load again on sign-in.
    pub fn when_signed_in<T, F>(
        &self,
        load: impl FnOnce() -> F,
    ) -> impl std::future::Future<Output = Result<T, ApiFailure>>
    where
        F: std::future::Future<Output = Result<T, ApiFailure>>,
    {
        let signed_in = self.user.with(Option::is_some);
        let future = signed_in.then(load);
        async move {
            match future {
                Some(future) => future.await,
                None => Err(ApiFailure::not_signed_in()),
            }
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.user.with(|user| user.as_ref().map(|u| u.user.role))
    }
}

/// Where a user starts after signing in: coaches and admins on the team page, an
/// athlete on their own page.
pub fn landing_path(user: &SignedInUser) -> String {
    match (user.user.role, &user.user.athlete_id) {
        (Role::Athlete, Some(athlete)) => format!("/athletes/{athlete}"),
        _ => "/team".to_owned(),
    }
}

/// The sign-in page's address that returns to `path` (a path with its query)
/// once signed in.
pub fn sign_in_href(path: &str) -> String {
    match return_path(path) {
        Some(path) => format!("/sign-in?next={}", percent_encode(&path)),
        None => "/sign-in".to_owned(),
    }
}

/// Where sign-in may send the user back to: a path of this app (not another
/// site's address, such as `//evil.test`, and not the sign-in page itself).
pub fn return_path(next: &str) -> Option<String> {
    let next = next.trim();
    let local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\");
    let sign_in =
        next == "/sign-in" || next.starts_with("/sign-in?") || next.starts_with("/sign-in/");
    (local && !sign_in && next != "/" && !next.contains(['\r', '\n'])).then(|| next.to_owned())
}

/// Encodes a query value: everything but letters, digits and `-._~/` as `%XX`.
pub(crate) fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Creates the context and asks the server who is signed in.
pub fn provide_auth() -> Auth {
    let auth = Auth {
        user: RwSignal::new(None),
        checked: RwSignal::new(false),
        expired: RwSignal::new(false),
    };
    provide_context(auth);
    if has_signed_in_note() {
        leptos::task::spawn_local(async move {
            match api::me().await {
                Ok(user) => auth.signed_in(user),
                Err(failure) if failure.is_unauthenticated() => {
                    // Signed in here before, but that session has ended.
                    note_signed_in(false);
                    auth.expired.set(true);
                }
                Err(_) => {}
            }
            auth.checked.set(true);
        });
    } else {
        auth.checked.set(true);
    }
    auth
}

/// The app's sign-in state; the app shell provides it.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_to_the_page_it_was_asked_from() {
        assert_eq!(
            sign_in_href("/athletes/p08/plan"),
            "/sign-in?next=/athletes/p08/plan"
        );
        assert_eq!(
            sign_in_href("/labels?athlete=p05"),
            "/sign-in?next=/labels%3Fathlete%3Dp05"
        );
        assert_eq!(sign_in_href("/sign-in"), "/sign-in");
        assert_eq!(sign_in_href("/"), "/sign-in");
    }

    #[test]
    fn only_paths_of_this_app_are_returned_to() {
        assert_eq!(return_path("/team").as_deref(), Some("/team"));
        assert_eq!(
            return_path("/labels?athlete=p05").as_deref(),
            Some("/labels?athlete=p05")
        );
        for refused in [
            "//evil.test/x",
            "/\\evil.test",
            "https://evil.test/",
            "javascript:alert(1)",
            "team",
            "",
            "/sign-in",
            "/sign-in?next=/team",
            "/",
            "/team\r\nSet-Cookie: x",
        ] {
            assert_eq!(return_path(refused), None, "{refused}");
        }
    }
}
