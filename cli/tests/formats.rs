//! Input formats other than float WAV: FLAC (encoded here with flacenc), AIFF (written here),
//! and MP3 and OGG/Vorbis (small fixtures made with lame and oggenc from a 997 Hz sine).

mod common;

use std::path::Path;

use common::*;
use flacenc::component::BitRepr;
use flacenc::error::Verify;

/// Interleaves planar 16-bit samples.
fn interleave_i16(channels: &[Vec<f32>]) -> Vec<i32> {
    (0..channels[0].len())
        .flat_map(|frame| channels.iter().map(move |c| i32::from(to_i16(c[frame]))))
        .collect()
}

/// Writes planar `channels` as a 16-bit FLAC file.
fn write_flac(path: &Path, rate_hz: u32, channels: &[Vec<f32>]) {
    let samples = interleave_i16(channels);
    let config = flacenc::config::Encoder::default()
        .into_verified()
        .expect("valid encoder config");
    let source =
        flacenc::source::MemSource::from_samples(&samples, channels.len(), 16, rate_hz as usize);
    let stream = flacenc::encode_with_fixed_block_size(&config, source, config.block_size)
        .expect("FLAC encoding");
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream.write(&mut sink).expect("FLAC bitstream");
    let mut bytes = sink.as_slice().to_vec();
    // flacenc 0.5 stores the (shorter) last block's length as the minimum block size, but the
    // FLAC format defines it excluding the last block; symphonia then takes the stream for a
    // variable-block-size one and rejects every frame. Store the spec's value (min = max).
    let (min, max) = (STREAMINFO_OFFSET, STREAMINFO_OFFSET + 2);
    let max_block = [bytes[max], bytes[max + 1]];
    bytes[min..min + 2].copy_from_slice(&max_block);
    std::fs::write(path, bytes).expect("write FLAC");
}

/// Byte offset of STREAMINFO's minimum block size: after "fLaC" and the block header.
const STREAMINFO_OFFSET: usize = 8;

/// The 80-bit IEEE extended representation of a sample rate, as AIFF stores it.
fn extended_80(rate_hz: u32) -> [u8; 10] {
    let exponent = 31 - rate_hz.leading_zeros();
    let mantissa = u64::from(rate_hz) << (63 - exponent);
    let mut bytes = [0u8; 10];
    bytes[..2].copy_from_slice(&(16_383 + exponent as u16).to_be_bytes());
    bytes[2..].copy_from_slice(&mantissa.to_be_bytes());
    bytes
}

/// Writes planar `channels` as a 16-bit AIFF file.
fn write_aiff(path: &Path, rate_hz: u32, channels: &[Vec<f32>]) {
    let frames = channels[0].len() as u32;
    let data: Vec<u8> = interleave_i16(channels)
        .iter()
        .flat_map(|&s| (s as i16).to_be_bytes())
        .collect();
    let mut comm = Vec::new();
    comm.extend_from_slice(&(channels.len() as i16).to_be_bytes());
    comm.extend_from_slice(&frames.to_be_bytes());
    comm.extend_from_slice(&16i16.to_be_bytes());
    comm.extend_from_slice(&extended_80(rate_hz));
    let mut body = b"AIFF".to_vec();
    body.extend_from_slice(b"COMM");
    body.extend_from_slice(&(comm.len() as u32).to_be_bytes());
    body.extend_from_slice(&comm);
    body.extend_from_slice(b"SSND");
    body.extend_from_slice(&(data.len() as u32 + 8).to_be_bytes());
    body.extend_from_slice(&[0u8; 8]); // offset and block size
    body.extend_from_slice(&data);
    let mut file = b"FORM".to_vec();
    file.extend_from_slice(&(body.len() as u32).to_be_bytes());
    file.extend_from_slice(&body);
    std::fs::write(path, file).expect("write AIFF");
}

/// Stereo test content quantised to 16 bits: noise left, a 997 Hz sine right.
fn stereo_16_bit(rate_hz: u32, seconds: f32) -> Vec<Vec<f32>> {
    let frames = (seconds * rate_hz as f32) as usize;
    [
        scaled(mono_white_noise(11, frames), 0.6),
        sine(SINE_HZ, rate_hz, 0.25, samples_in(seconds, rate_hz)),
    ]
    .into_iter()
    .map(|c| c.iter().map(|&x| f32::from(to_i16(x)) / 32_768.0).collect())
    .collect()
}

/// Renders `input` (relative to `dir`, or absolute) to `null.wav`, flat at FFT 1024, and to
/// `boost.wav`, band 9 at +6 dB on the Bands curve; returns the spec of the first and the
/// samples of both.
fn render_flat_and_boosted(
    dir: &Path,
    input: &str,
) -> (hound::WavSpec, Vec<Vec<f32>>, Vec<Vec<f32>>) {
    let flat = ["render", input, "-o", "null.wav", "--fft-size", "1024"];
    run_ok(dir, &flat);
    let boosted = [
        "render",
        input,
        "-o",
        "boost.wav",
        "--band",
        "9=+6",
        "--curve",
        "bands",
    ];
    run_ok(dir, &boosted);
    let (spec, null) = read_wav(&dir.join("null.wav"));
    let (_, boost) = read_wav(&dir.join("boost.wav"));
    (spec, null, boost)
}

/// Renders `name` flat and with band 9 at +6 dB; checks the flat render against `expected`
/// and the 997 Hz channel's gain.
///
/// The boost uses the Bands curve, flat across band 9. (The Smooth curve peaks at the band
/// centre, and the STFT averages it over the window's main lobe: at 44.1 kHz and FFT 4096 a
/// lone +6 dB band gives a 997 Hz sine +5.79 dB.)
fn check_lossless_input(dir: &Path, name: &str, expected: &[Vec<f32>], sine_channel: usize) {
    let (_, null, boost) = render_flat_and_boosted(dir, name);
    assert_eq!(null.len(), expected.len(), "{name}: channels");
    for (c, (out, input)) in null.iter().zip(expected).enumerate() {
        let error = max_abs_diff(out, input);
        assert!(error <= 1e-5, "{name} channel {c}: error {error}");
    }
    let gain_db = middle_rms_db(&boost[sine_channel]) - middle_rms_db(&expected[sine_channel]);
    assert!((gain_db - 6.0).abs() <= 0.2, "{name}: {gain_db:.3} dB");
    assert_eq!(best_lag(&null[sine_channel], &boost[sine_channel], 8), 0);
}

#[test]
fn flac_input_renders_exactly() {
    let dir = temp_dir();
    let channels = stereo_16_bit(44_100, 2.0);
    write_flac(&dir.path().join("in.flac"), 44_100, &channels);
    check_lossless_input(dir.path(), "in.flac", &channels, 1);
}

#[test]
fn a_wav_streamed_to_a_pipe_renders_exactly_to_its_last_whole_frame() {
    let dir = temp_dir();
    let channels = stereo_16_bit(48_000, 2.0);
    let path = dir.path().join("streamed.wav");
    write_int16_wav(&path, 48_000, &channels);
    // As ffmpeg writes to a pipe: RIFF and data lengths unknown (u32::MAX); and the stream
    // cut in the middle of a frame.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let at = bytes.windows(4).position(|w| w == b"data").unwrap() + 4;
    bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    bytes.push(0x55);
    std::fs::write(&path, bytes).unwrap();
    check_lossless_input(dir.path(), "streamed.wav", &channels, 1);
}

#[test]
fn aiff_input_renders_exactly() {
    let dir = temp_dir();
    let channels = stereo_16_bit(48_000, 2.0);
    write_aiff(&dir.path().join("in.aiff"), 48_000, &channels);
    check_lossless_input(dir.path(), "in.aiff", &channels, 1);
}

/// Renders a lossy fixture flat and boosted: full length, aligned, +6 dB at 997 Hz.
fn check_lossy_fixture(name: &str) {
    let dir = temp_dir();
    let input = fixture(name);
    let (spec, null, boost) = render_flat_and_boosted(dir.path(), input.to_str().unwrap());
    assert_eq!(spec.sample_rate, 44_100, "{name}");
    // The fixtures hold 1.5 s; gapless decoding gives exactly that many frames.
    assert_eq!(null[0].len(), 66_150, "{name}");
    assert_eq!(boost[0].len(), 66_150, "{name}");
    // The encoded sine had peak 0.25, RMS -15.05 dBFS.
    let level_db = middle_rms_db(&null[0]);
    assert!(
        (level_db + 15.05).abs() < 0.3,
        "{name}: level {level_db:.2} dB"
    );
    let gain_db = middle_rms_db(&boost[0]) - level_db;
    assert!((gain_db - 6.0).abs() <= 0.2, "{name}: {gain_db:.3} dB");
    assert_eq!(best_lag(&null[0], &boost[0], 8), 0, "{name}");
}

#[test]
fn mp3_input_renders_gapless() {
    check_lossy_fixture("sine997-44k1-mono.mp3");
}

#[test]
fn ogg_vorbis_input_renders_gapless() {
    check_lossy_fixture("sine997-44k1-mono.ogg");
}

/// Decodes a FLAC file with symphonia: its STREAMINFO bytes and interleaved integer samples.
fn decode_flac(path: &Path) -> (Vec<u8>, Vec<i32>) {
    use symphonia::core::codecs::audio::AudioDecoderOptions;
    use symphonia::core::formats::probe::Hint;
    use symphonia::core::formats::{FormatOptions, TrackType};
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;

    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..4], b"fLaC");
    let streaminfo = bytes[8..42].to_vec();
    let stream = MediaSourceStream::new(
        Box::new(std::fs::File::open(path).unwrap()),
        Default::default(),
    );
    let mut hint = Hint::new();
    hint.with_extension("flac");
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .unwrap();
    let track = format.default_track(TrackType::Audio).unwrap();
    let params = track
        .codec_params
        .as_ref()
        .unwrap()
        .audio()
        .unwrap()
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .unwrap();
    let mut samples = Vec::new();
    while let Some(packet) = format.next_packet().unwrap() {
        let decoded = decoder.decode(&packet).unwrap();
        let mut interleaved: Vec<i32> = Vec::new();
        decoded.copy_to_vec_interleaved(&mut interleaved);
        samples.extend_from_slice(&interleaved);
    }
    (streaminfo, samples)
}

/// Interleaved integer samples of a 16- or 24-bit WAV file, and its data bytes.
fn wav_integers(path: &Path) -> (Vec<i32>, Vec<u8>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let bytes_per_sample = usize::from(reader.spec().bits_per_sample / 8);
    let samples: Vec<i32> = reader.samples::<i32>().map(|s| s.unwrap()).collect();
    let pcm = samples
        .iter()
        .flat_map(|s| s.to_le_bytes()[..bytes_per_sample].to_vec())
        .collect();
    (samples, pcm)
}

#[test]
fn flac_output_decodes_bit_exactly_to_the_integer_wav_at_16_and_24_bits() {
    use md5::{Digest, Md5};
    let dir = temp_dir();
    // Not a whole number of FLAC blocks (4096), several segments with --jobs 2, and
    // loud enough that some samples clip.
    let frames = 6 * RATE_HZ as usize + 1234;
    let channels = vec![
        scaled(mono_white_noise(21, frames), 1.8),
        sine(SINE_HZ, RATE_HZ, 0.5, frames),
    ];
    write_float_wav(&dir.path().join("in.wav"), RATE_HZ, &channels);
    for bits in ["16", "24"] {
        let flac = format!("out{bits}.flac");
        let wav = format!("out{bits}.wav");
        for (out, format) in [(&flac, "flac"), (&wav, "wav")] {
            run_ok(
                dir.path(),
                &[
                    "render", "in.wav", "-o", out, "--format", format, "--bits", bits, "--band",
                    "9=+6", "--jobs", "2",
                ],
            );
        }
        let (streaminfo, full_scale) = decode_flac(&dir.path().join(&flac));
        // symphonia converts to i32 at full scale: back to the stored bits.
        let shift = 32 - bits.parse::<u32>().unwrap();
        let decoded: Vec<i32> = full_scale.iter().map(|s| s >> shift).collect();
        let (expected, pcm) = wav_integers(&dir.path().join(&wav));
        assert_eq!(decoded.len(), 2 * frames, "{bits} bits");
        assert!(
            decoded == expected,
            "{bits} bits: FLAC and WAV samples differ"
        );
        // STREAMINFO: min = max block size 4096 (the last, shorter block excluded, as the
        // format defines it), the total sample count, and the MD5 of the samples.
        assert_eq!(&streaminfo[0..4], &[0x10, 0x00, 0x10, 0x00], "{bits} bits");
        let total = (u64::from(streaminfo[13] & 0x0F) << 32)
            | u64::from(u32::from_be_bytes(streaminfo[14..18].try_into().unwrap()));
        assert_eq!(total, frames as u64, "{bits} bits");
        let md5: [u8; 16] = Md5::digest(&pcm).into();
        assert_eq!(&streaminfo[18..34], &md5, "{bits} bits");
    }
    // The output's extension picks the format; 24 bits is the FLAC default.
    run_ok(
        dir.path(),
        &[
            "render",
            "in.wav",
            "-o",
            "auto.flac",
            "--band",
            "9=+6",
            "--jobs",
            "1",
        ],
    );
    let auto = std::fs::read(dir.path().join("auto.flac")).unwrap();
    let explicit = std::fs::read(dir.path().join("out24.flac")).unwrap();
    assert!(
        auto == explicit,
        "-o x.flac with --jobs 1 equals --format flac --bits 24 with --jobs 2"
    );
}
