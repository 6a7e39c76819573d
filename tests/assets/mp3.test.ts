import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inspectMp3, parseFrameHeader } from '../support/mp3';

interface FrameSpec {
  versionBits: number; // 0b11 MPEG-1, 0b10 MPEG-2, 0b00 MPEG-2.5
  layerBits: number; // 0b01 Layer III, 0b10 Layer II, 0b11 Layer I
  bitrateIndex: number;
  sampleRateIndex: number;
  channelModeBits: number; // 0b11 mono
  padding?: boolean;
}

// Expected lengths are written out per case rather than recomputed, so the test does not share the
// inspector's formula (and its mistakes).
function frame(spec: FrameSpec, length: number, fill = 0): Buffer {
  const buf = Buffer.alloc(length, fill);
  buf[0] = 0xff;
  buf[1] = 0xe0 | (spec.versionBits << 3) | (spec.layerBits << 1) | 1; // 1: no CRC
  buf[2] = (spec.bitrateIndex << 4) | (spec.sampleRateIndex << 2) | ((spec.padding ? 1 : 0) << 1);
  buf[3] = spec.channelModeBits << 6;
  return buf;
}

// The hold music's own format: MPEG-2 Layer III, 32 kbps, 16 kHz, mono -> 144-byte frames.
const MPEG2_16K_MONO: FrameSpec = { versionBits: 0b10, layerBits: 0b01, bitrateIndex: 4, sampleRateIndex: 2, channelModeBits: 0b11 };
const MPEG2_16K_MONO_LENGTH = 144;

function frames(count: number, spec: FrameSpec = MPEG2_16K_MONO, length = MPEG2_16K_MONO_LENGTH): Buffer {
  // Non-zero payload so a walker that resyncs on any byte pattern would be caught out.
  return Buffer.concat(Array.from({ length: count }, () => frame(spec, length, 0x55)));
}

function id3v2(bodyLength: number): Buffer {
  const tag = Buffer.alloc(10 + bodyLength, 0);
  tag.write('ID3', 0, 'latin1');
  tag[3] = 4;
  tag[6] = (bodyLength >> 21) & 0x7f;
  tag[7] = (bodyLength >> 14) & 0x7f;
  tag[8] = (bodyLength >> 7) & 0x7f;
  tag[9] = bodyLength & 0x7f;
  // A false frame sync inside the tag: the inspector must skip the tag, not scan it.
  tag.set([0xff, 0xf3, 0x48, 0xc0], 20);
  return tag;
}

describe('inspectMp3 on hand-built streams', () => {
  it('decodes MPEG-2 Layer III 16 kHz mono (576 samples per frame)', () => {
    const info = inspectMp3(frames(25));
    expect(info).toMatchObject({
      version: 'MPEG-2',
      layer: 3,
      sampleRate: 16000,
      channels: 1,
      channelMode: 'mono',
      bitrateKbps: 32,
      frames: 25,
      id3v2Bytes: 0,
      firstFrameOffset: 0,
      framesEndOffset: 25 * 144,
      trailingBytes: 0,
      xing: null,
    });
    expect(info.durationSeconds).toBeCloseTo((25 * 576) / 16000, 9);
  });

  it('decodes MPEG-1 Layer III 44.1 kHz stereo with padded frames (1152 samples per frame)', () => {
    const spec: FrameSpec = { versionBits: 0b11, layerBits: 0b01, bitrateIndex: 9, sampleRateIndex: 0, channelModeBits: 0b01 };
    // 128 kbps at 44.1 kHz is 417.96 bytes per frame: encoders alternate 417 and 418 (padded).
    const buf = Buffer.concat([
      frame(spec, 417),
      frame({ ...spec, padding: true }, 418),
      frame(spec, 417),
      frame({ ...spec, padding: true }, 418),
    ]);
    const info = inspectMp3(buf);
    expect(info).toMatchObject({
      version: 'MPEG-1',
      layer: 3,
      sampleRate: 44100,
      channels: 2,
      channelMode: 'joint-stereo',
      bitrateKbps: 128,
      frames: 4,
      trailingBytes: 0,
    });
    expect(info.durationSeconds).toBeCloseTo((4 * 1152) / 44100, 9);
  });

  it('decodes MPEG-2.5 Layer III 8 kHz mono', () => {
    const spec: FrameSpec = { versionBits: 0b00, layerBits: 0b01, bitrateIndex: 1, sampleRateIndex: 2, channelModeBits: 0b11 };
    const info = inspectMp3(frames(100, spec, 72)); // 8 kbps at 8 kHz
    expect(info).toMatchObject({ version: 'MPEG-2.5', layer: 3, sampleRate: 8000, channels: 1, bitrateKbps: 8, frames: 100 });
    expect(info.durationSeconds).toBeCloseTo((100 * 576) / 8000, 9);
  });

  it('decodes Layer I and Layer II frame sizes and sample counts', () => {
    const layer2: FrameSpec = { versionBits: 0b11, layerBits: 0b10, bitrateIndex: 10, sampleRateIndex: 1, channelModeBits: 0b00 };
    expect(parseFrameHeader(frame(layer2, 4), 0)).toMatchObject({
      layer: 2,
      bitrateKbps: 192,
      sampleRate: 48000,
      frameLength: 576,
      samplesPerFrame: 1152,
    });
    const layer1: FrameSpec = { versionBits: 0b11, layerBits: 0b11, bitrateIndex: 1, sampleRateIndex: 2, channelModeBits: 0b11 };
    expect(parseFrameHeader(frame(layer1, 4), 0)).toMatchObject({
      layer: 1,
      bitrateKbps: 32,
      sampleRate: 32000,
      frameLength: 48,
      samplesPerFrame: 384,
    });
    expect(parseFrameHeader(frame({ ...layer1, padding: true }, 4), 0)?.frameLength).toBe(52);
  });

  it('skips a leading ID3v2 tag, even one containing a false frame sync', () => {
    const tag = id3v2(300);
    const info = inspectMp3(Buffer.concat([tag, frames(10)]));
    expect(info.id3v2Bytes).toBe(310);
    expect(info.firstFrameOffset).toBe(310);
    expect(info.frames).toBe(10);
    expect(info.trailingBytes).toBe(0);
  });

  it('recognises a trailing ID3v1 tag as not being garbage', () => {
    const v1 = Buffer.alloc(128, 0x20);
    v1.write('TAG', 0, 'latin1');
    const info = inspectMp3(Buffer.concat([frames(5), v1]));
    expect(info).toMatchObject({ frames: 5, hasId3v1: true, trailingBytes: 0 });
  });

  it('detects a Xing/Info frame and does not count it as audio', () => {
    const info0 = frame(MPEG2_16K_MONO, 144);
    const at = 4 + 9; // after MPEG-2 mono side information
    info0.write('Info', at, 'latin1');
    info0.writeUInt32BE(0b11, at + 4); // frames and bytes fields present
    info0.writeUInt32BE(8, at + 8);
    info0.writeUInt32BE(9 * 144, at + 12);
    const info = inspectMp3(Buffer.concat([info0, frames(8)]));
    expect(info.xing).toEqual({ tag: 'Info', frames: 8, bytes: 9 * 144 });
    expect(info.frames).toBe(8);
    expect(info.durationSeconds).toBeCloseTo((8 * 576) / 16000, 9);
  });

  it('stops at garbage between frames and reports it as trailing bytes', () => {
    const junk = Buffer.from('not audio');
    const info = inspectMp3(Buffer.concat([frames(5), junk, frames(5)]));
    expect(info.frames).toBe(5);
    expect(info.framesEndOffset).toBe(5 * 144);
    expect(info.trailingBytes).toBe(junk.length + 5 * 144);
  });

  it('reports a truncated last frame as trailing bytes', () => {
    const info = inspectMp3(frames(6).subarray(0, 5 * 144 + 50));
    expect(info.frames).toBe(5);
    expect(info.trailingBytes).toBe(50);
  });

  describe('rejects what is not an MP3', () => {
    let seed = 12345;
    // Deterministic pseudo-random bytes (an LCG), so a failure reproduces.
    const noise = Buffer.from(Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff));
    const cases: Array<[string, Buffer]> = [
      ['an empty buffer', Buffer.alloc(0)],
      ['text', Buffer.from('<?xml version="1.0"?><Response><Play>hold</Play></Response>'.repeat(20))],
      ['zeros', Buffer.alloc(2048)],
      ['all 0xFF', Buffer.alloc(2048, 0xff)],
      ['pseudo-random bytes', noise],
      ['a lone frame sync followed by junk', Buffer.concat([Buffer.from([0xff, 0xf3, 0x48, 0xc0]), Buffer.from('x'.repeat(500))])],
      ['an ID3v2 tag with nothing after it', id3v2(40)],
    ];
    it.each(cases)('%s', (_name, buf) => {
      expect(() => inspectMp3(buf)).toThrow(/not a valid MP3/);
    });
  });
});

describe('assets/hold-music.mp3', () => {
  const file = join(__dirname, '..', '..', 'assets', 'hold-music.mp3');
  const buf = readFileSync(file);
  const info = inspectMp3(buf);

  it('is small enough to fetch quickly for a phone call (<= 500 KB)', () => {
    expect(statSync(file).size).toBeLessThanOrEqual(500 * 1000);
  });

  it('starts with an MPEG audio frame right after any ID3v2 tag', () => {
    expect(info.firstFrameOffset).toBe(info.id3v2Bytes);
    expect(info.layer).toBe(3);
  });

  it('is mono at a telephony sample rate', () => {
    expect(info.channels).toBe(1);
    expect([8000, 16000]).toContain(info.sampleRate);
  });

  it('lasts 20-60 s', () => {
    expect(info.durationSeconds).toBeGreaterThanOrEqual(20);
    expect(info.durationSeconds).toBeLessThanOrEqual(60);
  });

  it('is one unbroken run of frames to the end of the file', () => {
    expect(info.trailingBytes).toBe(0);
    expect(info.framesEndOffset + (info.hasId3v1 ? 128 : 0)).toBe(buf.length);
  });

  it('agrees with its own Xing/Info header, if it has one', () => {
    if (info.xing?.frames !== undefined) expect(info.xing.frames).toBe(info.frames);
    if (info.xing?.bytes !== undefined) expect(info.xing.bytes).toBe(info.framesEndOffset - info.firstFrameOffset);
  });
});
