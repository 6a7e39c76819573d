// One running TwiML document: a call's own TwiML, or a holdUrl / waitUrl / <Queue url> that plays
// to it. The session runs the audio verbs (Say, Play, Pause, Gather prompts) and Redirect itself;
// everything else goes to its owner, which knows what the document is for.
// twilio-rule: holdurl-redirect-keeps-query (a <Redirect> is requested with its URL as written, query included)
import { parseTwiml } from '../twiml/parse';
import type { AudioVerb, Gather, HttpMethod, TwimlContext, TwimlError, Verb } from '../twiml/types';
import type { Keypress } from './parties';
import type { Clock, TimerHandle } from './clock';
import { type Hearing, SILENCE } from './hearing';
import type { WebhookClient, WebhookResponse } from './webhooks';

export interface SessionOwner {
  /** Webhook parameters for this session's requests, computed at request time. */
  params(): Record<string, string>;
  /** Called before each verb runs (the call's own TwiML answers an inbound call here). */
  verbStarting?(verb: Verb): void;
  /** A verb the session does not run itself; the owner calls next() or fetch() when it is done. */
  runVerb(verb: Verb): void;
  /** The document has no more verbs. */
  runOut(): void;
  /** The document could not be fetched or is not valid TwiML. */
  failed(error: TwimlError): void;
  /** The keys the party on this leg presses when a <Gather> listens; undefined: none. */
  keypress?(): Keypress | undefined;
}

export interface AudioTimings {
  /** How long one play of an audio URL lasts (the emulator does not download audio). */
  audioMs: number;
  /** Estimated speaking time of a <Say>. */
  speechMs(text: string): number;
}

/** Roughly 150 spoken words a minute, at least one second: an estimate, documented in the README. */
export function estimateSpeechMs(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return Math.max(1000, Math.round((words / 150) * 60_000));
}

/** Audio files are played, not parsed: by content type, or by extension when not fetched. */
export function isAudioUrl(url: string): boolean {
  return /\.(mp3|wav|ulaw|aif|aiff|gsm)(\?.*)?$/i.test(new URL(url, 'http://x/').pathname);
}
function isAudioResponse(r: WebhookResponse): boolean {
  return /^audio\//i.test(r.contentType);
}

/** Redirects at one instant without any audio in between: a loop the emulator stops. */
const MAX_INSTANT_FETCHES = 50;

export interface SessionDeps {
  clock: Clock;
  webhooks: WebhookClient;
  timings: AudioTimings;
}

export class TwimlSession {
  hearing: Hearing = SILENCE;
  private verbs: Verb[] = [];
  private pc = 0;
  private baseUrl: string | undefined;
  /** Bumped by stop() and by every new document, so late webhook answers are ignored. */
  private generation = 0;
  private timer: TimerHandle | undefined;
  /** The party's key press during the running <Gather>. */
  private pressTimer: TimerHandle | undefined;
  private instantFetches = 0;
  private lastFetchAt = -1;

  constructor(
    private readonly deps: SessionDeps,
    readonly callSid: string,
    readonly context: TwimlContext,
    private readonly owner: SessionOwner,
    readonly purpose: string,
  ) {}

  /** Resolves a URL from the document against the document's own URL, as Twilio does. */
  resolve(url: string): string {
    return this.baseUrl ? new URL(url, this.baseUrl).toString() : url;
  }

  fetch(url: string, method: HttpMethod, extra: Record<string, string> = {}): void {
    const gen = this.begin();
    this.hearing = SILENCE;
    const now = this.deps.clock.now();
    this.instantFetches = now === this.lastFetchAt ? this.instantFetches + 1 : 0;
    this.lastFetchAt = now;
    if (this.instantFetches >= MAX_INSTANT_FETCHES) {
      this.owner.failed({ code: 11200, message: `Redirect loop: ${MAX_INSTANT_FETCHES} requests without any audio in between` });
      return;
    }
    if (this.context !== 'voice' && isAudioUrl(url)) {
      this.playOnce(url);
      return;
    }
    this.deps.webhooks.request(url, method, { ...this.owner.params(), ...extra }, this.purpose, this.callSid, (outcome) => {
      if (gen !== this.generation) return;
      if (!outcome.ok) {
        this.owner.failed({ code: outcome.code, message: outcome.message });
        return;
      }
      if (isAudioResponse(outcome.response)) {
        if (this.context === 'voice') {
          this.owner.failed({ code: 12300, message: `Invalid Content-Type ${outcome.response.contentType} for TwiML` });
        } else {
          this.playOnce(url);
        }
        return;
      }
      this.load(outcome.response.body, url);
    });
  }

  load(twiml: string, baseUrl?: string): void {
    const parsed = parseTwiml(twiml, this.context);
    if (!parsed.ok) {
      this.begin();
      this.owner.failed(parsed.error);
      return;
    }
    this.run(parsed.verbs, baseUrl);
  }

  run(verbs: Verb[], baseUrl?: string): void {
    this.begin();
    this.verbs = verbs;
    this.pc = 0;
    this.baseUrl = baseUrl;
    this.step();
  }

  /** The current verb is done: run the next one. */
  next(): void {
    this.pc++;
    this.step();
  }

  stop(): void {
    this.begin();
    this.hearing = SILENCE;
  }

  private begin(): number {
    this.timer?.cancel();
    this.timer = undefined;
    this.pressTimer?.cancel();
    this.pressTimer = undefined;
    return ++this.generation;
  }

  /** An audio file as a whole document: played once, then the document has run out. */
  private playOnce(url: string): void {
    this.verbs = [{ verb: 'Play', url, loop: 1 }];
    this.pc = 0;
    this.step();
  }

  private step(): void {
    if (this.pc >= this.verbs.length) {
      this.hearing = SILENCE;
      this.owner.runOut();
      return;
    }
    const verb = this.verbs[this.pc];
    this.owner.verbStarting?.(verb);
    switch (verb.verb) {
      case 'Say':
      case 'Play':
      case 'Pause':
        this.playAudio(verb, () => this.next());
        return;
      case 'Redirect':
        this.fetch(this.resolve(verb.url), verb.method);
        return;
      case 'Gather':
        this.listenForKeys(verb);
        this.playSequence(verb.prompts, 0, () => {
          this.hearing = SILENCE;
          this.wait(verb.timeoutSec * 1000, () => {
            this.pressTimer?.cancel();
            this.pressTimer = undefined;
            if (verb.actionOnEmptyResult && verb.action) this.fetch(this.resolve(verb.action), verb.method, { Digits: '' });
            else this.next();
          });
        });
        return;
      default:
        this.owner.runVerb(verb);
    }
  }

  /**
   * A party that presses keys does so while the prompts play (input interrupts them). The digits
   * end the input at numDigits, or at finishOnKey (not sent); then the action is requested with
   * Digits, or without an action the document's own URL ("Twilio ... POST request to the URL
   * hosting the <Gather> TwiML", https://www.twilio.com/docs/voice/twiml/gather#action).
   */
  private listenForKeys(verb: Gather): void {
    const press = this.owner.keypress?.();
    if (!press) return;
    const gen = this.generation;
    this.pressTimer = this.deps.clock.schedule(press.afterMs, () => {
      if (gen !== this.generation) return;
      this.pressTimer = undefined;
      let digits = press.digits;
      const finish = verb.finishOnKey === '' ? -1 : digits.indexOf(verb.finishOnKey);
      if (finish >= 0) digits = digits.slice(0, finish);
      if (verb.numDigits !== undefined) digits = digits.slice(0, verb.numDigits);
      if (digits === '' && !verb.actionOnEmptyResult) return;
      const target = verb.action ? this.resolve(verb.action) : this.baseUrl;
      if (target) this.fetch(target, verb.method, { Digits: digits });
      else this.next();
    });
  }

  private playSequence(verbs: AudioVerb[], i: number, done: () => void): void {
    if (i >= verbs.length) {
      done();
      return;
    }
    this.playAudio(verbs[i], () => this.playSequence(verbs, i + 1, done));
  }

  private playAudio(verb: AudioVerb, done: () => void): void {
    const { timings } = this.deps;
    if (verb.verb === 'Pause') {
      this.hearing = SILENCE;
      this.wait(verb.lengthSec * 1000, done);
      return;
    }
    this.hearing = verb.verb === 'Say' ? { kind: 'speech', text: verb.text } : { kind: 'music', url: this.resolve(verb.url) };
    // loop="0" repeats until the call moves on (TwiML <Play>/<Say> docs).
    if (verb.loop === 0) return;
    const once = verb.verb === 'Say' ? timings.speechMs(verb.text) : timings.audioMs;
    this.wait(once * verb.loop, done);
  }

  private wait(ms: number, done: () => void): void {
    const gen = this.generation;
    this.timer = this.deps.clock.schedule(ms, () => {
      if (gen !== this.generation) return;
      this.timer = undefined;
      done();
    });
  }
}
