//! `/`: where Forma starts: what each part of the app is for.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_header::PageHeader;

/// One area of the app, as the start page presents it.
struct Area {
    href: &'static str,
    title: &'static str,
    text: &'static str,
}

const AREAS: [Area; 5] = [
    Area {
        href: "/team",
        title: "Team",
        text: "Who needs a decision today, and why: load ratio, form, readiness and data freshness for every athlete.",
    },
    Area {
        href: "/labels",
        title: "Labels",
        text: "Say what really happened (illness, travel, an intentional deload) in a few keystrokes, so the model learns from it.",
    },
    Area {
        href: "/plan",
        title: "Plan",
        text: "Edit the next weeks and watch projected load, form and risk respond at once, computed in your browser.",
    },
    Area {
        href: "/model",
        title: "Model",
        text: "How good the risk model is, for whom, against simple baselines, and which version is active.",
    },
    Area {
        href: "/import",
        title: "Import",
        text: "Bring history in from CSV files, watches (FIT, TCX, GPX) and PMData exports.",
    },
];

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageHeader
            title="Good morning"
            summary="Forma recommends, explains why, and learns from your decisions."
        />
        <ul class="area-grid">
            {AREAS
                .iter()
                .map(|area| {
                    view! {
                        <li class="card area-card">
                            <A href=area.href>
                                <h2>{area.title}</h2>
                                <p>{area.text}</p>
                            </A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
