/**
 * Regenerates emulator/openapi/twilio_api_v2010.subset.json (Voice: calls, conferences, queues) and
 * emulator/openapi/twilio_sync_v1.subset.json (Sync: services, maps, map items) from Twilio's
 * OpenAPI description.
 *
 *   npx tsx scripts/extract-openapi.ts
 *
 * The full spec (2 MB, 120+ paths) is far more than the emulator needs, and it is not on npm as a
 * package of its own: @twilio-alpha/mcp ships a copy of twilio/twilio-oai. We `npm pack` that
 * package into a temp dir instead of depending on it, so the project's install stays small and the
 * subset is reproducible from a pinned version.
 *
 * Both sides of each operation are kept: the request parameters (emulator/openapi/validate.ts
 * checks what the functions send) and the response schemas (emulator/openapi/validate-response.ts
 * checks what the emulator answers, in every emulator and end-to-end test).
 *
 * Output is deterministic (recursively sorted keys, no timestamps), so re-running it on the same
 * package version yields a byte-identical file and a diff only when the input really changed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PACKAGE = '@twilio-alpha/mcp';
const VERSION = '0.7.0';
const SPEC_DIR_IN_TARBALL = 'package/twilio-oai/spec/json';
const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'emulator', 'openapi');
// Debian's base-files ships the verbatim Apache-2.0 text; used only if the package has no LICENSE.
const DEBIAN_APACHE_2 = '/usr/share/common-licenses/Apache-2.0';

type Wanted = ReadonlyArray<readonly [string, 'get' | 'post' | 'delete', string]>;

const A = '/2010-04-01/Accounts/{AccountSid}';
/** The 2010-04-01 operations the project (functions + emulator) uses, by path template and method. */
const VOICE: Wanted = [
  [`${A}/Calls.json`, 'post', 'CreateCall'],
  [`${A}/Calls.json`, 'get', 'ListCall'],
  [`${A}/Calls/{Sid}.json`, 'get', 'FetchCall'],
  [`${A}/Calls/{Sid}.json`, 'post', 'UpdateCall'],
  [`${A}/Conferences.json`, 'get', 'ListConference'],
  [`${A}/Conferences/{Sid}.json`, 'get', 'FetchConference'],
  [`${A}/Conferences/{Sid}.json`, 'post', 'UpdateConference'],
  [`${A}/Conferences/{ConferenceSid}/Participants.json`, 'post', 'CreateParticipant'],
  [`${A}/Conferences/{ConferenceSid}/Participants.json`, 'get', 'ListParticipant'],
  [`${A}/Conferences/{ConferenceSid}/Participants/{CallSid}.json`, 'get', 'FetchParticipant'],
  [`${A}/Conferences/{ConferenceSid}/Participants/{CallSid}.json`, 'post', 'UpdateParticipant'],
  [`${A}/Conferences/{ConferenceSid}/Participants/{CallSid}.json`, 'delete', 'DeleteParticipant'],
  [`${A}/Queues.json`, 'post', 'CreateQueue'],
  [`${A}/Queues.json`, 'get', 'ListQueue'],
  [`${A}/Queues/{Sid}.json`, 'get', 'FetchQueue'],
  [`${A}/Queues/{Sid}.json`, 'post', 'UpdateQueue'],
  [`${A}/Queues/{Sid}.json`, 'delete', 'DeleteQueue'],
  [`${A}/Queues/{QueueSid}/Members.json`, 'get', 'ListMember'],
  [`${A}/Queues/{QueueSid}/Members/{CallSid}.json`, 'get', 'FetchMember'],
  [`${A}/Queues/{QueueSid}/Members/{CallSid}.json`, 'post', 'UpdateMember'],
];

const S = '/v1/Services';
/** The Sync operations: the call state of the hold console (lib/state/) lives in a Sync Map. */
const SYNC: Wanted = [
  [S, 'post', 'CreateService'],
  [S, 'get', 'ListService'],
  [`${S}/{Sid}`, 'get', 'FetchService'],
  [`${S}/{ServiceSid}/Maps`, 'post', 'CreateSyncMap'],
  [`${S}/{ServiceSid}/Maps`, 'get', 'ListSyncMap'],
  [`${S}/{ServiceSid}/Maps/{Sid}`, 'get', 'FetchSyncMap'],
  [`${S}/{ServiceSid}/Maps/{Sid}`, 'delete', 'DeleteSyncMap'],
  [`${S}/{ServiceSid}/Maps/{MapSid}/Items`, 'post', 'CreateSyncMapItem'],
  [`${S}/{ServiceSid}/Maps/{MapSid}/Items`, 'get', 'ListSyncMapItem'],
  [`${S}/{ServiceSid}/Maps/{MapSid}/Items/{Key}`, 'get', 'FetchSyncMapItem'],
  [`${S}/{ServiceSid}/Maps/{MapSid}/Items/{Key}`, 'post', 'UpdateSyncMapItem'],
  [`${S}/{ServiceSid}/Maps/{MapSid}/Items/{Key}`, 'delete', 'DeleteSyncMapItem'],
];

interface SpecToExtract {
  /** The spec's file name in twilio-oai's spec/json. */
  file: string;
  out: string;
  wanted: Wanted;
}

const SPECS: readonly SpecToExtract[] = [
  { file: 'twilio_api_v2010.json', out: 'twilio_api_v2010.subset.json', wanted: VOICE },
  { file: 'twilio_sync_v1.json', out: 'twilio_sync_v1.subset.json', wanted: SYNC },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: Json | undefined, where: string): JsonObject {
  if (!isObject(v)) throw new Error(`spec: expected an object at ${where}`);
  return v;
}

// JSON-Schema keywords worth keeping; descriptions, examples and x-twilio (PII handling) are
// documentation only and make up most of the spec's bulk.
const SCHEMA_KEYWORDS = new Set([
  '$ref',
  'default',
  'enum',
  'format',
  'items',
  'maxLength',
  'maximum',
  'minLength',
  'minimum',
  'nullable',
  'pattern',
  'properties',
  'required',
  'title',
  'type',
]);

function reduceSchema(schema: Json, where: string, refs: Set<string>): JsonObject {
  const src = obj(schema, where);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(src)) {
    if (!SCHEMA_KEYWORDS.has(key)) continue;
    if (key === '$ref') {
      if (typeof value !== 'string') throw new Error(`spec: bad $ref at ${where}`);
      refs.add(value);
      out[key] = value;
    } else if (key === 'properties') {
      const props: JsonObject = {};
      for (const [name, sub] of Object.entries(obj(value, `${where}.properties`))) {
        props[name] = reduceSchema(sub, `${where}.properties.${name}`, refs);
      }
      out[key] = props;
    } else if (key === 'items') {
      out[key] = reduceSchema(value, `${where}.items`, refs);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function reduceOperation(op: JsonObject, where: string, refs: Set<string>): JsonObject {
  const out: JsonObject = { operationId: op['operationId'] ?? null };
  const params = op['parameters'];
  if (Array.isArray(params)) {
    out['parameters'] = params.map((p, i) => {
      const param = obj(p, `${where}.parameters[${i}]`);
      const reduced: JsonObject = {
        in: param['in'] ?? null,
        name: param['name'] ?? null,
        schema: reduceSchema(param['schema'] ?? {}, `${where}.parameters.${String(param['name'])}`, refs),
      };
      if (param['required'] === true) reduced['required'] = true;
      return reduced;
    });
  }
  if (op['requestBody'] !== undefined) {
    const content = obj(obj(op['requestBody'], `${where}.requestBody`)['content'], `${where}.requestBody.content`);
    const form = content['application/x-www-form-urlencoded'];
    if (!isObject(form)) throw new Error(`spec: ${where} has no form-encoded request body`);
    out['requestBody'] = {
      content: {
        'application/x-www-form-urlencoded': {
          schema: reduceSchema(form['schema'] ?? {}, `${where}.requestBody`, refs),
        },
      },
    };
  }
  const responses: JsonObject = {};
  for (const [status, r] of Object.entries(obj(op['responses'], `${where}.responses`))) {
    const resp = obj(r, `${where}.responses.${status}`);
    const reduced: JsonObject = { description: resp['description'] ?? '' };
    if (isObject(resp['content'])) {
      const json = resp['content']['application/json'];
      if (isObject(json) && json['schema'] !== undefined) {
        reduced['content'] = {
          'application/json': { schema: reduceSchema(json['schema'], `${where}.responses.${status}`, refs) },
        };
      }
    }
    responses[status] = reduced;
  }
  out['responses'] = responses;
  return out;
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as Json);
  return out;
}

function findFile(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = findFile(full, name);
      if (hit) return hit;
    } else if (entry.name === name) {
      return full;
    }
  }
  return undefined;
}

/** Reduces one spec of the unpacked package in `tmp` to the operations in `wanted`. */
function extractSubset(tmp: string, wanted: SpecToExtract, integrity: string): void {
  const expectedPath = `${SPEC_DIR_IN_TARBALL}/${wanted.file}`;
  const outFile = path.join(OUT_DIR, wanted.out);
  let specFile = path.join(tmp, expectedPath);
  let specPathInTarball = expectedPath;
  if (!fs.existsSync(specFile)) {
    const found = findFile(path.join(tmp, 'package'), wanted.file);
    if (!found) throw new Error(`${expectedPath} is not in ${PACKAGE}@${VERSION}`);
    specFile = found;
    specPathInTarball = path.relative(tmp, found).split(path.sep).join('/');
    console.warn(`note: spec found at ${specPathInTarball}, not at ${expectedPath}`);
  }
  const raw = fs.readFileSync(specFile);
  const spec = obj(JSON.parse(raw.toString('utf8')) as Json, 'root');
  const specPaths = obj(spec['paths'], 'paths');
  const schemas = obj(obj(spec['components'], 'components')['schemas'], 'components.schemas');

  const refs = new Set<string>();
  const paths: JsonObject = {};
  for (const [template, method, operationId] of wanted.wanted) {
    const op = obj(obj(specPaths[template], template)[method], `${method.toUpperCase()} ${template}`);
    if (op['operationId'] !== operationId) {
      throw new Error(`spec: ${method.toUpperCase()} ${template} is ${String(op['operationId'])}, expected ${operationId}`);
    }
    const item = (paths[template] ??= {}) as JsonObject;
    item[method] = reduceOperation(op, operationId, refs);
  }

  // The response side: every operation keeps its success response, with the JSON schema that
  // emulator/openapi/validate-response.ts checks the emulator's answers against, or with no body
  // (a 204). A spec release that dropped one would silently stop that check, so it is an error.
  for (const [template, method, operationId] of wanted.wanted) {
    const responses = obj(obj(obj(paths[template], template)[method], operationId)['responses'], `${operationId}.responses`);
    const success = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
    if (success.length === 0) throw new Error(`spec: ${operationId} declares no 2xx response`);
    for (const [status, response] of success) {
      const hasSchema = isObject(response) && isObject(response['content']);
      if (!hasSchema && status !== '204') throw new Error(`spec: ${operationId} ${status} has no JSON response schema`);
    }
  }

  // Pull in referenced schemas transitively (a response schema refers to its enums).
  const kept: JsonObject = {};
  const pending = [...refs];
  while (pending.length > 0) {
    const ref = pending.pop() as string;
    const prefix = '#/components/schemas/';
    if (!ref.startsWith(prefix)) throw new Error(`spec: unsupported $ref ${ref}`);
    const name = ref.slice(prefix.length);
    if (kept[name] !== undefined) continue;
    const more = new Set<string>();
    kept[name] = reduceSchema(schemas[name] ?? null, `components.schemas.${name}`, more);
    for (const r of more) pending.push(r);
  }

  const sourceInfo = obj(spec['info'], 'info');
  const subset: JsonObject = {
    openapi: spec['openapi'] ?? '3.0.1',
    info: {
      title: `${String(sourceInfo['title'])} (subset used by the local emulator)`,
      version: sourceInfo['version'] ?? null,
      license: sourceInfo['license'] ?? null,
      'x-derived-from': {
        repository: 'twilio/twilio-oai',
        file: `spec/json/${wanted.file}`,
        npmPackage: `${PACKAGE}@${VERSION}`,
        npmIntegrity: integrity,
        pathInTarball: specPathInTarball,
        sha256: createHash('sha256').update(raw).digest('hex'),
        reduction: 'only the operations below; descriptions, examples, headers and x-twilio annotations removed',
      },
    },
    servers: spec['servers'] ?? [],
    paths,
    components: { schemas: kept },
  };

  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(sortKeys(subset), null, 2)}\n`);

  console.log(`wrote ${path.relative(ROOT, outFile)}: ${wanted.wanted.length} operations, ${Object.keys(kept).length} schemas`);
}

function main(): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twilio-oai-'));
  try {
    // --ignore-scripts: we only want the tarball; nothing from it may run here.
    const packed = execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--json', '--ignore-scripts', '--pack-destination', tmp], {
      cwd: tmp,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const info = JSON.parse(packed) as Array<{ filename: string; integrity: string }>;
    const first = info[0];
    if (!first) throw new Error('npm pack reported no tarball');
    execFileSync('tar', ['-xzf', path.join(tmp, first.filename), '-C', tmp]);

    for (const spec of SPECS) extractSubset(tmp, spec, first.integrity);

    // Apache-2.0 s.4(a) wants the licence text to travel with a derived work.
    const licenseOut = path.join(OUT_DIR, 'LICENSE-twilio-oai');
    const shipped = ['package/twilio-oai/LICENSE', 'package/twilio-oai/LICENSE.md', 'package/twilio-oai/LICENSE.txt']
      .map((p) => path.join(tmp, p))
      .find((p) => fs.existsSync(p));
    if (shipped) {
      fs.copyFileSync(shipped, licenseOut);
      console.log(`copied ${path.relative(tmp, shipped)} -> ${path.relative(ROOT, licenseOut)}`);
    } else if (fs.existsSync(DEBIAN_APACHE_2)) {
      fs.copyFileSync(DEBIAN_APACHE_2, licenseOut);
      console.log(`${PACKAGE}@${VERSION} ships no twilio-oai LICENSE; copied ${DEBIAN_APACHE_2} instead`);
    } else if (!fs.existsSync(licenseOut)) {
      throw new Error(`no Apache-2.0 text found for ${path.relative(ROOT, licenseOut)}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
