// Parses TwiML so tests assert its structure, not its exact text.
import { XMLParser } from 'fast-xml-parser';

export interface TwimlNode {
  verb: string;
  attributes: Record<string, string>;
  text: string;
  children: TwimlNode[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  trimValues: true,
  parseAttributeValue: false,
  parseTagValue: false,
});

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function toNode(raw: OrderedNode): TwimlNode | undefined {
  const verb = Object.keys(raw).find((key) => key !== ':@');
  if (!verb || verb === '#text' || verb === '?xml') return undefined;
  const content = (raw[verb] as OrderedNode[]) ?? [];
  const text = content
    .filter((c) => '#text' in c)
    .map((c) => String(c['#text']))
    .join('');
  const children = content.map(toNode).filter((n): n is TwimlNode => n !== undefined);
  return { verb, attributes: raw[':@'] ?? {}, text, children };
}

/** Returns the <Response> element; throws if the document is not TwiML. */
export function parseTwiml(xml: string): TwimlNode {
  const nodes = (parser.parse(xml) as OrderedNode[]).map(toNode).filter((n): n is TwimlNode => n !== undefined);
  const response = nodes.find((n) => n.verb === 'Response');
  if (!response) throw new Error(`not TwiML: ${xml}`);
  return response;
}
