// The one place SIDs are made: a two-letter prefix and 32 hex digits, like Twilio's.
import { randomBytes } from 'node:crypto';

export type SidPrefix = 'CA' | 'CF' | 'QU' | 'AC';

export function newSid(prefix: SidPrefix): string {
  return prefix + randomBytes(16).toString('hex');
}

export function isSid(value: string, prefix: SidPrefix): boolean {
  return value.length === 34 && value.startsWith(prefix) && /^[0-9a-f]{32}$/.test(value.slice(2));
}
