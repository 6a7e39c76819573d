// TwiML text -> typed tree, rejecting what Twilio rejects. Error codes:
//   12100 Document parse failure (not well-formed XML, no <Response> root)
//   12200 Schema validation (unknown verb or noun, bad nesting, bad attribute value)
//   13238 a holdUrl document with a verb other than Play, Say, Pause, Redirect
// (https://www.twilio.com/docs/api/errors/12100, /12200, /13238)
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type {
  AudioVerb,
  CallEvent,
  ConferenceNoun,
  Dial,
  DialTarget,
  Endpoint,
  EndpointKind,
  HttpMethod,
  ParseResult,
  TwimlContext,
  TwimlError,
  Verb,
} from './types';

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
});

const ALLOWED: Record<TwimlContext, ReadonlySet<string>> = {
  voice: new Set(['Say', 'Play', 'Pause', 'Redirect', 'Hangup', 'Reject', 'Leave', 'Gather', 'Enqueue', 'Dial']),
  hold: new Set(['Say', 'Play', 'Pause', 'Redirect']),
  'conference-wait': new Set(['Say', 'Play', 'Pause', 'Redirect']),
  'queue-wait': new Set(['Say', 'Play', 'Pause', 'Redirect', 'Hangup', 'Leave', 'Gather']),
  'queue-url': new Set(['Say', 'Play', 'Pause', 'Redirect']),
  whisper: new Set(['Say', 'Play', 'Pause', 'Redirect', 'Hangup', 'Gather']),
  // Participant AnnounceUrl: "<Play>, <Say>, <Pause>, or <Redirect> verbs" (Participant resource).
  announcement: new Set(['Say', 'Play', 'Pause', 'Redirect']),
};

/** Verbs Twilio has but the emulator does not run: rejected with a message that says so. */
const NOT_EMULATED = new Set(['Record', 'Connect', 'Stream', 'Start', 'Stop', 'Refer', 'Pay', 'Prompt', 'Sms', 'Message', 'Echo']);

class TwimlRejected extends Error {
  constructor(readonly error: TwimlError) {
    super(error.message);
  }
}

function reject(code: number, message: string): never {
  throw new TwimlRejected({ code, message });
}

/**
 * Apps answer most webhooks with the same few documents; the typed tree is immutable, so parsed
 * documents are memoised by (context, text). Bounded: cleared when it reaches its limit.
 */
const memo = new Map<string, ParseResult>();
const MEMO_LIMIT = 1000;

export function parseTwiml(xml: string, context: TwimlContext): ParseResult {
  const key = context + '\u0000' + xml;
  const hit = memo.get(key);
  if (hit) return hit;
  const result = parseUncached(xml, context);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, result);
  return result;
}

function parseUncached(xml: string, context: TwimlContext): ParseResult {
  try {
    return { ok: true, verbs: parseOrThrow(xml, context) };
  } catch (e) {
    if (e instanceof TwimlRejected) return { ok: false, error: e.error };
    return { ok: false, error: { code: 12100, message: `Document parse failure: ${(e as Error).message}` } };
  }
}

function parseOrThrow(xml: string, context: TwimlContext): Verb[] {
  if (xml.trim() === '') reject(12100, 'Document parse failure: empty document');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) reject(12100, `Document parse failure: ${valid.err.msg}`);
  const roots = elements(parser.parse(xml) as XmlNode[]);
  if (roots.length !== 1 || tagOf(roots[0]) !== 'Response') {
    reject(12100, 'Document parse failure: the root element must be <Response>');
  }
  return elements(childrenOf(roots[0])).map((node) => parseVerb(node, context));
}

function parseVerb(node: XmlNode, context: TwimlContext): Verb {
  const tag = tagOf(node);
  if (!ALLOWED.voice.has(tag)) {
    if (NOT_EMULATED.has(tag)) reject(12200, `<${tag}> is valid TwiML but not supported by the emulator`);
    reject(12200, `Schema validation: unknown verb <${tag}>`);
  }
  if (!ALLOWED[context].has(tag)) {
    if (context === 'hold') reject(13238, `Invalid verb <${tag}> in holdUrl TwiML: only Play, Say, Pause and Redirect are allowed`);
    if (context === 'whisper' && tag === 'Dial') reject(13201, 'Dial: Cannot Dial out from a Dial Call Segment');
    if (context === 'announcement')
      reject(13238, `Invalid verb <${tag}> in announceUrl TwiML: only Play, Say, Pause and Redirect are allowed`);
    reject(12200, `Schema validation: <${tag}> is not allowed in ${context} TwiML`);
  }
  const a = attrs(node);
  switch (tag) {
    case 'Say':
    case 'Play':
    case 'Pause':
      return parseAudio(node);
    case 'Redirect': {
      const url = text(node);
      if (!url) reject(12200, 'Schema validation: <Redirect> needs a URL');
      return { verb: 'Redirect', url, method: method(a.method, 'POST') };
    }
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Leave':
      return { verb: 'Leave' };
    case 'Reject': {
      const reason = a.reason ?? 'rejected';
      if (reason !== 'rejected' && reason !== 'busy') reject(12200, `Schema validation: bad Reject reason "${reason}"`);
      return { verb: 'Reject', reason };
    }
    case 'Gather': {
      const prompts = elements(childrenOf(node)).map((child) => {
        const t = tagOf(child);
        if (t !== 'Say' && t !== 'Play' && t !== 'Pause') reject(12200, `Schema validation: <${t}> cannot be nested in <Gather>`);
        return parseAudio(child);
      });
      return {
        verb: 'Gather',
        timeoutSec: int(a.timeout, 5, 'Gather timeout'),
        numDigits: a.numDigits === undefined ? undefined : positive(a.numDigits, 'Gather numDigits'),
        // finishOnKey: 0-9, #, * or '' (none); default # (TwiML <Gather> docs).
        finishOnKey: finishOnKey(a.finishOnKey),
        action: a.action,
        method: method(a.method, 'POST'),
        actionOnEmptyResult: bool(a.actionOnEmptyResult, false, 'actionOnEmptyResult'),
        prompts,
      };
    }
    case 'Enqueue': {
      const name = text(node);
      if (!name) reject(12200, 'Schema validation: <Enqueue> needs a queue name');
      // "The name of the queue ... max 64 characters" (TwiML <Enqueue> docs).
      if (name.length > 64) reject(12200, 'Schema validation: <Enqueue> queue name longer than 64 characters');
      return {
        verb: 'Enqueue',
        name,
        action: a.action,
        method: method(a.method, 'POST'),
        waitUrl: a.waitUrl,
        waitUrlMethod: method(a.waitUrlMethod, 'POST'),
      };
    }
    default:
      return parseDial(node);
  }
}

function parseAudio(node: XmlNode): AudioVerb {
  const tag = tagOf(node);
  const a = attrs(node);
  if (tag === 'Pause') {
    if (elements(childrenOf(node)).length > 0) reject(12200, 'Schema validation: <Pause> takes no content');
    return { verb: 'Pause', lengthSec: int(a.length, 1, 'Pause length') };
  }
  noNestedElements(node);
  if (tag === 'Say') {
    return { verb: 'Say', text: text(node), loop: int(a.loop, 1, 'Say loop'), voice: a.voice, language: a.language };
  }
  const url = text(node);
  if (!url) reject(12200, 'Schema validation: <Play> needs a URL');
  return { verb: 'Play', url, loop: int(a.loop, 1, 'Play loop') };
}

function parseDial(node: XmlNode): Dial {
  const a = attrs(node);
  const nouns = elements(childrenOf(node));
  const bare = text(node);
  let target: DialTarget;
  if (nouns.length === 0) {
    if (!bare) reject(12200, 'Schema validation: <Dial> has nothing to dial');
    target = { kind: 'parties', endpoints: [endpoint('number', bare, {})] };
  } else {
    if (bare) reject(12200, 'Schema validation: <Dial> mixes a bare number with nouns');
    const tags = nouns.map(tagOf);
    const single = tags.filter((t) => t === 'Conference' || t === 'Queue');
    if (single.length > 0 && nouns.length > 1) {
      reject(12200, `Schema validation: <${single[0]}> must be the only noun in <Dial>`);
    }
    if (tags[0] === 'Conference') target = parseConference(nouns[0]);
    else if (tags[0] === 'Queue') {
      const q = attrs(nouns[0]);
      const name = text(nouns[0]);
      if (!name) reject(12200, 'Schema validation: <Queue> needs a queue name');
      target = { kind: 'queue', name, url: q.url, method: method(q.method, 'POST') };
    } else {
      target = {
        kind: 'parties',
        endpoints: nouns.map((n) => {
          const t = tagOf(n);
          const kind: EndpointKind | undefined = t === 'Number' ? 'number' : t === 'Client' ? 'client' : t === 'Sip' ? 'sip' : undefined;
          if (!kind) reject(12200, `Schema validation: <${t}> cannot be nested in <Dial>`);
          return endpoint(
            kind,
            kind === 'client' ? clientIdentity(n) : text(n),
            attrs(n),
            kind === 'client' ? clientParameters(n) : undefined,
          );
        }),
      };
    }
  }
  return {
    verb: 'Dial',
    action: a.action,
    method: method(a.method, 'POST'),
    // Dial timeout: default 30 s, 5..600 (TwiML <Dial> docs).
    timeoutSec: int(a.timeout, 30, 'Dial timeout'),
    callerId: a.callerId,
    // timeLimit default: 4 hours (14400 s) (TwiML <Dial> docs).
    timeLimitSec: int(a.timeLimit, 14400, 'Dial timeLimit'),
    target,
  };
}

// <Client> holds either the bare identity or <Identity> and <Parameter> nouns (TwiML <Client> docs).
function clientIdentity(node: XmlNode): string {
  const identity = elements(childrenOf(node)).find((n) => tagOf(n) === 'Identity');
  return identity ? text(identity) : text(node);
}
function clientParameters(node: XmlNode): Record<string, string> | undefined {
  const parameters = elements(childrenOf(node)).filter((n) => tagOf(n) === 'Parameter');
  if (parameters.length === 0) return undefined;
  return Object.fromEntries(
    parameters.map((p) => {
      const { name, value } = attrs(p);
      if (!name) reject(12200, 'Schema validation: <Parameter> needs a name');
      return [name, value ?? ''];
    }),
  );
}

function endpoint(kind: EndpointKind, body: string, a: Record<string, string>, customParameters?: Record<string, string>): Endpoint {
  if (!body) reject(12200, `Schema validation: <Dial> ${kind} without an address`);
  // Parties are configured as E.164, client:identity or sip:uri; <Client> bodies are bare identities.
  const address = kind === 'client' && !body.startsWith('client:') ? `client:${body}` : body;
  if (kind === 'sip' && !/^sips?:/.test(address)) reject(12200, 'Schema validation: <Sip> needs a sip: URI');
  return {
    kind,
    address,
    statusCallback: a.statusCallback,
    statusCallbackMethod: method(a.statusCallbackMethod, 'POST'),
    statusCallbackEvents: callEvents(a.statusCallbackEvent),
    ...(a.url ? { url: a.url } : {}),
    method: method(a.method, 'POST'),
    ...(customParameters ? { customParameters } : {}),
  };
}

export function callEvents(raw: string | undefined): CallEvent[] {
  if (raw === undefined || raw.trim() === '') return ['completed'];
  return raw
    .trim()
    .split(/[\s,]+/)
    .map((e) => {
      if (e !== 'initiated' && e !== 'ringing' && e !== 'answered' && e !== 'completed')
        reject(12200, `Schema validation: bad statusCallbackEvent "${e}"`);
      return e;
    });
}

function parseConference(node: XmlNode): ConferenceNoun {
  const a = attrs(node);
  const name = text(node);
  if (!name) reject(12200, 'Schema validation: <Conference> needs a name');
  const maxParticipants = int(a.maxParticipants, 250, 'maxParticipants');
  if (maxParticipants < 2 || maxParticipants > 250) reject(12200, 'Schema validation: maxParticipants must be 2..250');
  return {
    kind: 'conference',
    name,
    muted: bool(a.muted, false, 'muted'),
    beep: a.beep ?? 'true',
    startConferenceOnEnter: bool(a.startConferenceOnEnter, true, 'startConferenceOnEnter'),
    endConferenceOnExit: bool(a.endConferenceOnExit, false, 'endConferenceOnExit'),
    waitUrl: a.waitUrl,
    waitMethod: method(a.waitMethod, 'POST'),
    maxParticipants,
    participantLabel: a.participantLabel,
    statusCallback: a.statusCallback,
    statusCallbackMethod: method(a.statusCallbackMethod, 'POST'),
    // Default conference events: start end (TwiML <Conference> docs).
    statusCallbackEvents: a.statusCallbackEvent ? a.statusCallbackEvent.trim().split(/[\s,]+/) : ['start', 'end'],
  };
}

// --- small readers over fast-xml-parser's preserveOrder output -------------------------------

function tagOf(node: XmlNode): string {
  return Object.keys(node).find((k) => k !== ':@') ?? '';
}
function childrenOf(node: XmlNode): XmlNode[] {
  const c = node[tagOf(node)];
  return Array.isArray(c) ? (c as XmlNode[]) : [];
}
function elements(nodes: XmlNode[]): XmlNode[] {
  return nodes.filter((n) => {
    const t = tagOf(n);
    return t !== '#text' && t !== '#comment' && t !== '';
  });
}
function attrs(node: XmlNode): Record<string, string> {
  return (node[':@'] as Record<string, string> | undefined) ?? {};
}
function text(node: XmlNode): string {
  return childrenOf(node)
    .filter((n) => tagOf(n) === '#text')
    .map((n) => String(n['#text']))
    .join('')
    .trim();
}
function noNestedElements(node: XmlNode): void {
  const nested = elements(childrenOf(node));
  if (nested.length > 0) reject(12200, `Schema validation: <${tagOf(nested[0])}> cannot be nested in <${tagOf(node)}>`);
}
function method(raw: string | undefined, fallback: HttpMethod): HttpMethod {
  if (raw === undefined) return fallback;
  const m = raw.toUpperCase();
  if (m !== 'GET' && m !== 'POST') reject(12200, `Schema validation: bad method "${raw}"`);
  return m;
}
function int(raw: string | undefined, fallback: number, what: string): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) reject(12200, `Schema validation: ${what} must be a whole number, got "${raw}"`);
  return Number(raw);
}
function positive(raw: string, what: string): number {
  const n = int(raw, 0, what);
  if (n < 1) reject(12200, `Schema validation: ${what} must be at least 1, got "${raw}"`);
  return n;
}
function finishOnKey(raw: string | undefined): string {
  if (raw === undefined) return '#';
  if (raw !== '' && !/^[0-9#*]$/.test(raw)) reject(12200, `Schema validation: bad Gather finishOnKey "${raw}"`);
  return raw;
}
function bool(raw: string | undefined, fallback: boolean, what: string): boolean {
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return reject(12200, `Schema validation: ${what} must be true or false, got "${raw}"`);
}
