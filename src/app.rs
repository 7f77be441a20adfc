//! The app shell: header with the product name, navigation, server status and the
//! sign-in place, and the router that picks a page for the address.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::components::status::ServerStatus;
use crate::pages;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="shell-header">
                <div class="shell-bar">
                    <A href="/" attr:class="brand">
                        <span class="brand-mark" aria-hidden="true"></span>
                        <span class="brand-name">"Forma"</span>
                    </A>
                    <ServerStatus/>
                    <A href="/sign-in" attr:class="sign-in-link">"Sign in"</A>
                </div>
                <nav class="shell-nav" aria-label="Main">
                    <A href="/team">"Team"</A>
                    <A href="/labels">"Labels"</A>
                    <A href="/plan">"Plan"</A>
                    <A href="/model">"Model"</A>
                    <A href="/import">"Import"</A>
                </nav>
            </header>
            <main id="main" class="shell-main">
                <Routes fallback=pages::not_found::NotFoundPage>
                    <Route path=path!("/") view=pages::home::HomePage/>
                    <Route path=path!("/team") view=pages::team::TeamPage/>
                    <Route path=path!("/labels") view=pages::labels::LabelsPage/>
                    <Route path=path!("/plan") view=pages::plan::PlanPage/>
                    <Route path=path!("/model") view=pages::model::ModelPage/>
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
