//! WAV data read directly gives the same bits as symphonia's decoder, in every sample format
//! read that way, for plain and extensible headers, with chunks after the data, and across
//! read blocks; a truncated data chunk is the same error.

use std::path::Path;

use crate::decode::AudioReader;
use crate::error::AudioFileError;

/// Sample rate written in the test files' headers.
const RATE_HZ: u32 = 44_100;
/// The KSDATAFORMAT_SUBTYPE GUID of WAVE_FORMAT_EXTENSIBLE after its two-byte format code.
const SUBTYPE_GUID_TAIL: [u8; 14] = [
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
];

/// How a test file's header describes its samples.
#[derive(Clone, Copy)]
struct Layout {
    /// WAVE format code: 1 integer, 3 float.
    format_code: u16,
    /// Channels.
    channels: u16,
    /// Bits per sample.
    bits: u16,
    /// Write WAVE_FORMAT_EXTENSIBLE instead of the plain format chunk.
    extensible: bool,
}

impl Layout {
    /// The plain (not extensible) format chunk.
    fn plain(format_code: u16, channels: u16, bits: u16) -> Self {
        Self {
            format_code,
            channels,
            bits,
            extensible: false,
        }
    }
}

/// A WAV file of `data` (interleaved sample bytes) in `layout`, with a LIST chunk after the
/// data if `trailing_chunk`.
fn wav_bytes(layout: Layout, data: &[u8], trailing_chunk: bool) -> Vec<u8> {
    let block_align = layout.channels * layout.bits / 8;
    let mut fmt = Vec::new();
    let tag = if layout.extensible {
        0xFFFE
    } else {
        layout.format_code
    };
    fmt.extend_from_slice(&tag.to_le_bytes());
    fmt.extend_from_slice(&layout.channels.to_le_bytes());
    fmt.extend_from_slice(&RATE_HZ.to_le_bytes());
    fmt.extend_from_slice(&(RATE_HZ * u32::from(block_align)).to_le_bytes());
    fmt.extend_from_slice(&block_align.to_le_bytes());
    fmt.extend_from_slice(&layout.bits.to_le_bytes());
    if layout.extensible {
        fmt.extend_from_slice(&22u16.to_le_bytes());
        fmt.extend_from_slice(&layout.bits.to_le_bytes());
        let mask = (1u32 << layout.channels) - 1;
        fmt.extend_from_slice(&mask.to_le_bytes());
        fmt.extend_from_slice(&layout.format_code.to_le_bytes());
        fmt.extend_from_slice(&SUBTYPE_GUID_TAIL);
    }
    let mut chunks = Vec::new();
    let mut chunk = |id: &[u8; 4], body: &[u8]| {
        chunks.extend_from_slice(id);
        chunks.extend_from_slice(&(body.len() as u32).to_le_bytes());
        chunks.extend_from_slice(body);
        if body.len() % 2 == 1 {
            chunks.push(0);
        }
    };
    chunk(b"fmt ", &fmt);
    chunk(b"data", data);
    if trailing_chunk {
        chunk(b"LIST", b"INFOISFT\x06\x00\x00\x00tests\x00");
    }
    let mut file = b"RIFF".to_vec();
    file.extend_from_slice(&(4 + chunks.len() as u32).to_le_bytes());
    file.extend_from_slice(b"WAVE");
    file.extend_from_slice(&chunks);
    file
}

/// Deterministic pseudo-random bytes (every bit pattern, NaNs included for float data).
fn noise_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

/// Every sample of `path` as bits, read by `append_block` (direct or not), and whether the
/// reader read the data directly.
fn read_all(path: &Path, direct: bool) -> Result<(Vec<Vec<u32>>, bool), AudioFileError> {
    let mut reader = AudioReader::open_with(path, direct)?;
    let mut planes = vec![Vec::new(); reader.num_channels()];
    // Uneven block lengths, so blocks end anywhere in the file's read blocks.
    let mut max_frames = (1..).map(|i| [100_000, 7, 1, 30_001][i % 4]);
    while reader.append_block(&mut planes, max_frames.next().unwrap_or(1))? > 0 {}
    let bits = planes
        .iter()
        .map(|p| p.iter().map(|x| x.to_bits()).collect())
        .collect();
    Ok((bits, reader.reads_pcm_directly()))
}

#[test]
fn wav_data_read_directly_has_the_bits_symphonia_decodes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let formats = [(3, 32), (1, 16), (1, 24), (1, 32)];
    let mut checked = 0;
    for (format_code, bits) in formats {
        for channels in [1, 2, 3] {
            for extensible in [false, true] {
                let layout = Layout {
                    format_code,
                    channels,
                    bits,
                    extensible,
                };
                // More than one 256 KiB read block for the wider layouts.
                let frames = 23_456;
                let frame_bytes = usize::from(channels * bits / 8);
                let data = noise_bytes(frames * frame_bytes, u64::from(bits + channels));
                let path = dir
                    .path()
                    .join(format!("{format_code}-{bits}-{channels}.wav"));
                std::fs::write(&path, wav_bytes(layout, &data, extensible)).expect("write");
                let (direct, was_direct) = read_all(&path, true).expect("direct");
                let (decoded, was_decoded) = read_all(&path, false).expect("decoded");
                assert!(was_direct && !was_decoded);
                assert_eq!(direct[0].len(), frames);
                assert!(
                    direct == decoded,
                    "{bits}-bit code {format_code}, {channels} ch, extensible {extensible}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 24);
}

#[test]
fn next_block_reads_the_same_frames_as_append_block() {
    let dir = tempfile::tempdir().expect("temp dir");
    let layout = Layout::plain(1, 2, 16);
    let path = dir.path().join("a.wav");
    std::fs::write(
        &path,
        wav_bytes(layout, &noise_bytes(4 * 100_003, 9), false),
    )
    .expect("write");
    let (appended, _) = read_all(&path, true).expect("append");
    let mut reader = AudioReader::open(&path).expect("open");
    let mut planes = Vec::new();
    let mut all = vec![Vec::new(); 2];
    while reader.next_block(&mut planes).expect("block") {
        for (a, p) in all.iter_mut().zip(&planes) {
            a.extend(p.iter().map(|x| x.to_bits()));
        }
    }
    assert_eq!(all, appended);
}

#[test]
fn a_truncated_data_chunk_is_the_same_error_read_directly_or_decoded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let layout = Layout::plain(3, 2, 32);
    let whole = wav_bytes(layout, &noise_bytes(8 * 50_000, 3), false);
    // Cut at a frame boundary: the header still declares 50 000 frames.
    let path = dir.path().join("cut.wav");
    std::fs::write(&path, &whole[..whole.len() - 8 * 20_000]).expect("write");
    for direct in [true, false] {
        let error = read_all(&path, direct).expect_err("truncated");
        assert!(
            matches!(error, AudioFileError::TruncatedData),
            "direct {direct}: {error}"
        );
    }
}

#[test]
fn a_data_chunk_of_unknown_length_holds_the_whole_frames_to_the_end_of_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A streamed WAV (ffmpeg to a pipe): RIFF and data lengths unknown (u32::MAX), the file
    // ending in the middle of a frame.
    for (layout, frames) in [
        (Layout::plain(1, 2, 16), 1_000),
        (Layout::plain(3, 2, 32), 70_001),
    ] {
        let frame_bytes = usize::from(layout.channels * layout.bits / 8);
        let data = noise_bytes(frame_bytes * frames, 6);
        let declared = dir.path().join("declared.wav");
        std::fs::write(&declared, wav_bytes(layout, &data, false)).expect("write");
        let mut bytes = wav_bytes(layout, &data, false);
        bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        let at = bytes.windows(4).position(|w| w == b"data").expect("data") + 4;
        bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(&[1, 2, 3]);
        let streamed = dir.path().join("streamed.wav");
        std::fs::write(&streamed, bytes).expect("write");
        let reader = AudioReader::open(&streamed).expect("open");
        assert!(reader.reads_pcm_directly());
        assert_eq!(reader.expected_frames(), Some(frames as u64));
        assert_eq!(
            reader.random_access().map(|a| a.frames()),
            Some(frames as u64)
        );
        let (streamed_bits, _) = read_all(&streamed, true).expect("streamed");
        let (declared_bits, _) = read_all(&declared, false).expect("declared");
        assert_eq!(streamed_bits[0].len(), frames);
        assert!(streamed_bits == declared_bits, "{frames} frames");
    }
}

#[test]
fn a_partial_frame_at_the_end_of_the_data_is_ignored_as_symphonia_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let layout = Layout::plain(1, 2, 24);
    let path = dir.path().join("odd.wav");
    let data = noise_bytes(6 * 5_000 + 4, 5);
    std::fs::write(&path, wav_bytes(layout, &data, true)).expect("write");
    let (direct, was_direct) = read_all(&path, true).expect("direct");
    let (decoded, _) = read_all(&path, false).expect("decoded");
    assert!(was_direct);
    assert_eq!(direct[0].len(), 5_000);
    assert!(direct == decoded);
}

#[test]
fn frames_read_in_any_order_by_a_reader_of_their_own_are_the_frames_read_in_turn() {
    let dir = tempfile::tempdir().expect("temp dir");
    let layout = Layout {
        format_code: 1,
        channels: 2,
        bits: 24,
        extensible: true,
    };
    let path = dir.path().join("a.wav");
    let frames = 70_001;
    std::fs::write(&path, wav_bytes(layout, &noise_bytes(6 * frames, 11), true)).expect("write");
    let (in_turn, _) = read_all(&path, true).expect("in turn");
    let reader = AudioReader::open(&path).expect("open");
    let access = reader.random_access().expect("direct");
    assert_eq!(access.frames(), frames as u64);
    let mut random = access.reader().expect("reader");
    // Backwards, overlapping, across read blocks, and past the end.
    for (start, count) in [(60_000, 20_000), (0, 50_000), (12_345, 1), (33_000, 40_000)] {
        let mut planes = vec![Vec::new(); 2];
        let read = random.read(start, count, &mut planes).expect("read");
        let end = (start as usize + count).min(frames);
        assert_eq!(read, end - start as usize);
        for (plane, all) in planes.iter().zip(&in_turn) {
            let bits: Vec<u32> = plane.iter().map(|x| x.to_bits()).collect();
            assert!(bits[..] == all[start as usize..end], "{start} + {count}");
        }
    }
    // A file cut short of its declared data: the same error as reading in turn.
    let whole = std::fs::read(&path).expect("read");
    std::fs::write(&path, &whole[..whole.len() / 2]).expect("cut");
    let mut planes = vec![Vec::new(); 2];
    let error = random
        .read(60_000, 100, &mut planes)
        .expect_err("truncated");
    assert!(matches!(error, AudioFileError::TruncatedData), "{error}");
}
