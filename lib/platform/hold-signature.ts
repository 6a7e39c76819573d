// X-Hold-Signature: how a receiver of our hold events knows they come from this service
// (docs/hold-experience.md has a verification example). The same shape as GitHub's
// X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body, keyed with HOLD_API_TOKEN.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const HOLD_SIGNATURE_HEADER = 'X-Hold-Signature';

export function holdSignature(token: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', token).update(rawBody, 'utf8').digest('hex')}`;
}

/** Constant-time check of a received signature (what a receiver does; used by the tests). */
export function holdSignatureMatches(token: string, rawBody: string, received: string | undefined): boolean {
  if (received === undefined) return false;
  const expected = Buffer.from(holdSignature(token, rawBody));
  const given = Buffer.from(received);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
