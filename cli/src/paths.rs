//! Where each output goes, and the checks that keep inputs and existing files safe.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use bark_eq_audio::AudioFileError;

use crate::encode::Container;
use crate::error::{CliError, FileError};

/// Extensions of the files bark-eq writes; `-o` with one of them names a file.
const OUTPUT_EXTENSIONS: [&str; 2] = ["wav", "flac"];
/// Audio extensions bark-eq reads but does not write; as `-o` they are a mistake.
const AUDIO_EXTENSIONS: [&str; 5] = ["mp3", "ogg", "oga", "aif", "aiff"];

/// One input and where its output goes, or why it cannot be rendered.
#[derive(Debug)]
pub struct Job {
    /// The input file as given.
    pub input: PathBuf,
    /// The output path, or the reason this input is skipped.
    pub output: Result<PathBuf, FileError>,
}

/// The container `-o output` implies: its extension when it names a file, else `None`.
pub fn container_of(output: &Path) -> Option<Container> {
    if output.is_dir() {
        return None;
    }
    match output_extension(output)?.as_str() {
        "flac" => Some(Container::Flac),
        _ => Some(Container::Wav),
    }
}

/// Plans the outputs of `inputs` for `-o output`: a directory (created if missing), or a .wav
/// or .flac file when there is one input; files in a directory get `container`'s extension.
/// Errors that concern one file go into its [`Job`]; errors that concern the whole command are
/// returned.
pub fn plan_outputs(
    inputs: &[PathBuf],
    output: &Path,
    suffix: &str,
    force: bool,
    container: Container,
) -> Result<Vec<Job>, CliError> {
    let names_a_file = container_of(output).is_some();
    if names_a_file && container_of(output) != Some(container) {
        return Err(CliError::Usage(format!(
            "-o {} does not end in .{}, the output format asked for",
            output.display(),
            container.extension()
        )));
    }
    let other_format = output
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    if let Some(extension) = other_format.filter(|_| !output.is_dir()) {
        return Err(CliError::Usage(format!(
            "-o {}: bark-eq writes WAV and FLAC files, not .{extension}; name the output .wav or .flac, or give a directory",
            output.display()
        )));
    }
    if suffix.contains(['/', '\\']) {
        return Err(CliError::Usage(format!(
            "--suffix {suffix}: must not contain a path separator"
        )));
    }
    if names_a_file && inputs.len() > 1 {
        return Err(CliError::Usage(format!(
            "-o {} names a file, but {} inputs were given; pass a directory instead",
            output.display(),
            inputs.len()
        )));
    }
    let dir = if names_a_file {
        match output.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        output.to_path_buf()
    };
    ensure_dir(&dir)?;

    let canonical_inputs: Vec<(PathBuf, &PathBuf)> = inputs
        .iter()
        .filter_map(|input| Some((input.canonicalize().ok()?, input)))
        .collect();
    let mut claimed: HashSet<PathBuf> = HashSet::new();
    let jobs = inputs
        .iter()
        .map(|input| {
            let target = if names_a_file {
                Ok(output.to_path_buf())
            } else {
                output_name(input, suffix, container.extension()).map(|name| dir.join(name))
            };
            let output = target.and_then(|target| {
                check_input(input)?;
                let key = canonical_target(&target);
                if let Some((_, original)) = canonical_inputs.iter().find(|(c, _)| *c == key) {
                    return Err(FileError::OutputIsInput(original.to_path_buf()));
                }
                if !claimed.insert(key) {
                    return Err(FileError::DuplicateOutput(target));
                }
                if !force && target.symlink_metadata().is_ok() {
                    return Err(FileError::OutputExists(target));
                }
                Ok(target)
            });
            Job {
                input: input.clone(),
                output,
            }
        })
        .collect();
    Ok(jobs)
}

/// Creates `dir` if missing and checks that it is a directory.
pub fn ensure_dir(dir: &Path) -> Result<(), CliError> {
    let dir_error = |source| CliError::OutputDir {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(dir_error)?;
    if dir.is_dir() {
        Ok(())
    } else {
        Err(dir_error(std::io::Error::other("not a directory")))
    }
}

/// The extension of `path` in lower case if it is one bark-eq writes.
fn output_extension(path: &Path) -> Option<String> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    OUTPUT_EXTENSIONS
        .contains(&extension.as_str())
        .then_some(extension)
}

/// The output file name of `input`: its stem, the suffix, the extension.
fn output_name(input: &Path, suffix: &str, extension: &str) -> Result<String, FileError> {
    let stem = input
        .file_stem()
        .filter(|stem| !stem.is_empty() && *stem != "..")
        .ok_or(AudioFileError::IsDirectory)?;
    Ok(format!("{}{suffix}.{extension}", stem.to_string_lossy()))
}

/// Fails early for inputs that are missing or directories.
fn check_input(input: &Path) -> Result<(), FileError> {
    match std::fs::metadata(input) {
        Ok(meta) if meta.is_dir() => Err(AudioFileError::IsDirectory.into()),
        Ok(_) => Ok(()),
        Err(e) => Err(AudioFileError::from_open(e).into()),
    }
}

/// The absolute, symlink-free form of a path that may not exist yet (its directory does).
fn canonical_target(target: &Path) -> PathBuf {
    if let Ok(canonical) = target.canonicalize() {
        return canonical;
    }
    match (target.parent(), target.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            parent
                .canonicalize()
                .map(|p| p.join(name))
                .unwrap_or_else(|_| target.to_path_buf())
        }
        _ => target.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_keep_the_stem() {
        assert_eq!(
            output_name(Path::new("a/b/song.flac"), "_eq", "wav").unwrap(),
            "song_eq.wav"
        );
        assert_eq!(
            output_name(Path::new("take.1.wav"), "", "flac").unwrap(),
            "take.1.flac"
        );
        assert!(output_name(Path::new(".."), "", "wav").is_err());
    }
}
