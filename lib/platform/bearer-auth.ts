import { createHash, timingSafeEqual } from 'node:crypto';
import { unauthorized } from './failure';
import type { FunctionEvent } from './env';

/**
 * Checks `Authorization: Bearer <token>` against the expected token in constant time.
 * Both sides are hashed first so that neither the comparison nor an early length check
 * tells an attacker how much of a guess was right.
 */
export function requireBearerToken(event: FunctionEvent, expected: string): void {
  const header = event.request?.headers?.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw unauthorized('missing Authorization: Bearer token');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  if (!match || !sameSecret(match[1], expected)) throw unauthorized('wrong token');
}

export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
