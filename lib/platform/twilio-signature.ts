// X-Twilio-Signature, checked in our own code: Twilio's runtime enforces `.protected` only when
// deployed; twilio-run (npm start, with or without --ngrok) does not enforce it at all.
// The algorithm (https://www.twilio.com/docs/usage/security#validating-requests): base64 of
// HMAC-SHA1, keyed with the Auth Token, over the full URL Twilio requested (with its query) followed
// by every POST parameter, sorted by name, as name + value. Written with node:crypto rather than
// twilio's validateRequest so that a webhook does not load the whole `twilio` package to check it.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((signed, name) => signed + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** Whether `signature` is Twilio's for one of the candidate URLs; compared in constant time. */
export function signatureMatches(
  authToken: string,
  signature: string,
  urls: readonly string[],
  params: Readonly<Record<string, string>>,
): boolean {
  const given = Buffer.from(signature, 'utf8');
  let matched = false;
  for (const url of urls) {
    const expected = Buffer.from(twilioSignature(authToken, url, params), 'utf8');
    // The expected length is fixed by SHA-1 (28 base64 characters) and tells an attacker nothing.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
