// The one place SIDs (and the other opaque identifiers Twilio hands out) are made: a SID is a
// two-letter prefix and 32 hex digits, like Twilio's.
import { randomBytes } from 'node:crypto';

export type SidPrefix = 'CA' | 'CF' | 'QU' | 'AC' | 'IS' | 'MP';

/**
 * Random bytes are drawn 4 KiB at a time (256 SIDs) rather than 16 bytes per SID: one
 * randomBytes call per SID cost about as much as the rest of creating a call in the HTTP
 * benchmark's profile. The SIDs are exactly as random as before.
 */
let pool = Buffer.alloc(0);
let offset = 0;

export function newSid(prefix: SidPrefix): string {
  if (offset + 16 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  offset += 16;
  return prefix + pool.toString('hex', offset - 16, offset);
}

export function isSid(value: string, prefix: SidPrefix): boolean {
  return value.length === 34 && value.startsWith(prefix) && /^[0-9a-f]{32}$/.test(value.slice(2));
}

/** An inbound call's CallToken: opaque to its user, so any unguessable string will do. */
export function newCallToken(): string {
  return `emulator-call-token-${newSid('CA').slice(2)}${newSid('CA').slice(2)}`;
}
