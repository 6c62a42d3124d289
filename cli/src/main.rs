//! `bark-eq`: renders audio files through the Bark EQ engine (`bark_eq_dsp`), offline and in
//! parallel; analyses band energies; prints presets; plays a demo.

mod analyze;
mod args;
mod batch;
mod cancel;
mod demo;
mod encode;
mod eq;
mod error;
mod flac;
mod loudness;
mod matching;
mod output;
mod paths;
mod pipeline;
mod positional;
mod preset;
mod progress;
mod render;
mod report;
mod segments;
mod split;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::batch::BatchOutcome;
use crate::error::CliError;
use crate::progress::write_line;

/// Exit code when some files of a batch failed, or a single-file command failed.
const FAILURE_EXIT_CODE: u8 = 1;
/// Exit code for invalid options or presets (as clap uses for usage errors).
const USAGE_EXIT_CODE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Commands that write audio stop cleanly on Ctrl-C; the others just end.
    if matches!(
        cli.command,
        Command::Render(_) | Command::Demo(_) | Command::Match(_)
    ) {
        if let Err(err) = cancel::install_handler() {
            eprintln!("warning: Ctrl-C handler not installed ({err}); an interrupt may leave temporary .bark-eq-*.tmp files");
        }
    }
    let result = match &cli.command {
        Command::Render(args) => batch::run(args),
        Command::Analyze(args) => analyze::run(args).map(|()| BatchOutcome::AllRendered),
        Command::Preset(args) => eq::settings_from_args(&args.eq).map(|settings| {
            write_line(
                &mut std::io::stdout(),
                preset::to_json(&settings).trim_end(),
            );
            BatchOutcome::AllRendered
        }),
        Command::Demo(args) => demo::run(args).map(|()| BatchOutcome::AllRendered),
        Command::Match(args) => matching::run(args),
    };
    match result {
        Ok(BatchOutcome::AllRendered) => ExitCode::SUCCESS,
        Ok(BatchOutcome::SomeFailed) => ExitCode::from(FAILURE_EXIT_CODE),
        Ok(BatchOutcome::Interrupted) => ExitCode::from(cancel::INTERRUPTED_EXIT_CODE as u8),
        Err(err) => {
            eprintln!("error: {err}");
            if cancel::is_cancelled() {
                return ExitCode::from(cancel::INTERRUPTED_EXIT_CODE as u8);
            }
            match err {
                CliError::Usage(_) | CliError::Preset { .. } => ExitCode::from(USAGE_EXIT_CODE),
                _ => ExitCode::from(FAILURE_EXIT_CODE),
            }
        }
    }
}
