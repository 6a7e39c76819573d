// The committed subsets of Twilio's OpenAPI descriptions (twilio_api_v2010.subset.json for Voice,
// twilio_sync_v1.subset.json for Sync; made by scripts/extract-openapi.ts), typed for the two checks
// that read them: requests (validate.ts) and responses (validate-response.ts).
import voiceSubsetJson from './twilio_api_v2010.subset.json';
import syncSubsetJson from './twilio_sync_v1.subset.json';

export interface SchemaJson {
  $ref?: string;
  type?: string;
  enum?: string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  items?: SchemaJson;
  properties?: Record<string, SchemaJson>;
  required?: string[];
}
export interface ParameterJson {
  name: string;
  in: string;
  required?: boolean;
  schema: SchemaJson;
}
export interface ResponseJson {
  description: string;
  content?: Record<string, { schema: SchemaJson }>;
}
export interface OperationJson {
  operationId: string;
  parameters?: ParameterJson[];
  requestBody?: { content: Record<string, { schema: SchemaJson }> };
  responses?: Record<string, ResponseJson>;
}
export interface SubsetJson {
  paths: Record<string, Record<string, OperationJson>>;
  components: { schemas: Record<string, SchemaJson> };
}

// The JSON module's inferred literal type is unwieldy to index; the extract script guarantees
// this shape and the test suite exercises every operation, so one cast at the boundary suffices.
export const VOICE_SUBSET = voiceSubsetJson as unknown as SubsetJson;
export const SYNC_SUBSET = syncSubsetJson as unknown as SubsetJson;
export const SUBSETS: readonly SubsetJson[] = [VOICE_SUBSET, SYNC_SUBSET];

/** Follows $ref to the schema it names in its own subset (transitively). */
export function resolve(subset: SubsetJson, schema: SchemaJson): SchemaJson {
  const ref = schema.$ref;
  if (ref === undefined) return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = subset.components.schemas[name];
  if (!target) throw new Error(`openapi subset: unresolved $ref ${ref}`);
  return resolve(subset, target);
}

/** A path template ("/Calls/{Sid}.json") as a regex whose groups are the path parameters. */
export function compileTemplate(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}
