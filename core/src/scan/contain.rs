//! Containing panics of the decoder: rqrr asserts on some real photographs. A panic inside `contained`
//! becomes `None`, and the process-wide panic hook stays silent for it (other threads' panics are still
//! reported by the previous hook).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic inside it returns `None` without printing anything.
pub(crate) fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    install_hook();
    QUIET.with(|q| q.set(q.get() + 1));
    let out = catch_unwind(AssertUnwindSafe(f)).ok();
    QUIET.with(|q| q.set(q.get().saturating_sub(1)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::panic)]
    fn panic_becomes_none() {
        assert_eq!(contained(|| 7), Some(7));
        let r: Option<()> = contained(|| panic!("inside"));
        assert_eq!(r, None);
    }
}
