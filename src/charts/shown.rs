//! Drawing on a canvas only once it is shown. A page can be made while it is out
//! of the document (a `Transition` makes what it will show before it shows it,
//! as the athlete's own page on a phone was), or sit in a box that has no width
//! yet, where a canvas has no width to draw at; a `ResizeObserver` says when
//! its box gets one, and it is drawn then.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::charts::draw::has_width;

/// An effect that calls `draw` with the canvas whenever the signals `draw` reads
/// change, once the canvas is shown.
pub fn draw_when_shown(
    canvas: NodeRef<Canvas>,
    draw: impl Fn(&web_sys::HtmlCanvasElement) + 'static,
) {
    let shown = Trigger::new();
    // Dropped (and so disconnected) once the canvas is drawn, or with the page.
    let watch = StoredValue::new_local(None::<Watch>);
    Effect::new(move |_| {
        shown.track();
        let Some(element) = canvas.get() else {
            return;
        };
        if has_width(&element) {
            watch.set_value(None);
            draw(&element);
        } else if watch.with_value(Option::is_none) {
            watch.set_value(Watch::new(&element, move || shown.notify()));
        }
    });
}

/// A `ResizeObserver` on one element: `changed` runs when the element's box
/// changes size, as when it is put in the document and laid out. Disconnected
/// when dropped.
struct Watch {
    observer: web_sys::ResizeObserver,
    _changed: Closure<dyn FnMut()>,
}

impl Watch {
    fn new(element: &web_sys::Element, changed: impl Fn() + 'static) -> Option<Watch> {
        let changed = Closure::<dyn FnMut()>::new(changed);
        let observer = web_sys::ResizeObserver::new(changed.as_ref().unchecked_ref()).ok()?;
        observer.observe(element);
        Some(Watch {
            observer,
            _changed: changed,
        })
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
