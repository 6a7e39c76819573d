/**
 * Checks a REST request against the subsets of Twilio's OpenAPI description that the emulator
 * serves (twilio_api_v2010.subset.json for Voice, twilio_sync_v1.subset.json for Sync; both made
 * by scripts/extract-openapi.ts).
 *
 * Real Twilio silently ignores a parameter it does not know, so a misspelt `HoldURL` would put the
 * caller on hold with the default music and nobody would notice. The emulator is stricter than
 * Twilio on purpose: anything the spec does not declare is a 400 naming the parameter.
 *
 * Everything is compiled once at module load; a request costs one regex match per template until
 * one hits, plus a map lookup per parameter.
 */
import { type OperationJson, type SchemaJson, type SubsetJson, SUBSETS, compileTemplate, resolve } from './subset';

// ---- error codes -----------------------------------------------------------------------------

// 20001: the generic "invalid parameter" code, used whenever no resource-specific code is
// documented for the case (the spec itself names no error codes at all).
const INVALID_PARAMETER = 20001;
// 20404: Twilio's "The requested resource ... was not found".
const NOT_FOUND = 20404;
// 20004: "Method not allowed: the resource you accessed is valid, but the HTTP method you
// attempted to use is not supported for the resource" (twilio.com/docs/api/errors/20004).
const METHOD_NOT_ALLOWED = 20004;

/**
 * Codes Twilio documents for specific mistakes on POST /Calls.json (twilio.com/docs/api/errors/...:
 * 21201 "No 'To' number specified", 21213 "'From' phone number is required", 21205 "Invalid URL",
 * 21208 "Invalid Timeout", 21209 "Invalid Method"). Everything else falls back to 20001.
 */
const SPECIFIC_CODES: Readonly<Record<string, Readonly<Record<string, { missing?: number; invalid?: number }>>>> = {
  CreateCall: {
    To: { missing: 21201 },
    From: { missing: 21213 },
    Url: { invalid: 21205 },
    Timeout: { invalid: 21208 },
    Method: { invalid: 21209 },
  },
};

// ---- overlays: facts the spec states only in prose, or does not state yet ----------------------

/**
 * Enums that the spec gives only in the parameter's description (its schema is a bare string or
 * string array). The descriptions say "Separate multiple values with a space", while twilio-node
 * repeats the parameter per value; both forms are accepted.
 */
const DESCRIBED_ENUMS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  CreateCall: {
    StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
  },
  CreateParticipant: {
    StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    ConferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'speaker', 'announcement'],
    Beep: ['true', 'false', 'onEnter', 'onExit'],
  },
};

/**
 * Parameters twilio-node 6.2 sends that the spec in @twilio-alpha/mcp@0.7.0 predates. Real
 * Twilio accepts them, so rejecting them as unknown would be a false alarm; they are unchecked
 * strings because the emulator does nothing with them.
 */
const TWILIO_NODE_EXTRAS: Readonly<Record<string, readonly string[]>> = {
  CreateCall: ['ClientNotificationUrl', 'Passports', 'RecordingConfigurationId'],
  CreateParticipant: [
    'CallerDisplayName',
    'ClientNotificationUrl',
    'EmergencyAddress',
    'EmergencyCallerLocation',
    'EmergencyCallerPosition',
    'EmergencyCity',
    'EmergencyCountry',
    'EmergencyName',
    'EmergencyState',
    'EmergencyZipCode',
    'Passports',
    'RecordingConfigurationId',
  ],
};

/** Documented: `WaitUrl=''` means "play nothing while waiting", so the empty string is a valid URI. */
const EMPTY_URI_ALLOWED = new Set(['WaitUrl']);

// ---- compiled form ---------------------------------------------------------------------------

interface Rule {
  readonly name: string;
  readonly type: 'string' | 'boolean' | 'integer' | 'array' | 'object';
  /** For arrays, the rule each element must satisfy. */
  readonly item?: Rule;
  readonly enumValues?: ReadonlySet<string>;
  /** Enum taken from prose: values may also come space-separated in one field. */
  readonly spaceSeparated: boolean;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly patternSource?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly missingCode: number;
  readonly invalidCode: number;
}

interface CompiledOperation {
  readonly operationId: string;
  readonly rules: ReadonlyMap<string, Rule>;
  readonly required: readonly string[];
  /** Path parameters in template order, with the pattern their value must match, if any. */
  readonly pathParams: ReadonlyArray<{ readonly name: string; readonly pattern?: RegExp }>;
}

interface CompiledPath {
  readonly template: string;
  readonly regex: RegExp;
  readonly methods: ReadonlyMap<string, CompiledOperation>;
  readonly allowed: string;
}

function compileRule(subset: SubsetJson, operationId: string, name: string, raw: SchemaJson, itemOf?: string): Rule {
  const schema = resolve(subset, raw);
  const codes = SPECIFIC_CODES[operationId]?.[itemOf ?? name];
  const described = DESCRIBED_ENUMS[operationId]?.[itemOf ?? name];
  const type =
    schema.type === 'boolean' || schema.type === 'integer' || schema.type === 'array' || schema.type === 'object' ? schema.type : 'string';
  const enumList = schema.enum ?? (type !== 'array' ? described : undefined);
  return {
    name,
    type,
    item: type === 'array' ? compileRule(subset, operationId, name, schema.items ?? { type: 'string' }, name) : undefined,
    enumValues: enumList ? new Set(enumList) : undefined,
    spaceSeparated: itemOf !== undefined && schema.enum === undefined && described !== undefined,
    format: schema.format,
    pattern: schema.pattern !== undefined ? new RegExp(schema.pattern) : undefined,
    patternSource: schema.pattern,
    minLength: schema.minLength,
    maxLength: schema.maxLength,
    minimum: schema.minimum,
    maximum: schema.maximum,
    missingCode: codes?.missing ?? INVALID_PARAMETER,
    invalidCode: codes?.invalid ?? INVALID_PARAMETER,
  };
}

function compileOperation(subset: SubsetJson, op: OperationJson): CompiledOperation {
  const rules = new Map<string, Rule>();
  const required: string[] = [];
  const pathParams: Array<{ name: string; pattern?: RegExp }> = [];
  for (const p of op.parameters ?? []) {
    if (p.in === 'path') {
      const s = resolve(subset, p.schema);
      pathParams.push({ name: p.name, pattern: s.pattern !== undefined ? new RegExp(s.pattern) : undefined });
    } else if (p.in === 'query') {
      rules.set(p.name, compileRule(subset, op.operationId, p.name, p.schema));
      if (p.required) required.push(p.name);
    }
  }
  const body = op.requestBody?.content['application/x-www-form-urlencoded']?.schema;
  if (body) {
    const resolved = resolve(subset, body);
    for (const [name, s] of Object.entries(resolved.properties ?? {})) {
      rules.set(name, compileRule(subset, op.operationId, name, s));
    }
    required.push(...(resolved.required ?? []));
  }
  for (const name of TWILIO_NODE_EXTRAS[op.operationId] ?? []) {
    if (!rules.has(name)) rules.set(name, compileRule(subset, op.operationId, name, { type: 'string' }));
  }
  return { operationId: op.operationId, rules, required, pathParams };
}

const PATHS: readonly CompiledPath[] = SUBSETS.flatMap((subset) =>
  Object.entries(subset.paths).map(([template, item]) => {
    const methods = new Map<string, CompiledOperation>();
    for (const [method, op] of Object.entries(item)) methods.set(method.toUpperCase(), compileOperation(subset, op));
    return { template, regex: compileTemplate(template), methods, allowed: [...methods.keys()].sort().join(', ') };
  }),
);

// ---- value checks ----------------------------------------------------------------------------

const DIGITS = /^\d+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Twilio's date-time filters take a full ISO 8601 instant or, per the Call docs, a bare date.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

function isRealDate(value: string): boolean {
  const m = DATE.exec(value.slice(0, 10));
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function isJsonObject(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

function isAbsoluteHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

/** Returns a description of what is wrong with `value`, or undefined when it is fine. */
function problem(rule: Rule, value: string): string | undefined {
  switch (rule.type) {
    case 'boolean':
      // Twilio's own docs say other values are read as false; a typo there would flip a hold.
      return value === 'true' || value === 'false' ? undefined : 'must be true or false';
    case 'object':
      // Sync's Data: "A JSON string that represents an arbitrary, schema-less object".
      return isJsonObject(value) ? undefined : 'must be a JSON object';
    case 'integer': {
      if (!DIGITS.test(value)) return 'must be a whole number';
      const n = Number(value);
      if (rule.minimum !== undefined && n < rule.minimum) return `must be at least ${rule.minimum}`;
      if (rule.maximum !== undefined && n > rule.maximum) return `must be at most ${rule.maximum}`;
      return undefined;
    }
    default:
      break;
  }
  if (rule.enumValues && !rule.enumValues.has(value)) {
    return `must be one of: ${[...rule.enumValues].join(', ')}`;
  }
  if (rule.format === 'uri' && !(value === '' && EMPTY_URI_ALLOWED.has(rule.name)) && !isAbsoluteHttpUrl(value)) {
    return 'must be an absolute http(s) URL';
  }
  if (rule.format === 'date' && !(DATE.test(value) && isRealDate(value))) return 'must be a date YYYY-MM-DD';
  if (rule.format === 'date-time' && !(DATE_TIME.test(value) && isRealDate(value))) {
    return 'must be an ISO 8601 date-time (YYYY-MM-DDTHH:mm:ssZ) or date';
  }
  if (rule.minLength !== undefined && value.length < rule.minLength) return `must be at least ${rule.minLength} characters`;
  if (rule.maxLength !== undefined && value.length > rule.maxLength) return `must be at most ${rule.maxLength} characters`;
  if (rule.pattern && !rule.pattern.test(value)) return `must match ${rule.patternSource ?? ''}`;
  return undefined;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function suggestion(name: string, op: CompiledOperation): string {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of op.rules.keys()) {
    const d = known.toLowerCase() === lower ? 0 : editDistance(lower, known.toLowerCase());
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best !== undefined ? ` (did you mean '${best}'?)` : '';
}

// ---- entry point -----------------------------------------------------------------------------

export function validateRestRequest(
  method: string,
  path: string,
  params: Record<string, string | string[]>,
): { ok: true; operationId: string } | { ok: false; status: 400 | 404 | 405; code: number; message: string } {
  const q = path.indexOf('?');
  const bare = q === -1 ? path : path.slice(0, q);

  let found: CompiledPath | undefined;
  let captures: RegExpExecArray | null = null;
  for (const candidate of PATHS) {
    captures = candidate.regex.exec(bare);
    if (captures) {
      found = candidate;
      break;
    }
  }
  if (!found || !captures) {
    return { ok: false, status: 404, code: NOT_FOUND, message: `The requested resource ${bare} was not found` };
  }

  const verb = method.toUpperCase();
  const op = found.methods.get(verb);
  if (!op) {
    return {
      ok: false,
      status: 405,
      code: METHOD_NOT_ALLOWED,
      message: `Method ${verb} is not allowed on ${found.template} (allowed: ${found.allowed})`,
    };
  }

  // A malformed SID in the path names no resource, which Twilio answers with 404, not 400.
  for (let i = 0; i < op.pathParams.length; i++) {
    const p = op.pathParams[i];
    const value = captures[i + 1];
    if (p?.pattern && value !== undefined && !p.pattern.test(value)) {
      return {
        ok: false,
        status: 404,
        code: NOT_FOUND,
        message: `The requested resource ${bare} was not found: path parameter ${p.name} ${quote(value)} must match ${p.pattern.source}`,
      };
    }
  }

  const bad = (code: number, message: string) => ({ ok: false as const, status: 400 as const, code, message });

  for (const name of Object.keys(params)) {
    const rule = op.rules.get(name);
    if (!rule) {
      return bad(INVALID_PARAMETER, `Unknown parameter '${name}' for ${op.operationId}${suggestion(name, op)}`);
    }
    const raw = params[name];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (rule.type !== 'array' && values.length > 1) {
      return bad(rule.invalidCode, `Parameter '${name}' was given ${values.length} times but takes a single value`);
    }
    const itemRule = rule.item ?? rule;
    for (const value of values) {
      const parts = itemRule.spaceSeparated ? value.split(/\s+/).filter((v) => v !== '') : [value];
      for (const part of parts) {
        const why = problem(itemRule, part);
        if (why !== undefined) {
          return bad(itemRule.invalidCode, `Invalid value ${quote(part)} for parameter '${name}': ${why}`);
        }
      }
    }
  }

  for (const name of op.required) {
    const raw = params[name];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (values.length === 0 || values.every((v) => v === '')) {
      const rule = op.rules.get(name);
      return bad(rule?.missingCode ?? INVALID_PARAMETER, `Missing required parameter '${name}' for ${op.operationId}`);
    }
  }

  return { ok: true, operationId: op.operationId };
}
