//! `bark-eq render`: plans the outputs, renders the files on a pool of `--jobs` threads and
//! reports every failure without stopping the others.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::args::{BitsArg, FormatArg, RenderArgs};
use crate::cancel;
use crate::encode::{Container, OutputFormat};
use crate::eq;
use crate::error::{CliError, FileError};
use crate::loudness::TRUE_PEAK_WARNING_DBTP;
use crate::paths::{container_of, plan_outputs, Job};
use crate::progress::{write_line, Progress};
use crate::render::{render_file, RenderConfig, RenderReport};
use crate::report::{self, FileReport};

/// One rendered file: its input, and its report or why it failed.
type JobResult = (
    PathBuf,
    Result<(RenderReport, Option<FileReport>), FileError>,
);

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
    let settings = eq::settings_from_args(&args.eq)?;
    let format = output_format(args)?;
    let jobs = plan_outputs(
        &args.inputs,
        &args.output,
        &args.suffix,
        args.force,
        format.container,
    )?;
    let threads = args.jobs.map_or_else(default_threads, usize::from);
    let wants_report = args.report || args.json.is_some();
    let config = RenderConfig {
        settings,
        format,
        overwrite: args.force,
        // Fewer files than threads: cut each file into segments so that all threads work.
        split: jobs.len() < threads,
        measure_loudness: wants_report,
        match_loudness: args.match_loudness,
    };
    let print_tables = args.report && args.json.as_ref().is_none_or(|p| p.as_os_str() != "-");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| CliError::ThreadPool(threads))?;

    let total = jobs.len();
    let progress = Progress::new(total, !args.quiet);
    let started = Instant::now();
    let results: Vec<JobResult> = pool.install(|| {
        jobs.into_par_iter()
            .map(|job| render_job(job, &config, &progress, args.quiet, print_tables))
            .collect()
    });
    progress.finish();
    if let Some(path) = &args.json {
        let reports: Vec<&FileReport> = results
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok()?.1.as_ref())
            .collect();
        let json = serde_json::to_string_pretty(&reports).unwrap_or_default();
        if path.as_os_str() == "-" {
            write_line(&mut std::io::stdout(), &json);
        } else {
            std::fs::write(path, json + "\n").map_err(|source| CliError::Write {
                path: path.clone(),
                source,
            })?;
        }
    }

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
                .map(|(rendered, _)| rendered.seconds())
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

/// The container and sample format from `--format`, `-o` and `--bits`.
fn output_format(args: &RenderArgs) -> Result<OutputFormat, CliError> {
    let container = match args.format {
        Some(FormatArg::Wav) => Container::Wav,
        Some(FormatArg::Flac) => Container::Flac,
        None => container_of(&args.output).unwrap_or(Container::Wav),
    };
    let bits = match (container, args.bits) {
        (Container::Flac, Some(BitsArg::Float32)) => {
            return Err(CliError::Usage(
                "--bits 32 is floating point, which FLAC cannot hold; use --bits 16 or 24, or write WAV"
                    .to_string(),
            ))
        }
        (_, Some(bits)) => bits,
        (Container::Flac, None) => BitsArg::Int24,
        (Container::Wav, None) => BitsArg::Float32,
    };
    Ok(OutputFormat { container, bits })
}

/// Renders one planned job, printing its result line (and report) as soon as it is known.
fn render_job(
    job: Job,
    config: &RenderConfig,
    progress: &Progress,
    quiet: bool,
    print_tables: bool,
) -> JobResult {
    let result = job.output.and_then(|output| {
        let rendered = render_file(&job.input, &output, config, progress)?;
        if !quiet {
            progress.print(&success_line(&job.input, &output, &rendered));
        }
        if config.match_loudness {
            if let Some(peak) = rendered.loudness.and_then(|l| l.output.true_peak_dbtp) {
                if peak > TRUE_PEAK_WARNING_DBTP {
                    progress.eprint(&format!(
                        "warning: {}: true peak {peak:+.1} dBTP after matching loudness, above {TRUE_PEAK_WARNING_DBTP} dBTP (cut the boosted bands or limit the peaks)",
                        output.display()
                    ));
                }
            }
        }
        let file_report = if config.measure_loudness {
            let file_report = report::build(&job.input, &output, &rendered)?;
            if print_tables {
                progress.print(&report::table(&file_report));
            }
            Some(file_report)
        } else {
            None
        };
        Ok((rendered, file_report))
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
