//! Reading audio files with symphonia: WAV, FLAC, MP3, OGG/Vorbis and AIFF, block by block.

use std::fs::File;
use std::path::Path;

use symphonia::core::audio::GenericAudioBufferRef;
use symphonia::core::codecs::audio::well_known::{CODEC_ID_MP1, CODEC_ID_MP2, CODEC_ID_MP3};
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::well_known::FORMAT_ID_WAVE;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSourceStream, ReadBytes};
use symphonia::core::meta::MetadataOptions;

use crate::error::AudioFileError;
use crate::pcm::{PcmFrames, PcmSample, PcmStream};

/// Extensions of the audio files [`AudioReader`] decodes. It goes by the content, not the name;
/// these name the files in a file dialog's filter.
pub const AUDIO_EXTENSIONS: [&str; 7] = ["wav", "flac", "mp3", "ogg", "oga", "aif", "aiff"];

/// A decoder positioned in one file's default audio track.
pub struct AudioReader {
    /// Where the samples come from.
    source: Source,
    /// Sample rate of the track in Hz.
    sample_rate_hz: u32,
    /// Number of channels of the track.
    num_channels: usize,
    /// Frames the container declares, when it declares them exactly.
    declared_frames: Option<u64>,
    /// Frames decoded so far.
    decoded_frames: u64,
}

/// Where an [`AudioReader`]'s samples come from.
enum Source {
    /// symphonia's demuxer and decoder.
    Codec(CodecSource),
    /// The data chunk of an uncompressed WAV file, read directly (`pcm.rs`).
    Pcm(PcmStream),
}

/// symphonia's demuxer and the decoder of one track.
struct CodecSource {
    /// The demuxer.
    format: Box<dyn FormatReader>,
    /// The decoder of the selected track.
    decoder: Box<dyn AudioDecoder>,
    /// ID of the selected track; packets of other tracks are skipped.
    track_id: u32,
}

impl AudioReader {
    /// Opens `path` and prepares to decode its default audio track.
    pub fn open(path: &Path) -> Result<Self, AudioFileError> {
        Self::open_with(path, true)
    }

    /// [`AudioReader::open`], reading uncompressed WAV data directly if `read_pcm_directly`
    /// (else through symphonia's decoder, as every other format).
    pub(crate) fn open_with(path: &Path, read_pcm_directly: bool) -> Result<Self, AudioFileError> {
        let metadata = std::fs::metadata(path).map_err(AudioFileError::from_open)?;
        if metadata.is_dir() {
            return Err(AudioFileError::IsDirectory);
        }
        if metadata.len() == 0 {
            return Err(AudioFileError::Empty);
        }
        let file = File::open(path).map_err(AudioFileError::from_open)?;
        let stream = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(extension) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(extension);
        }
        let format = symphonia::default::get_probe()
            .probe(
                &hint,
                stream,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(AudioFileError::from_symphonia)?;
        let track = format
            .default_track(TrackType::Audio)
            .ok_or(AudioFileError::NoAudio("the file has no audio track"))?;
        let params =
            track
                .codec_params
                .as_ref()
                .and_then(|p| p.audio())
                .ok_or(AudioFileError::NoAudio(
                    "the audio track has no codec parameters",
                ))?;
        let sample_rate_hz = params
            .sample_rate
            .ok_or(AudioFileError::NoAudio("unknown sample rate"))?;
        let num_channels = params
            .channels
            .as_ref()
            .map(|c| c.count())
            .filter(|&count| count > 0)
            .ok_or(AudioFileError::NoAudio("unknown channel count"))?;
        // MPEG audio without an Xing/VBRI header only estimates its length from the bitrate.
        let exact_length = ![CODEC_ID_MP1, CODEC_ID_MP2, CODEC_ID_MP3].contains(&params.codec);
        let mut declared_frames = track.num_frames.filter(|_| exact_length);
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(params, &AudioDecoderOptions::default())
            .map_err(AudioFileError::from_symphonia)?;
        let track_id = track.id;
        let direct = match (read_pcm_directly, PcmSample::of(params)) {
            (true, Some(sample)) if format.format_info().format == FORMAT_ID_WAVE => Some(sample),
            _ => None,
        };
        let source = match direct {
            Some(sample) => {
                // The demuxer stops at the start of the data chunk.
                let data_start = format.into_inner().pos();
                match PcmStream::open(path, data_start, sample, num_channels, declared_frames) {
                    Some(stream) => {
                        // A streamed file's length is the file's, from here on.
                        declared_frames = Some(stream.frames().frames());
                        Source::Pcm(stream)
                    }
                    // A header this reader does not understand as symphonia does: decode.
                    None => return Self::open_with(path, false),
                }
            }
            None => Source::Codec(CodecSource {
                format,
                decoder,
                track_id,
            }),
        };
        Ok(Self {
            source,
            sample_rate_hz,
            num_channels,
            declared_frames,
            decoded_frames: 0,
        })
    }

    /// Sample rate in Hz.
    pub fn sample_rate_hz(&self) -> u32 {
        self.sample_rate_hz
    }

    /// Number of channels.
    pub fn num_channels(&self) -> usize {
        self.num_channels
    }

    /// Where the frames are, if they can be read in any order by readers of their own
    /// (uncompressed WAV): for a split render whose threads read their segments themselves.
    pub fn random_access(&self) -> Option<PcmFrames> {
        match &self.source {
            Source::Pcm(stream) => Some(stream.frames().clone()),
            Source::Codec(_) => None,
        }
    }

    /// Whether the samples are read directly from an uncompressed WAV file's data chunk.
    #[cfg(test)]
    pub(crate) fn reads_pcm_directly(&self) -> bool {
        matches!(self.source, Source::Pcm(_))
    }

    /// Length in frames as the container states it, if known (for progress only).
    pub fn expected_frames(&self) -> Option<u64> {
        self.declared_frames.or_else(|| match &self.source {
            Source::Codec(codec) => codec
                .format
                .tracks()
                .iter()
                .find(|t| t.id == codec.track_id)
                .and_then(|t| t.num_frames),
            Source::Pcm(_) => None,
        })
    }

    /// Decodes the next block into `planes` (one `Vec` per channel, resized to the block's
    /// frames). Returns `Ok(false)` at the end of the stream, after checking that the stream
    /// was as long as its header said.
    pub fn next_block(&mut self, planes: &mut Vec<Vec<f32>>) -> Result<bool, AudioFileError> {
        if let Source::Pcm(_) = self.source {
            planes.resize_with(self.num_channels, Vec::new);
            planes.iter_mut().for_each(Vec::clear);
            return Ok(self.append_block(planes, usize::MAX)? > 0);
        }
        let Some(decoded) = self.next_packet()? else {
            return Ok(false);
        };
        decoded.copy_to_vecs_planar::<f32>(planes);
        Ok(true)
    }

    /// Decodes the next block and appends its frames to `planes` (one `Vec` per channel):
    /// at most `max_frames` (at least one) from an uncompressed WAV file, one packet (whatever
    /// its length) from any other. Returns the number of frames appended, 0 at the end of the
    /// stream (after checking that the stream was as long as its header said).
    pub fn append_block(
        &mut self,
        planes: &mut [Vec<f32>],
        max_frames: usize,
    ) -> Result<usize, AudioFileError> {
        if let Source::Pcm(stream) = &mut self.source {
            let frames = stream.append_block(planes, max_frames)?;
            self.decoded_frames += frames as u64;
            if frames == 0 {
                self.finish::<()>()?;
            }
            return Ok(frames);
        }
        let Some(decoded) = self.next_packet()? else {
            return Ok(0);
        };
        let frames = decoded.frames();
        let mut tails: Vec<&mut [f32]> = planes
            .iter_mut()
            .map(|plane| {
                let old_len = plane.len();
                plane.resize(old_len + frames, 0.0);
                &mut plane[old_len..]
            })
            .collect();
        decoded.copy_to_slice_planar::<f32, _>(&mut tails);
        Ok(frames)
    }

    /// The next non-empty decoded packet of the track, `None` at the end of the stream (or
    /// for a source that is not decoded).
    fn next_packet(&mut self) -> Result<Option<GenericAudioBufferRef<'_>>, AudioFileError> {
        let Source::Codec(codec) = &mut self.source else {
            return Ok(None);
        };
        loop {
            let Some(packet) = codec
                .format
                .next_packet()
                .map_err(AudioFileError::from_symphonia)?
            else {
                return Self::finish_of(self.declared_frames, self.decoded_frames);
            };
            if packet.track_id != codec.track_id {
                continue;
            }
            let decoded = codec
                .decoder
                .decode(&packet)
                .map_err(AudioFileError::from_symphonia)?;
            if decoded.spec().channels().count() != self.num_channels {
                return Err(AudioFileError::Unsupported(
                    "channel count changes in the middle of the stream".to_string(),
                ));
            }
            if decoded.spec().rate() != self.sample_rate_hz {
                return Err(AudioFileError::Unsupported(
                    "sample rate changes in the middle of the stream".to_string(),
                ));
            }
            let frames = decoded.frames();
            if frames > 0 {
                self.decoded_frames += frames as u64;
                // Taken again through `last_decoded`: returning `decoded` from inside the
                // loop would hold the decoder borrowed across iterations.
                return Ok(Some(codec.decoder.last_decoded()));
            }
        }
    }

    /// End of stream: a stream shorter than its declared length is truncated.
    fn finish<T>(&self) -> Result<Option<T>, AudioFileError> {
        Self::finish_of(self.declared_frames, self.decoded_frames)
    }

    /// End of stream after `decoded_frames` of `declared_frames`.
    fn finish_of<T>(
        declared_frames: Option<u64>,
        decoded_frames: u64,
    ) -> Result<Option<T>, AudioFileError> {
        match declared_frames {
            Some(declared) if decoded_frames < declared => Err(AudioFileError::Truncated {
                declared,
                decoded: decoded_frames,
            }),
            _ => Ok(None),
        }
    }
}
