//! The Bark Match profile of audio files, measured with the engine's own STFT analysis (no
//! filtering) and [`ProfileLearner`]: what `bark-eq analyze`/`match` and the plugin's
//! **Load reference** compute, so both give the same levels for the same file.

use std::path::{Path, PathBuf};

use bark_eq_dsp::profile::{Profile, ProfileError, ProfileLearner};
use bark_eq_dsp::{Engine, EqSettings, FftSize};

use crate::decode::AudioReader;
use crate::error::AudioFileError;

/// Why the profile of one or more files could not be made. One line each.
#[derive(Debug, thiserror::Error)]
pub enum ProfileReadError {
    /// A profile JSON could not be read or is not a valid profile.
    #[error("{}: {reason}", path.display())]
    Json {
        /// The JSON file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// An audio file could not be decoded or analysed.
    #[error("{}: {source}", path.display())]
    File {
        /// The audio file.
        path: PathBuf,
        /// Why it failed.
        source: AudioFileError,
    },
    /// An audio file holds nothing above the profile's gates.
    #[error("{}: {}; nothing to match", .0.display(), ProfileError::Silent)]
    Silent(PathBuf),
    /// No file was given.
    #[error("no source given")]
    NoFiles,
    /// The pooled sums give no profile.
    #[error("{0}")]
    Profile(ProfileError),
}

/// An engine for `reader`'s sample rate and channel count with `settings` in force from the
/// first sample (settled: no ramp in), built for their FFT size only (a file is processed at
/// one size: a fraction of the set-up time of an engine for every size).
pub fn engine_for(reader: &AudioReader, settings: &EqSettings) -> Result<Engine, AudioFileError> {
    Ok(Engine::for_one_fft_size(
        reader.sample_rate_hz() as f32,
        reader.num_channels(),
        settings,
    )?)
}

/// A flat engine for `reader`'s format at `fft_size`, for analysis passes.
pub fn analysis_engine(reader: &AudioReader, fft_size: FftSize) -> Result<Engine, AudioFileError> {
    let settings = EqSettings {
        fft_size,
        ..EqSettings::default()
    };
    engine_for(reader, &settings)
}

/// Feeds every block of `reader`, then one FFT length of silence (so every sample has been in
/// all of its frames), through `engine`'s analysis frames, calling `after_block` after each
/// block. Returns the number of frames read from the file.
pub fn analyze_reader(
    reader: &mut AudioReader,
    engine: &mut Engine,
    mut after_block: impl FnMut(&mut Engine),
) -> Result<u64, AudioFileError> {
    let mut planes: Vec<Vec<f32>> = vec![Vec::new(); reader.num_channels()];
    let mut frames = 0u64;
    let mut analyze = |planes: &[Vec<f32>], engine: &mut Engine| {
        let channels: Vec<&[f32]> = planes.iter().map(Vec::as_slice).collect();
        engine.analyze(&channels);
        after_block(engine);
    };
    while reader.next_block(&mut planes)? {
        frames += planes.first().map_or(0, Vec::len) as u64;
        analyze(&planes, engine);
    }
    for plane in planes.iter_mut() {
        plane.clear();
        plane.resize(engine.fft_len(), 0.0);
    }
    analyze(&planes, engine);
    Ok(frames)
}

/// Everything the engine's analysis frames at `fft_size` see of the audio file `path`.
pub fn learn_file(path: &Path, fft_size: FftSize) -> Result<ProfileLearner, AudioFileError> {
    let mut reader = AudioReader::open(path)?;
    let mut engine = analysis_engine(&reader, fft_size)?;
    engine.set_profile_learning(true);
    analyze_reader(&mut reader, &mut engine, |_| {})?;
    let mut learner = ProfileLearner::new(reader.sample_rate_hz() as f32);
    learner.drain_from(engine.profile_learner_mut());
    Ok(learner)
}

/// The profile of the audio files `paths` pooled into one (as one correction for an album or a
/// set of stems), analysed at `fft_size`, and the sample rate of the first. A silent file is
/// an error of its own, so it is never pooled unnoticed.
pub fn profile_of_files(
    paths: &[PathBuf],
    fft_size: FftSize,
) -> Result<(Profile, f32), ProfileReadError> {
    let mut pooled: Option<ProfileLearner> = None;
    for path in paths {
        let learner = learn_file(path, fft_size).map_err(|source| ProfileReadError::File {
            path: path.clone(),
            source,
        })?;
        if learner.profile() == Err(ProfileError::Silent) {
            return Err(ProfileReadError::Silent(path.clone()));
        }
        match &mut pooled {
            Some(pool) => pool.merge(&learner),
            None => pooled = Some(learner),
        }
    }
    let pooled = pooled.ok_or(ProfileReadError::NoFiles)?;
    let profile = pooled.profile().map_err(ProfileReadError::Profile)?;
    Ok((profile, pooled.sample_rate_hz()))
}

/// Extension of profile JSON files (`bark-eq analyze --json` writes them).
pub const PROFILE_EXTENSION: &str = "json";

/// Whether `path` names a profile JSON (by its `.json` extension) rather than an audio file.
pub fn is_profile_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(PROFILE_EXTENSION))
}

/// The profile in `path`: a profile JSON (`bark-eq analyze --json` writes one) read as it is,
/// any other file decoded and analysed at `fft_size`.
pub fn read_profile(path: &Path, fft_size: FftSize) -> Result<Profile, ProfileReadError> {
    if !is_profile_json(path) {
        let (profile, _) = profile_of_files(&[path.to_path_buf()], fft_size)?;
        return Ok(profile);
    }
    let json_error = |reason: String| ProfileReadError::Json {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|err| json_error(err.to_string()))?;
    Profile::from_json(&text).map_err(|err| json_error(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bark_eq_testkit::signals::white_noise;
    use bark_eq_testkit::wav::write_float_wav;

    /// Sample rate of the test files.
    const RATE_HZ: u32 = 48_000;

    #[test]
    fn two_files_pooled_give_the_profile_of_their_merged_sums() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b) = (dir.path().join("a.wav"), dir.path().join("b.wav"));
        write_float_wav(&a, RATE_HZ, &white_noise(1, 2, RATE_HZ as usize));
        let quiet: Vec<Vec<f32>> = white_noise(2, 2, RATE_HZ as usize / 2)
            .into_iter()
            .map(|c| c.into_iter().map(|x| 0.25 * x).collect())
            .collect();
        write_float_wav(&b, RATE_HZ, &quiet);
        let (pooled, rate) =
            profile_of_files(&[a.clone(), b.clone()], FftSize::default()).expect("profile");
        let mut merged = learn_file(&a, FftSize::default()).expect("a");
        merged.merge(&learn_file(&b, FftSize::default()).expect("b"));
        assert_eq!(rate, RATE_HZ as f32);
        assert_eq!(Ok(pooled.clone()), merged.profile());
        assert!(
            (pooled.duration_s - 1.5).abs() < 0.2,
            "{}",
            pooled.duration_s
        );
    }

    #[test]
    fn a_profile_json_reads_back_as_written_and_an_audio_file_is_analysed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let wav = dir.path().join("noise.wav");
        write_float_wav(&wav, RATE_HZ, &white_noise(3, 1, RATE_HZ as usize));
        let analysed = read_profile(&wav, FftSize::default()).expect("analysed");
        let json = dir.path().join("noise.JSON");
        std::fs::write(&json, analysed.to_json()).expect("write");
        assert_eq!(read_profile(&json, FftSize::default()).ok(), Some(analysed));
    }

    #[test]
    fn missing_unreadable_silent_and_empty_inputs_are_one_line_errors() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (text, silent) = (dir.path().join("notes.txt"), dir.path().join("silent.wav"));
        std::fs::write(&text, "not audio at all, just some words").expect("write");
        write_float_wav(&silent, RATE_HZ, &[vec![0.0; RATE_HZ as usize]]);
        let bad_json = dir.path().join("bad.json");
        std::fs::write(&bad_json, "{").expect("write");
        let cases = [
            (dir.path().join("missing.wav"), "missing.wav: no such file"),
            (text, "notes.txt: not a supported audio file"),
            (silent, "silent.wav: the audio is silent"),
            (bad_json, "bad.json: "),
        ];
        for (path, expected) in cases {
            let message = read_profile(&path, FftSize::default())
                .expect_err("refused")
                .to_string();
            assert!(message.contains(expected), "{message}");
            assert_eq!(message.lines().count(), 1, "{message}");
        }
        let none = profile_of_files(&[], FftSize::default()).expect_err("no files");
        assert_eq!(none.to_string(), "no source given");
    }
}
