// A small MPEG audio inspector for the tests: enough of ISO 11172-3 / 13818-3 to check that an asset
// is a well-formed MP3 of the expected shape, without pulling a decoder into the project.

export type MpegVersion = 'MPEG-1' | 'MPEG-2' | 'MPEG-2.5';

export interface FrameHeader {
  version: MpegVersion;
  layer: 1 | 2 | 3;
  protected: boolean;
  bitrateKbps: number;
  sampleRate: number;
  padding: boolean;
  channelMode: 'stereo' | 'joint-stereo' | 'dual-channel' | 'mono';
  channels: 1 | 2;
  samplesPerFrame: number;
  frameLength: number;
}

export interface XingHeader {
  tag: 'Xing' | 'Info';
  frames?: number;
  bytes?: number;
}

export interface Mp3Info {
  sampleRate: number;
  channels: 1 | 2;
  /** Of the first audio frame (after a Xing/Info frame, if any). */
  bitrateKbps: number;
  /** Audio frames; a Xing/Info frame carries no audio and is not counted. */
  frames: number;
  durationSeconds: number;
  version: MpegVersion;
  layer: number;
  channelMode: FrameHeader['channelMode'];
  /** Size of the leading ID3v2 tag(s), 0 if none. */
  id3v2Bytes: number;
  /** Where the first frame header starts; equal to id3v2Bytes when nothing sits in between. */
  firstFrameOffset: number;
  /** Where the consecutive run of frames ends. */
  framesEndOffset: number;
  /** Bytes after the last frame that are not a recognised trailing ID3v1 tag (garbage, truncated frame). */
  trailingBytes: number;
  hasId3v1: boolean;
  xing: XingHeader | null;
}

const BITRATES_KBPS: Record<string, readonly number[]> = {
  // Index 0 is "free format" and 15 is invalid; both are rejected below.
  V1L1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  V1L2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  V1L3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  V2L1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  V2L2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  V2L3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};

const SAMPLE_RATES: Record<MpegVersion, readonly number[]> = {
  'MPEG-1': [44100, 48000, 32000],
  'MPEG-2': [22050, 24000, 16000],
  'MPEG-2.5': [11025, 12000, 8000],
};

const CHANNEL_MODES = ['stereo', 'joint-stereo', 'dual-channel', 'mono'] as const;

/** Decodes the 4-byte frame header at `offset`, or returns null if those bytes are not one. */
export function parseFrameHeader(buf: Buffer, offset: number): FrameHeader | null {
  if (offset < 0 || offset + 4 > buf.length) return null;
  const b1 = buf[offset + 1]!;
  const b2 = buf[offset + 2]!;
  const b3 = buf[offset + 3]!;
  if (buf[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;

  const versionBits = (b1 >> 3) & 0b11;
  const layerBits = (b1 >> 1) & 0b11;
  const bitrateIndex = b2 >> 4;
  const sampleRateIndex = (b2 >> 2) & 0b11;
  // 0b01 version, 0b00 layer, sample-rate index 3 and emphasis 0b10 are reserved: seeing any of them
  // means we are looking at data that merely happens to contain a sync pattern.
  if (versionBits === 0b01 || layerBits === 0b00) return null;
  if (bitrateIndex === 0 || bitrateIndex === 15 || sampleRateIndex === 3) return null;
  if ((b3 & 0b11) === 0b10) return null;

  const version: MpegVersion = versionBits === 0b11 ? 'MPEG-1' : versionBits === 0b10 ? 'MPEG-2' : 'MPEG-2.5';
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const v1 = version === 'MPEG-1';
  const bitrateKbps = BITRATES_KBPS[`${v1 ? 'V1' : 'V2'}L${layer}`]![bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[version][sampleRateIndex]!;
  const padding = ((b2 >> 1) & 1) === 1;
  const channelMode = CHANNEL_MODES[b3 >> 6]!;

  // MPEG-2/2.5 Layer III halves the granules per frame, hence 576 rather than 1152 samples.
  const samplesPerFrame = layer === 1 ? 384 : layer === 2 || v1 ? 1152 : 576;
  const frameLength =
    layer === 1
      ? (Math.floor((12 * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0)) * 4
      : Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0);

  return {
    version,
    layer,
    protected: (b1 & 1) === 0,
    bitrateKbps,
    sampleRate,
    padding,
    channelMode,
    channels: channelMode === 'mono' ? 1 : 2,
    samplesPerFrame,
    frameLength,
  };
}

/** Total size of the ID3v2 tag(s) at the start of `buf` (encoders sometimes write more than one). */
function id3v2Size(buf: Buffer): number {
  let offset = 0;
  while (offset + 10 <= buf.length && buf.toString('latin1', offset, offset + 3) === 'ID3') {
    const sizeBytes = buf.subarray(offset + 6, offset + 10);
    if (sizeBytes.some((b) => b & 0x80)) {
      throw new Error(`not a valid MP3: malformed ID3v2 tag size at byte ${offset}`);
    }
    // Syncsafe integer: 7 bits per byte, so the tag itself can never contain a false frame sync.
    const size = (sizeBytes[0]! << 21) | (sizeBytes[1]! << 14) | (sizeBytes[2]! << 7) | sizeBytes[3]!;
    const hasFooter = (buf[offset + 5]! & 0x10) !== 0;
    offset += 10 + size + (hasFooter ? 10 : 0);
  }
  if (offset > buf.length) throw new Error('not a valid MP3: ID3v2 tag is longer than the file');
  return offset;
}

function sameStream(a: FrameHeader, b: FrameHeader): boolean {
  return a.version === b.version && a.layer === b.layer && a.sampleRate === b.sampleRate;
}

function isId3v1At(buf: Buffer, offset: number): boolean {
  return buf.length - offset === 128 && buf.toString('latin1', offset, offset + 3) === 'TAG';
}

/**
 * The first frame header at or after `from` that is confirmed by what follows it: another header of
 * the same stream, or the end of the file. A lone 0xFFE sync is too common in arbitrary data to trust.
 */
function findFirstFrame(buf: Buffer, from: number): { offset: number; header: FrameHeader } | null {
  for (let offset = from; offset + 4 <= buf.length; offset++) {
    if (buf[offset] !== 0xff) continue;
    const header = parseFrameHeader(buf, offset);
    if (!header) continue;
    const next = offset + header.frameLength;
    const nextHeader = parseFrameHeader(buf, next);
    if ((nextHeader && sameStream(header, nextHeader)) || next === buf.length || isId3v1At(buf, next)) {
      return { offset, header };
    }
  }
  return null;
}

function readXing(buf: Buffer, offset: number, header: FrameHeader): XingHeader | null {
  // The Xing/Info tag sits where the side information would end; its size depends on version and
  // on mono vs stereo.
  const sideInfo = header.version === 'MPEG-1' ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const at = offset + 4 + (header.protected ? 2 : 0) + sideInfo;
  if (at + 8 > offset + header.frameLength || at + 8 > buf.length) return null;
  const tag = buf.toString('latin1', at, at + 4);
  if (tag !== 'Xing' && tag !== 'Info') return null;
  const flags = buf.readUInt32BE(at + 4);
  const xing: XingHeader = { tag };
  let field = at + 8;
  if (flags & 1 && field + 4 <= buf.length) {
    xing.frames = buf.readUInt32BE(field);
    field += 4;
  }
  if (flags & 2 && field + 4 <= buf.length) xing.bytes = buf.readUInt32BE(field);
  return xing;
}

export function inspectMp3(buf: Buffer): Mp3Info {
  if (buf.length < 4) throw new Error(`not a valid MP3: only ${buf.length} bytes`);
  const id3v2Bytes = id3v2Size(buf);
  const first = findFirstFrame(buf, id3v2Bytes);
  if (!first) {
    throw new Error(`not a valid MP3: no MPEG audio frame header (0xFFE sync followed by a consistent frame) in ${buf.length} bytes`);
  }

  const xing = first.header.layer === 3 ? readXing(buf, first.offset, first.header) : null;
  let offset = first.offset;
  let frames = 0;
  let samples = 0;
  let firstAudio: FrameHeader | null = null;
  // Strictly consecutive: the walk stops at the first thing that is not a frame of this stream, so
  // garbage in the middle of the file shows up as trailingBytes instead of being silently skipped.
  for (;;) {
    const header = parseFrameHeader(buf, offset);
    if (!header || !sameStream(header, first.header) || offset + header.frameLength > buf.length) break;
    if (!(xing && offset === first.offset)) {
      frames++;
      samples += header.samplesPerFrame;
      firstAudio ??= header;
    }
    offset += header.frameLength;
  }

  const hasId3v1 = isId3v1At(buf, offset);
  const reference = firstAudio ?? first.header;
  return {
    sampleRate: reference.sampleRate,
    channels: reference.channels,
    bitrateKbps: reference.bitrateKbps,
    frames,
    durationSeconds: samples / reference.sampleRate,
    version: reference.version,
    layer: reference.layer,
    channelMode: reference.channelMode,
    id3v2Bytes,
    firstFrameOffset: first.offset,
    framesEndOffset: offset,
    trailingBytes: buf.length - offset - (hasId3v1 ? 128 : 0),
    hasId3v1,
    xing,
  };
}
