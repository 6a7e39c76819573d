/**
 * Checks a REST RESPONSE of the emulator against Twilio's OpenAPI response schemas (the same
 * committed subset as the request check, twilio_api_v2010.subset.json). It is how the emulator's
 * own tests know that what the functions read is what Twilio would send: a field Twilio does not
 * have, a field it has that is missing, a wrong type, a value outside an enum or pattern, a date
 * not in RFC 2822, all fail.
 *
 * Twilio's schemas mark no property `required`, yet its responses carry every declared field,
 * null when it has no value; so every declared property must be present here, and no other.
 * Errors are not in the spec: their body is Twilio's error shape {code, message, more_info, status}
 * (docs/twilio-voice-semantics.md, "Errors, limits, signatures").
 *
 * Off by default (it costs time per response); startEmulator({ validateResponses: true }) turns it
 * on, as the emulator's tests and the conformance suite do.
 */
import { type SchemaJson, VOICE_SUBSET, compileTemplate, resolve } from './subset';

interface ResponseOperation {
  readonly operationId: string;
  /** Declared statuses; `undefined` schema = no body (204). */
  readonly responses: ReadonlyMap<number, SchemaJson | undefined>;
}

const OPERATIONS: ReadonlyArray<{ regex: RegExp; methods: ReadonlyMap<string, ResponseOperation> }> = Object.entries(
  VOICE_SUBSET.paths,
).map(([template, item]) => {
  const methods = new Map<string, ResponseOperation>();
  for (const [method, op] of Object.entries(item)) {
    const responses = new Map<number, SchemaJson | undefined>();
    for (const [status, r] of Object.entries(op.responses ?? {})) {
      responses.set(Number(status), r.content?.['application/json']?.schema);
    }
    methods.set(method.toUpperCase(), { operationId: op.operationId, responses });
  }
  return { regex: compileTemplate(template), methods };
});

/** "Tue, 31 Aug 2010 20:36:28 +0000" */
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

/** The error body every Twilio REST error has, and nothing else. */
const ERROR_BODY: SchemaJson = {
  type: 'object',
  properties: {
    code: { type: 'integer' },
    message: { type: 'string' },
    more_info: { type: 'string', format: 'uri' },
    status: { type: 'integer' },
  },
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Twilio returns a URI either absolute or as a path of its API ("/2010-04-01/..."). */
function isUri(value: string): boolean {
  if (value.startsWith('/')) return true;
  try {
    return new URL(value).protocol.startsWith('http');
  } catch {
    return false;
  }
}

function check(schema: SchemaJson, value: unknown, at: string, problems: string[]): void {
  const isRef = schema.$ref !== undefined;
  const s = resolve(VOICE_SUBSET, schema);
  if (value === null) {
    // An enum reached by $ref (call status, reason_conference_ended, ...) carries no `nullable`
    // in the spec, but Twilio returns null where it has no value (a live conference's
    // reason_conference_ended), as the twilio libraries' generated models allow.
    if (!s.nullable && !isRef) problems.push(`${at}: null, but the schema does not allow null`);
    return;
  }
  const actual = typeOf(value);
  switch (s.type) {
    case 'integer':
      if (actual !== 'number' || !Number.isInteger(value))
        problems.push(`${at}: expected an integer, got ${actual} ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (actual !== 'number') problems.push(`${at}: expected a number, got ${actual}`);
      return;
    case 'boolean':
      if (actual !== 'boolean') problems.push(`${at}: expected a boolean, got ${actual} ${JSON.stringify(value)}`);
      return;
    case 'array':
      if (actual !== 'array') {
        problems.push(`${at}: expected an array, got ${actual}`);
        return;
      }
      (value as unknown[]).forEach((item, i) => check(s.items ?? {}, item, `${at}[${i}]`, problems));
      return;
    case 'object':
      if (actual !== 'object') {
        problems.push(`${at}: expected an object, got ${actual}`);
        return;
      }
      checkObject(s, value as Record<string, unknown>, at, problems);
      return;
    case 'string':
    case undefined:
      break;
    default:
      problems.push(`${at}: the schema has an unknown type ${s.type}`);
      return;
  }
  if (actual !== 'string') {
    problems.push(`${at}: expected a string, got ${actual} ${JSON.stringify(value)}`);
    return;
  }
  const text = value as string;
  if (s.enum && !s.enum.includes(text)) problems.push(`${at}: ${JSON.stringify(text)} is not one of ${s.enum.join(', ')}`);
  if (s.pattern !== undefined && !new RegExp(s.pattern).test(text))
    problems.push(`${at}: ${JSON.stringify(text)} does not match ${s.pattern}`);
  if (s.minLength !== undefined && text.length < s.minLength) problems.push(`${at}: shorter than ${s.minLength}`);
  if (s.maxLength !== undefined && text.length > s.maxLength) problems.push(`${at}: longer than ${s.maxLength}`);
  if (s.format === 'date-time-rfc-2822' && !RFC_2822.test(text)) problems.push(`${at}: ${JSON.stringify(text)} is not an RFC 2822 date`);
  if (s.format === 'uri' && !isUri(text)) problems.push(`${at}: ${JSON.stringify(text)} is not a URI`);
}

function checkObject(s: SchemaJson, value: Record<string, unknown>, at: string, problems: string[]): void {
  if (s.format === 'uri-map') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string' || !isUri(v)) problems.push(`${at}.${k}: expected a URI, got ${JSON.stringify(v)}`);
    }
    return;
  }
  const declared = s.properties ?? {};
  for (const name of Object.keys(value)) {
    if (!(name in declared)) problems.push(`${at}.${name}: not a field of Twilio's schema`);
  }
  for (const [name, sub] of Object.entries(declared)) {
    if (!(name in value)) {
      problems.push(`${at}.${name}: missing (Twilio sends every field, null when empty)`);
      continue;
    }
    check(sub, value[name], `${at}.${name}`, problems);
  }
}

/**
 * The problems with one response, empty when it is what Twilio's schema says. `path` is the
 * request path without query; `body` is the parsed JSON (undefined for an empty body).
 */
export function validateRestResponse(method: string, path: string, status: number, body: unknown): string[] {
  const problems: string[] = [];
  if (status >= 400) {
    check(ERROR_BODY, body, 'error', problems);
    if (typeof body === 'object' && body !== null && (body as { status?: unknown }).status !== status) {
      problems.push(`error.status: ${String((body as { status?: unknown }).status)} is not the HTTP status ${status}`);
    }
    return problems;
  }
  // Only the 2010-04-01 API has its subset here; another API's responses (e.g. a Sync subset)
  // are checked once its subset is added to OPERATIONS.
  if (!path.startsWith('/2010-04-01/')) return problems;
  const op = OPERATIONS.find((o) => o.regex.test(path))?.methods.get(method.toUpperCase());
  if (!op) return [`${method} ${path}: no such operation in the OpenAPI subset, yet it answered ${status}`];
  if (!op.responses.has(status)) {
    return [`${op.operationId}: status ${status} is not a declared response (${[...op.responses.keys()].join(', ')})`];
  }
  const schema = op.responses.get(status);
  if (schema === undefined) {
    if (body !== undefined) problems.push(`${op.operationId}: ${status} has no body in Twilio's schema`);
    return problems;
  }
  check(schema, body, op.operationId, problems);
  return problems;
}
