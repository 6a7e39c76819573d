// Limits on what a request may carry, checked before any function reads it. The runtime parses
// JSON bodies without a depth limit; a deeply nested value is refused here, by a walk that uses no
// recursion (so it cannot itself overflow the stack). Nothing this project accepts comes close:
// Twilio's webhooks are ~30 flat form fields, /hold and /unhold take four short strings.
import { badInput } from './failure';
import type { FunctionEvent } from './env';

export const EVENT_LIMITS = {
  /** Nesting of objects and arrays below the top level (a flat form is depth 0). */
  maxDepth: 4,
  /** Parameters, nested values and keys counted together. */
  maxValues: 200,
  /** Characters of all keys and string values together. */
  maxChars: 16_384,
} as const;

export function checkEventLimits(event: FunctionEvent): void {
  const pending: { value: unknown; depth: number }[] = [];
  let values = 0;
  let chars = 0;
  for (const [name, value] of Object.entries(event)) {
    // The runtime's own headers and cookies, bounded by the runtime (15 KB, 90 headers).
    if (name === 'request') continue;
    chars += name.length;
    pending.push({ value, depth: 0 });
  }
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    values += 1;
    if (values > EVENT_LIMITS.maxValues) throw badInput(`the request carries more than ${EVENT_LIMITS.maxValues} values`);
    if (typeof value === 'string') chars += value.length;
    if (chars > EVENT_LIMITS.maxChars) throw badInput(`the request carries more than ${EVENT_LIMITS.maxChars} characters`);
    if (value !== null && typeof value === 'object') {
      if (depth >= EVENT_LIMITS.maxDepth) throw badInput(`the request nests values deeper than ${EVENT_LIMITS.maxDepth} levels`);
      for (const [key, inner] of Object.entries(value)) {
        chars += key.length;
        pending.push({ value: inner, depth: depth + 1 });
      }
    }
  }
}
