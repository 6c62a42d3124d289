//! Progress bars (one per file in flight plus one overall) and printing around them.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a spinner (file of unknown length) ticks.
const SPINNER_TICK: Duration = Duration::from_millis(120);

/// The bars of one command; invisible when stderr is not a terminal or `--quiet` is given.
pub struct Progress {
    /// Draws all bars together on stderr.
    multi: MultiProgress,
    /// Files finished out of all files.
    overall: ProgressBar,
    /// Whether anything is drawn.
    visible: bool,
}

impl Progress {
    /// Bars for `total_files` files; drawn only if `show` and stderr is a terminal.
    pub fn new(total_files: usize, show: bool) -> Self {
        let visible = show && std::io::stderr().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let overall = multi.add(ProgressBar::new(total_files as u64));
        overall.set_style(style(
            "{prefix:>8.bold} [{bar:30.green/white}] {pos}/{len} files, {elapsed} elapsed, ETA {eta}",
        ));
        overall.set_prefix("total");
        Self {
            multi,
            overall,
            visible,
        }
    }

    /// A bar for one file of `total_frames` frames (a spinner when the length is unknown),
    /// removed when dropped.
    pub fn file_bar(&self, name: &str, total_frames: Option<u64>) -> FileBar<'_> {
        let bar = match total_frames {
            Some(frames) => {
                let bar = ProgressBar::new(frames);
                bar.set_style(style(
                    "{prefix:>8} [{bar:30.cyan/blue}] {percent:>3}% {wide_msg}",
                ));
                bar
            }
            None => {
                let bar = ProgressBar::new_spinner();
                bar.set_style(style("{prefix:>8} {spinner} {wide_msg}"));
                bar.enable_steady_tick(SPINNER_TICK);
                bar
            }
        };
        bar.set_prefix("file");
        bar.set_message(name.to_string());
        FileBar {
            multi: &self.multi,
            bar: self.multi.insert_before(&self.overall, bar),
        }
    }

    /// Counts one more file as done (rendered or failed).
    pub fn file_done(&self) {
        self.overall.inc(1);
    }

    /// Prints a line to stdout without tearing the bars.
    pub fn print(&self, line: &str) {
        self.around_bars(|| write_line(&mut std::io::stdout(), line));
    }

    /// Prints a line to stderr without tearing the bars.
    pub fn eprint(&self, line: &str) {
        self.around_bars(|| write_line(&mut std::io::stderr(), line));
    }

    /// Runs `f` with the bars hidden for the moment.
    fn around_bars(&self, f: impl FnOnce()) {
        if self.visible {
            self.multi.suspend(f);
        } else {
            f();
        }
    }

    /// Removes all bars.
    pub fn finish(&self) {
        self.overall.finish_and_clear();
        if self.visible {
            let _ = self.multi.clear();
        }
    }
}

/// One file's bar; removed from the display when dropped.
pub struct FileBar<'a> {
    /// The display the bar belongs to.
    multi: &'a MultiProgress,
    /// The bar.
    bar: ProgressBar,
}

impl FileBar<'_> {
    /// The underlying bar, to advance it.
    pub fn bar(&self) -> &ProgressBar {
        &self.bar
    }
}

impl Drop for FileBar<'_> {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        self.multi.remove(&self.bar);
    }
}

/// Writes a line, ignoring a closed pipe (`bark-eq ... | head` must not panic).
pub fn write_line(out: &mut impl Write, line: &str) {
    let _ = writeln!(out, "{line}");
}

/// A bar style from a template that is known to be valid (falls back to the default).
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}
