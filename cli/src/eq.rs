//! Turns the EQ options into engine settings: preset < --gains < --band, with range checks.

use bark_eq_dsp::bands::band_of_freq;
use bark_eq_dsp::schema::{ParamId, ParamValue, FFT_SIZE_CHOICES, PHASE_CHOICES, STEREO_CHOICES};
use bark_eq_dsp::settings::{PhaseMode, StereoTarget};
use bark_eq_dsp::{CurveMode, EqSettings, FftSize, NUM_BANDS};

use crate::args::{CurveArg, EqArgs};
use crate::error::CliError;
use crate::preset;

/// Whether the user gave any EQ option at all.
pub fn is_empty(args: &EqArgs) -> bool {
    args.preset.is_none()
        && args.gains.is_none()
        && args.bands.is_empty()
        && args.curve.is_none()
        && args.fft_size.is_none()
        && args.output_gain.is_none()
        && args.phase.is_none()
        && args.stereo.is_none()
        && !args.auto_gain
        && !args.delta
}

/// Layers defaults, the preset, `--gains`, `--band` and the single-value options.
pub fn settings_from_args(args: &EqArgs) -> Result<EqSettings, CliError> {
    let mut settings = EqSettings::default();
    if let Some(path) = &args.preset {
        preset::load(path)?.apply_to(&mut settings);
    }
    if let Some(list) = &args.gains {
        settings.band_gains_db = parse_gain_list(list).map_err(CliError::Usage)?;
    }
    for spec in &args.bands {
        let (band, gain_db) = parse_band_spec(spec).map_err(CliError::Usage)?;
        settings.band_gains_db[band] = gain_db;
    }
    if let Some(curve) = args.curve {
        settings.curve_mode = match curve {
            CurveArg::Smooth => CurveMode::Smooth,
            CurveArg::Bands => CurveMode::Bands,
        };
    }
    if let Some(points) = &args.fft_size {
        settings.fft_size = parse_fft_size(points).map_err(CliError::Usage)?;
    }
    if let Some(phase) = &args.phase {
        // "zero" is short for the choice ID "zero_latency".
        let id = if phase == "zero" {
            "zero_latency"
        } else {
            phase
        };
        let index = PHASE_CHOICES
            .index_of(id)
            .ok_or_else(|| CliError::Usage(format!("--phase {phase}: expected linear or zero")))?;
        settings.phase = PhaseMode::ALL[index];
    }
    if let Some(target) = &args.stereo {
        let index = STEREO_CHOICES.index_of(target).ok_or_else(|| {
            CliError::Usage(format!(
                "--stereo {target}: expected {}",
                STEREO_CHOICES.describe()
            ))
        })?;
        settings.stereo = StereoTarget::ALL[index];
    }
    settings.auto_gain |= args.auto_gain;
    settings.delta |= args.delta;
    if let Some(gain_db) = args.output_gain {
        settings.output_gain_db =
            check_gain("--output-gain", ParamId::Output, gain_db).map_err(CliError::Usage)?;
    }
    Ok(settings)
}

/// Parses an FFT size given as its nominal number of points.
pub fn parse_fft_size(points: &str) -> Result<FftSize, String> {
    FFT_SIZE_CHOICES
        .index_of(points)
        .map(|index| FftSize::ALL[index])
        .ok_or_else(|| {
            let sizes = FFT_SIZE_CHOICES.names.join(", ");
            format!("FFT size {points} is not one of {sizes}")
        })
}

/// Parses `--gains`: exactly 25 comma-separated dB values.
pub fn parse_gain_list(list: &str) -> Result<[f32; NUM_BANDS], String> {
    let values: Vec<&str> = list.split(',').map(str::trim).collect();
    if values.len() != NUM_BANDS {
        return Err(format!(
            "--gains needs {NUM_BANDS} comma-separated values (band 1 first), got {}",
            values.len()
        ));
    }
    let mut gains_db = [0.0; NUM_BANDS];
    for (band, (gain, text)) in gains_db.iter_mut().zip(values).enumerate() {
        let what = format!("--gains value {} (band {})", band + 1, band + 1);
        *gain = parse_db(text).ok_or_else(|| format!("{what}: \"{text}\" is not a number"))?;
        check_gain(&what, ParamId::Band(band), *gain)?;
    }
    Ok(gains_db)
}

/// Parses `--band BAND=DB` into a 0-based band and a gain.
///
/// BAND is `1`…`25` (or `band_9`), else a frequency: `997`, `997hz`, `1k`, `2.5k`, `1.2khz`.
pub fn parse_band_spec(spec: &str) -> Result<(usize, f32), String> {
    let (band_text, gain_text) = spec
        .split_once('=')
        .ok_or_else(|| format!("--band {spec}: expected BAND=DB, e.g. 9=+6 or 1k=-3"))?;
    let band = parse_band(band_text.trim())
        .ok_or_else(|| format!("--band {spec}: \"{band_text}\" is neither a band number 1-25 nor a frequency like 440, 1k or 2.5khz"))?;
    let gain_db = parse_db(gain_text.trim())
        .ok_or_else(|| format!("--band {spec}: \"{gain_text}\" is not a gain in dB"))?;
    check_gain(&format!("--band {spec}"), ParamId::Band(band), gain_db)?;
    Ok((band, gain_db))
}

/// A band number (1-based, as in the parameter IDs) or a frequency, as a 0-based band.
fn parse_band(text: &str) -> Option<usize> {
    if let Some(band) = preset::band_of_id(text) {
        return Some(band);
    }
    if let Ok(number) = text.parse::<usize>() {
        if (1..=NUM_BANDS).contains(&number) {
            return Some(number - 1);
        }
    }
    parse_freq_hz(text).map(band_of_freq)
}

/// A frequency in Hz: plain (`440`), with `hz`, or in kHz with `k`/`khz`.
fn parse_freq_hz(text: &str) -> Option<f32> {
    let lower = text.to_ascii_lowercase();
    let (number, scale) = if let Some(khz) = lower
        .strip_suffix("khz")
        .or_else(|| lower.strip_suffix('k'))
    {
        (khz, 1000.0)
    } else {
        (lower.strip_suffix("hz").unwrap_or(&lower), 1.0)
    };
    let freq_hz = number.trim().parse::<f32>().ok()? * scale;
    (freq_hz.is_finite() && freq_hz >= 0.0).then_some(freq_hz)
}

/// A gain such as `+6`, `-3.5`, `6db`.
fn parse_db(text: &str) -> Option<f32> {
    let lower = text.to_ascii_lowercase();
    let number = lower.strip_suffix("db").unwrap_or(&lower).trim();
    number.parse::<f32>().ok().filter(|g| g.is_finite())
}

/// Refuses gains outside `param`'s range (the plugin's parameter range) instead of clamping.
fn check_gain(what: &str, param: ParamId, gain_db: f32) -> Result<f32, String> {
    ParamValue::GainDb(gain_db)
        .check(param)
        .map(|()| gain_db)
        .map_err(|reason| format!("{what}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_numbers_and_frequencies() {
        assert_eq!(parse_band_spec("9=+6"), Ok((8, 6.0)));
        assert_eq!(parse_band_spec("band_9=6dB"), Ok((8, 6.0)));
        assert_eq!(parse_band_spec("1k=+6"), Ok((8, 6.0)));
        assert_eq!(parse_band_spec("997=+6"), Ok((8, 6.0)));
        assert_eq!(parse_band_spec("997Hz=+6"), Ok((8, 6.0)));
        assert_eq!(parse_band_spec("2.5k=-3"), Ok((14, -3.0)));
        assert_eq!(parse_band_spec("1=-12"), Ok((0, -12.0)));
        assert_eq!(parse_band_spec("25=12"), Ok((24, 12.0)));
        assert_eq!(parse_band_spec("26=1"), Ok((0, 1.0))); // 26 Hz lies in band 1
        assert_eq!(parse_band_spec("20khz=1"), Ok((24, 1.0)));
    }

    #[test]
    fn bad_band_specs_are_errors() {
        assert!(parse_band_spec("9").is_err());
        assert!(parse_band_spec("9=+13").unwrap_err().contains("±12"));
        assert!(parse_band_spec("x=1").is_err());
        assert!(parse_band_spec("9=loud").is_err());
        assert!(parse_band_spec("-5=1").is_err());
        assert!(parse_band_spec("9=nan").is_err());
    }

    #[test]
    fn gain_lists_need_25_values_in_range() {
        let list = vec!["0"; NUM_BANDS].join(",");
        assert_eq!(parse_gain_list(&list), Ok([0.0; NUM_BANDS]));
        assert!(parse_gain_list("0,0").unwrap_err().contains("got 2"));
        let mut loud = vec!["0"; NUM_BANDS];
        loud[3] = "12.5";
        assert!(parse_gain_list(&loud.join(","))
            .unwrap_err()
            .contains("band 4"));
    }

    #[test]
    fn later_sources_override_earlier_ones() {
        let mut gains = vec!["1"; NUM_BANDS];
        gains[8] = "2";
        let args = EqArgs {
            gains: Some(gains.join(",")),
            bands: vec!["9=3".into(), "1k=4".into()],
            output_gain: Some(-6.0),
            fft_size: Some("1024".into()),
            ..EqArgs::default()
        };
        let settings = settings_from_args(&args).unwrap();
        assert_eq!(settings.band_gains_db[8], 4.0);
        assert_eq!(settings.band_gains_db[0], 1.0);
        assert_eq!(settings.output_gain_db, -6.0);
        assert_eq!(settings.fft_size, FftSize::N1024);
        let loud = EqArgs {
            output_gain: Some(25.0),
            ..EqArgs::default()
        };
        assert!(settings_from_args(&loud).is_err());
    }
}
