//! The app shell: header with the product name, navigation that follows the signed-in
//! role, server status and the account place, and the router that picks a page.

use forma_core::api::Role;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::api;
use crate::auth::{provide_auth, sign_in_href, use_auth};
use crate::components::sign_in_required::current_path;
use crate::components::status::ServerStatus;
use crate::pages;

#[component]
pub fn App() -> impl IntoView {
    let auth = provide_auth();
    crate::outbox::provide_label_outbox();
    crate::team_choice::provide_team_choice();
    let bar = NodeRef::<leptos::html::Div>::new();
    let header = NodeRef::<leptos::html::Header>::new();
    let measure = move || measure_bar(bar, header);
    // The bar's height changes with who is signed in and with the window.
    Effect::new(move |_| {
        auth.user.track();
        request_animation_frame(measure);
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="shell-header" node_ref=header>
                <div class="shell-bar" node_ref=bar>
                    <A href="/" attr:class="brand">
                        <span class="brand-mark" aria-hidden="true"></span>
                        <span class="brand-name">"Forma"</span>
                    </A>
                    <ServerStatus/>
                    <crate::outbox::LabelsWaiting/>
                    <crate::team_choice::TeamChooser/>
                    <Account/>
                </div>
                <Navigation/>
            </header>
            <ExpiredBanner/>
            <main id="main" class="shell-main">
                <Routes fallback=pages::not_found::NotFoundPage>
                    <Route path=path!("/") view=pages::home::HomePage/>
                    <Route path=path!("/team") view=|| view! { <CoachPage what="see the whole team"><pages::team::TeamPage/></CoachPage> }/>
                    <Route path=path!("/team/:team") view=|| view! { <CoachPage what="see the whole team"><pages::team::TeamPage/></CoachPage> }/>
                    <Route path=path!("/athletes/:id") view=pages::athlete::AthletePage/>
                    <Route path=path!("/athletes/:id/plan") view=pages::plan::AthletePlanPage/>
                    <Route path=path!("/athletes/:id/records") view=pages::records::RecordsPage/>
                    <Route path=path!("/roster") view=pages::roster::RosterPage/>
                    <Route path=path!("/invite/:code") view=pages::invite::InvitePage/>
                    <Route path=path!("/account") view=pages::account::AccountPage/>
                    <Route path=path!("/accounts") view=pages::accounts::AccountsPage/>
                    <Route path=path!("/reset/:code") view=pages::reset::ResetPage/>
                    <Route path=path!("/labels") view=|| view! { <CoachPage what="label the team's days"><pages::labels::LabelsPage/></CoachPage> }/>
                    <Route path=path!("/plan") view=|| view! { <CoachPage what="plan the team's training"><pages::plan::PlanPage/></CoachPage> }/>
                    <Route path=path!("/model") view=|| view! { <CoachPage what="manage the risk model"><pages::model::ModelPage/></CoachPage> }/>
                    <Route path=path!("/import") view=pages::import::ImportPage/>
                    <Route path=path!("/sign-in") view=pages::sign_in::SignInPage/>
                </Routes>
            </main>
            <footer class="shell-footer">
                <p>
                    "Forma, open source. Demo data: PMData (Thambawita et al., MMSys 2020), CC BY 4.0."
                </p>
            </footer>
        </Router>
    }
}

/// On a phone the header is two rows, the bar (brand, status, account) and the
/// navigation. Sticking the header at minus the bar's height lets the bar scroll
/// away while the navigation stays, so the stuck header is one row and never
/// covers a field the page scrolls to; the stylesheet reads `--bar-height`.
fn measure_bar(bar: NodeRef<leptos::html::Div>, header: NodeRef<leptos::html::Header>) {
    if let (Some(bar), Some(header)) = (bar.get_untracked(), header.get_untracked()) {
        let height = bar.offset_height();
        // Through the style object, which a strict Content-Security-Policy allows
        // (a `style` attribute it would refuse).
        let _ = header
            .style()
            .set_property("--bar-height", &format!("{height}px"));
    }
}

/// The main navigation: the coach's tools for coaches and admins, "My page" for an athlete.
#[component]
fn Navigation() -> impl IntoView {
    let auth = use_auth();
    move || {
        let user = auth.user.get();
        match user
            .as_ref()
            .map(|u| (u.user.role, u.user.athlete_id.clone()))
        {
            Some((Role::Athlete, athlete)) => {
                let href = athlete.map_or_else(|| "/".to_owned(), |id| format!("/athletes/{id}"));
                view! {
                    <nav class="shell-nav" aria-label="Main">
                        <A href=href>"My page"</A>
                    </nav>
                }
                .into_any()
            }
            role => view! {
                <nav class="shell-nav" aria-label="Main">
                    <A href="/team">"Team"</A>
                    <A href="/labels">"Labels"</A>
                    <A href="/plan">"Plan"</A>
                    <A href="/model">"Model"</A>
                    <A href="/import">"Import"</A>
                    <A href="/roster">"Roster"</A>
                    {matches!(role, Some((Role::Admin, _))).then(|| view! { <A href="/accounts">"Accounts"</A> })}
                </nav>
            }
            .into_any(),
        }
    }
}

/// A coach's page: an athlete who opens it reads what they can do instead, with a
/// link to their own page, not an empty coach's page.
#[component]
fn CoachPage(what: &'static str, children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    move || {
        if auth.role() == Some(Role::Athlete) {
            view! { <pages::records::CoachesOnly what/> }.into_any()
        } else {
            children().into_any()
        }
    }
}

/// The signed-in user and sign-out, or the sign-in link.
#[component]
fn Account() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let sign_out = Action::new_unsync(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            // Signed out locally whatever the server says: the cookie is gone or stale.
            let _ = api::logout().await;
            auth.signed_out_on_purpose();
            navigate("/sign-in", Default::default());
        }
    });
    let here = current_path();
    move || match auth.user.get() {
        // Nothing while the app asks who is signed in: no "Sign in" flashes by.
        None if !auth.checked.get() => ().into_any(),
        Some(user) => view! {
            <div class="account" data-testid="account">
                <A href="/account" attr:class="account-name" attr:title="Your account and password">
                    {user.user.display_name.clone()}
                    <span class="account-role">{user.user.role.as_str()}</span>
                </A>
                <button class="sign-out" on:click=move |_| { sign_out.dispatch(()); }>
                    "Sign out"
                </button>
            </div>
        }
        .into_any(),
        None => {
            let href = sign_in_href(&here.get());
            view! { <A href=href attr:class="sign-in-link">"Sign in"</A> }.into_any()
        }
    }
}

/// Shown when a session ended while the app was open.
#[component]
fn ExpiredBanner() -> impl IntoView {
    let auth = use_auth();
    let here = current_path();
    view! {
        <Show when=move || auth.expired.get()>
            <div class="banner banner-warning" role="alert" data-testid="session-expired">
                "Your session has expired, so Forma cannot show or save data. Unsaved edits are kept in this browser. "
                <A href=move || sign_in_href(&here.get())>"Sign in again"</A>
                " to continue where you were."
            </div>
        </Show>
    }
}
