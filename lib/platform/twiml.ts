// TwiML written directly, without the `twilio` package. Loading `twilio` (even only
// twilio/lib/twiml/VoiceResponse, which pulls in xmlbuilder) costs a cold start more CPU than
// everything else a function does (BENCHMARKS.md, "Cold load"), and a function that only answers
// with TwiML needs a dozen elements. The output is byte for byte what twilio's VoiceResponse
// writes for the same verbs (tests/unit/twiml.test.ts compares the two): the same declaration,
// attributes in the order given, arrays joined by spaces, undefined attributes left out, an empty
// element self-closed, and xmlbuilder's escaping rules, including its refusal of characters that
// XML 1.0 cannot carry.

export type AttributeValue = string | number | boolean | readonly string[] | undefined;
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** One TwiML element: a verb or a noun, with text or child elements. */
export interface TwimlElement {
  readonly name: string;
  readonly attributes: Attributes;
  readonly content: string | readonly TwimlElement[];
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** A whole <Response> document; toString() is the XML served to Twilio. */
export class Twiml {
  constructor(readonly verbs: readonly TwimlElement[]) {}

  toString(): string {
    return DECLARATION + write({ name: 'Response', attributes: {}, content: this.verbs });
  }
}

export function twiml(...verbs: TwimlElement[]): Twiml {
  return new Twiml(verbs);
}

// Characters XML 1.0 cannot carry, as xmlbuilder's assertLegalChar rejects them: C0 controls other
// than tab, newline and carriage return, U+FFFE, U+FFFF and unpaired surrogates.
// eslint-disable-next-line no-control-regex -- the characters XML cannot carry are control characters
const ILLEGAL = /[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

function legal(text: string): string {
  const found = ILLEGAL.exec(text);
  if (found) throw new Error(`TwiML cannot carry the character at index ${found.index} of ${JSON.stringify(text)}`);
  return text;
}

export function escapeText(text: string): string {
  return legal(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;'));
}

export function escapeAttribute(value: string): string {
  return legal(
    value
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/"/g, '&quot;')
      .replace(/\t/g, '&#x9;')
      .replace(/\n/g, '&#xA;')
      .replace(/\r/g, '&#xD;'),
  );
}

function write(element: TwimlElement): string {
  let open = `<${element.name}`;
  for (const [name, value] of Object.entries(element.attributes)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    open += ` ${name}="${escapeAttribute(text)}"`;
  }
  const { content } = element;
  const inner = typeof content === 'string' ? escapeText(content) : content.map(write).join('');
  return inner === '' ? `${open}/>` : `${open}>${inner}</${element.name}>`;
}

function element(name: string, attributes: Attributes = {}, content: string | readonly TwimlElement[] = ''): TwimlElement {
  return { name, attributes, content };
}

// The verbs and nouns this project uses, with the attributes it sets (TwiML reference:
// https://www.twilio.com/docs/voice/twiml). Values are passed through as Twilio reads them.

export const say = (text: string, attributes?: Attributes): TwimlElement => element('Say', attributes, text);
export const play = (url: string, attributes?: { loop?: number }): TwimlElement => element('Play', attributes, url);
export const pause = (attributes: { length: number }): TwimlElement => element('Pause', attributes);
export const hangup = (): TwimlElement => element('Hangup');
export const redirect = (url: string, attributes?: { method?: 'GET' | 'POST' }): TwimlElement => element('Redirect', attributes, url);

export interface DialAttributes {
  action?: string;
  method?: 'GET' | 'POST';
  timeout?: number;
  callerId?: string;
}
export type DialNoun = TwimlElement & { readonly name: 'Number' | 'Client' | 'Sip' | 'Conference' | 'Queue' };
export const dial = (attributes: DialAttributes, noun: DialNoun): TwimlElement => element('Dial', { ...attributes }, [noun]);

export interface LegCallbackAttributes {
  statusCallback?: string;
  statusCallbackMethod?: 'GET' | 'POST';
  statusCallbackEvent?: readonly ('initiated' | 'ringing' | 'answered' | 'completed')[];
}
/** <Number url> / <Sip url>: TwiML run on the called party once it answers, before the bridge (screening). */
export interface ScreenedLegAttributes extends LegCallbackAttributes {
  url?: string;
  method?: 'GET' | 'POST';
}
const noun = (name: DialNoun['name'], value: string, attributes: Attributes = {}): DialNoun => element(name, attributes, value) as DialNoun;
export const number = (value: string, attributes?: ScreenedLegAttributes): DialNoun => noun('Number', value, { ...attributes });
/**
 * <Client>: with custom parameters it is written as <Identity> and <Parameter name value> nouns, which
 * reach the agent's Voice SDK as the call's custom parameters (https://www.twilio.com/docs/voice/twiml/client).
 */
export const client = (
  identity: string,
  attributes?: LegCallbackAttributes,
  parameters: readonly { name: string; value: string }[] = [],
): DialNoun =>
  parameters.length === 0
    ? noun('Client', identity, { ...attributes })
    : (element('Client', { ...attributes }, [
        element('Identity', {}, identity),
        ...parameters.map((parameter) => element('Parameter', { name: parameter.name, value: parameter.value })),
      ]) as DialNoun);
export const sip = (uri: string, attributes?: ScreenedLegAttributes): DialNoun => noun('Sip', uri, { ...attributes });

export interface GatherAttributes {
  numDigits?: number;
  /** '' = no key ends the input early, so every key counts as a digit (TwiML <Gather finishOnKey>). */
  finishOnKey?: string;
  timeout?: number;
  action?: string;
  method?: 'GET' | 'POST';
}
/** <Gather> with the prompts it plays while it listens (Say, Play, Pause). */
export const gather = (attributes: GatherAttributes, ...prompts: TwimlElement[]): TwimlElement =>
  element('Gather', { ...attributes }, prompts);

export interface ConferenceAttributes {
  participantLabel?: string;
  startConferenceOnEnter?: boolean;
  endConferenceOnExit?: boolean;
  beep?: 'true' | 'false' | 'onEnter' | 'onExit';
  waitUrl?: string;
  waitMethod?: 'GET' | 'POST';
  statusCallback?: string;
  statusCallbackMethod?: 'GET' | 'POST';
  statusCallbackEvent?: readonly ('start' | 'end' | 'join' | 'leave' | 'mute' | 'hold' | 'modify' | 'speaker' | 'announcement')[];
}
export const conference = (name: string, attributes?: ConferenceAttributes): DialNoun => noun('Conference', name, { ...attributes });
export const queue = (name: string, attributes?: { url?: string; method?: 'GET' | 'POST' }): DialNoun =>
  noun('Queue', name, { ...attributes });

export interface EnqueueAttributes {
  action?: string;
  method?: 'GET' | 'POST';
  waitUrl?: string;
  waitUrlMethod?: 'GET' | 'POST';
}
export const enqueue = (queueName: string, attributes?: EnqueueAttributes): TwimlElement =>
  element('Enqueue', { ...attributes }, queueName);
