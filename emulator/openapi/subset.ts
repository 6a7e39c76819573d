// The committed subset of Twilio's OpenAPI description (twilio_api_v2010.subset.json, made by
// scripts/extract-openapi.ts), typed for the two checks that read it: requests (validate.ts) and
// responses (validate-response.ts).
import subsetJson from './twilio_api_v2010.subset.json';

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
interface SubsetJson {
  paths: Record<string, Record<string, OperationJson>>;
  components: { schemas: Record<string, SchemaJson> };
}

// The JSON module's inferred literal type is unwieldy to index; the extract script guarantees
// this shape and the test suite exercises every operation, so one cast at the boundary suffices.
export const SUBSET = subsetJson as unknown as SubsetJson;

/** Follows $ref to the schema it names (transitively). */
export function resolve(schema: SchemaJson): SchemaJson {
  const ref = schema.$ref;
  if (ref === undefined) return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = SUBSET.components.schemas[name];
  if (!target) throw new Error(`openapi subset: unresolved $ref ${ref}`);
  return resolve(target);
}

/** A path template ("/Calls/{Sid}.json") as a regex whose groups are the path parameters. */
export function compileTemplate(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}
