//! Drawing on a canvas only once it is shown. A page can be made while it is out
//! of the document (a `Transition` makes what it will show before it shows it,
//! as the athlete's own page on a phone was), where a canvas has no width to
//! draw at; it is drawn as soon as it is shown instead.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::charts::draw::has_width;

/// How many animation frames a canvas out of the document is looked at again
/// before giving up (about two seconds): one that stays out is on a page that
/// is gone or is made anew.
const MAX_FRAMES: u32 = 120;

/// An effect that calls `draw` with the canvas whenever the signals `draw` reads
/// change, once the canvas is shown.
pub fn draw_when_shown(
    canvas: NodeRef<Canvas>,
    draw: impl Fn(&web_sys::HtmlCanvasElement) + 'static,
) {
    let shown = Trigger::new();
    let waited = StoredValue::new(0u32);
    Effect::new(move |_| {
        shown.track();
        let Some(element) = canvas.get() else {
            return;
        };
        if has_width(&element) {
            waited.set_value(0);
            draw(&element);
            return;
        }
        let tries = waited.get_value();
        waited.set_value(tries + 1);
        let again = move || shown.notify();
        // The page is usually put in the document by the effects that follow
        // this one, so the first look is right after them.
        if tries == 0 {
            set_timeout(again, std::time::Duration::ZERO);
        } else if tries < MAX_FRAMES {
            request_animation_frame(again);
        }
    });
}
