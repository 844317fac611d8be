//! Progress bars and spinners on standard error. They draw only when standard error is a
//! terminal, so pipes, scripts and tests see clean output.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

/// How often a spinner turns while the work gives no news of its own.
const TICK: Duration = Duration::from_millis(120);

/// A bar on standard error that vanishes when dropped, so an error message that follows
/// stands alone.
fn new(len: Option<u64>) -> ProgressBar {
    ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr()).with_finish(ProgressFinish::AndClear)
}

/// A bar over `total` bytes, labelled `message`.
pub fn bytes(total: u64, message: &str) -> ProgressBar {
    let bar = new(Some(total));
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_owned());
    bar
}

/// A spinner that turns on its own while `message` is under way.
pub fn spinner(message: &str) -> ProgressBar {
    let bar = new(None);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(TICK);
    bar
}

/// A spinner with a running count: `{pos} {message}`.
pub fn counter(message: &str) -> ProgressBar {
    let bar = new(None);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {human_pos} {msg} ({per_sec})") {
        bar.set_style(style);
    }
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(TICK);
    bar
}
