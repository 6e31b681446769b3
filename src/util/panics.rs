//! Panics abort the process (as `panic = "abort"` would: a half-dead server is worse than a
//! restarted one), except inside `contained`, where third-party code meets hostile input and a
//! panic only fails that job.
use std::cell::Cell;

thread_local! {
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// Installs the hook: report, then abort unless the panic is contained.
pub fn install() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        if !CONTAINED.with(Cell::get) {
            std::process::abort();
        }
    }));
}

/// Runs `f`; a panic inside it becomes None.
pub fn contained<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Option<T> {
    let before = CONTAINED.with(|c| c.replace(true));
    let out = std::panic::catch_unwind(f).ok();
    CONTAINED.with(|c| c.set(before));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_contained_panic_is_none() {
        assert_eq!(super::contained(|| 5), Some(5));
        assert_eq!(super::contained(|| -> u8 { panic!("decoder bug") }), None);
        assert!(!super::CONTAINED.with(std::cell::Cell::get));
    }
}
