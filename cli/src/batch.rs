//! `bark-eq render`: plans the outputs, renders the files on a pool of `--jobs` threads and
//! reports every failure without stopping the others.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::args::RenderArgs;
use crate::cancel;
use crate::eq;
use crate::error::{CliError, FileError};
use crate::paths::{plan_outputs, Job};
use crate::progress::Progress;
use crate::render::{render_file, RenderConfig, RenderReport};

/// How a render command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Every file rendered.
    AllRendered,
    /// At least one file failed; the others rendered.
    SomeFailed,
    /// Ctrl-C stopped the batch.
    Interrupted,
}

/// Runs `bark-eq render`.
pub fn run(args: &RenderArgs) -> Result<BatchOutcome, CliError> {
    let config = RenderConfig {
        settings: eq::settings_from_args(&args.eq)?,
        bits: args.bits,
        overwrite: args.force,
    };
    let jobs = plan_outputs(&args.inputs, &args.output, &args.suffix, args.force)?;
    let threads = args.jobs.map_or_else(default_threads, usize::from);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| CliError::ThreadPool(threads))?;

    let total = jobs.len();
    let progress = Progress::new(total, !args.quiet);
    let started = Instant::now();
    let results: Vec<(PathBuf, Result<RenderReport, FileError>)> = pool.install(|| {
        jobs.into_par_iter()
            .map(|job| render_job(job, &config, &progress, args.quiet))
            .collect()
    });
    progress.finish();

    let failures: Vec<(&PathBuf, &FileError)> = results
        .iter()
        .filter_map(|(input, result)| result.as_ref().err().map(|e| (input, e)))
        .collect();
    let rendered = total - failures.len();
    if cancel::is_cancelled() {
        eprintln!(
            "interrupted: {rendered} of {} files were complete and kept; no partial output was left",
            total
        );
        return Ok(BatchOutcome::Interrupted);
    }
    if failures.is_empty() {
        if !args.quiet {
            let audio_seconds: f64 = results
                .iter()
                .filter_map(|(_, r)| r.as_ref().ok())
                .map(RenderReport::seconds)
                .sum();
            eprintln!(
                "rendered {rendered} file{} ({audio_seconds:.1} s of audio) in {:.1} s",
                plural(rendered),
                started.elapsed().as_secs_f64()
            );
        }
        return Ok(BatchOutcome::AllRendered);
    }
    eprintln!(
        "{} of {} file{} failed ({rendered} rendered):",
        failures.len(),
        total,
        plural(total)
    );
    for (input, error) in failures {
        eprintln!("  {}: {error}", input.display());
    }
    Ok(BatchOutcome::SomeFailed)
}

/// Renders one planned job, printing its result line as soon as it is known.
fn render_job(
    job: Job,
    config: &RenderConfig,
    progress: &Progress,
    quiet: bool,
) -> (PathBuf, Result<RenderReport, FileError>) {
    let result = job.output.and_then(|output| {
        render_file(&job.input, &output, config, progress).inspect(|report| {
            if !quiet {
                progress.print(&success_line(&job.input, &output, report));
            }
        })
    });
    progress.file_done();
    if let Err(error) = &result {
        if !matches!(error, FileError::Cancelled) {
            progress.eprint(&format!("error: {}: {error}", job.input.display()));
        }
    }
    (job.input, result)
}

/// The line printed for a rendered file.
fn success_line(input: &Path, output: &Path, report: &RenderReport) -> String {
    let mut line = format!(
        "{} -> {} ({:.2} s, {} ch, {} Hz)",
        input.display(),
        output.display(),
        report.seconds(),
        report.num_channels,
        report.sample_rate_hz
    );
    if report.clipped_samples > 0 {
        line.push_str(&format!(
            "; warning: {} samples clipped, lower --output-gain or use --bits 32",
            report.clipped_samples
        ));
    }
    line
}

/// Threads to use without `--jobs`: one per core.
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// "s" unless there is exactly one.
fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}
