import { optionalHttpUrl } from '../platform/config';
import { isFailure } from '../platform/failure';
import { functionUrl } from '../platform/function-url';
import { play, twiml, type Twiml } from '../platform/twiml';
import type { HoldContext } from '../platform/env';

export const HOLD_MUSIC_ASSET_PATH = '/hold-music.mp3';
export const HOLD_MUSIC_FUNCTION_PATH = '/hold-music';

/** The audio the held party hears: HOLD_MUSIC_URL when it is a valid http(s) URL, else our MP3. */
export function holdMusicAudioUrl(context: HoldContext): string {
  try {
    const configured = optionalHttpUrl(context, 'HOLD_MUSIC_URL');
    if (configured) return configured;
  } catch (error) {
    // A caller on hold must hear music, not an error: fall back to the bundled MP3 and log why.
    console.error(isFailure(error) ? error.message : error, '- playing the bundled hold music instead');
  }
  return functionUrl(context, HOLD_MUSIC_ASSET_PATH);
}

/**
 * TwiML for holdUrl (conference) and waitUrl (dial mode's hold queue). <Play loop="0"> repeats
 * forever: a holdUrl that runs out of TwiML leaves the held party in silence, while an audio
 * holdUrl is played only once (docs/twilio-voice-semantics.md, "Conference participants").
 */
export function holdMusicTwiml(context: HoldContext): Twiml {
  return twiml(play(holdMusicAudioUrl(context), { loop: 0 }));
}
