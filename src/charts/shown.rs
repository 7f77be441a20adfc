//! Drawing on a canvas only once it is in the document. A page can be made while
//! it is out of the document (an `ErrorBoundary` keeps a page out while it shows
//! a failure, and makes the page there when the answer comes), where a canvas has
//! no width to draw at; it is drawn at the next frame instead, when it is shown.

use leptos::html::Canvas;
use leptos::prelude::*;

/// An effect that calls `draw` with the canvas whenever the signals `draw` reads
/// change, once the canvas is in the document.
pub fn draw_when_shown(
    canvas: NodeRef<Canvas>,
    draw: impl Fn(&web_sys::HtmlCanvasElement) + 'static,
) {
    let shown = Trigger::new();
    Effect::new(move |_| {
        shown.track();
        let Some(element) = canvas.get() else {
            return;
        };
        if element.is_connected() {
            draw(&element);
        } else {
            request_animation_frame(move || shown.notify());
        }
    });
}
