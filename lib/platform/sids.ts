// The shapes of the Twilio SIDs this project accepts from outside: two letters that name the
// resource, then 32 lowercase hex digits (Twilio's OpenAPI description: ^CA[0-9a-fA-F]{32}$ and
// friends; every SID Twilio issues is lowercase). Every check of a SID is isSid.
const PREFIXES = {
  call: 'CA',
  conference: 'CF',
  queue: 'QU',
  account: 'AC',
  /** An API key (Console > Account > API keys): what signs Voice SDK access tokens. */
  apiKey: 'SK',
  /** A TwiML App: the Voice SDK's outgoing application. */
  twimlApp: 'AP',
  syncService: 'IS',
} as const;

export type SidKind = keyof typeof PREFIXES;

const HEX_DIGITS = /^[0-9a-f]{32}$/;

declare const checked: unique symbol;
/** A string isSid has checked (a brand: a string that is not a SID still narrows as a string). */
export type Sid = string & { readonly [checked]: true };

/** Whether a value from outside is the SID of that kind of resource. */
export function isSid(kind: SidKind, value: unknown): value is Sid {
  return typeof value === 'string' && value.startsWith(PREFIXES[kind]) && HEX_DIGITS.test(value.slice(2));
}

/** The two letters a SID of that kind starts with, for messages ("CA" followed by 32 lowercase hex digits). */
export function sidPrefix(kind: SidKind): string {
  return PREFIXES[kind];
}
