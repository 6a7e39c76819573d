// The rules table of docs/twilio-voice-semantics.md, read as data: the live run prints, for a rule
// that Twilio broke, what the product does about it, and tests/conformance/rules.test.ts checks
// that code, emulator and scenarios cite only rules of the table (the table is the single source).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type RuleStatus = 'documented' | 'inferred' | 'contradicted';

export interface TwilioRule {
  id: string;
  status: RuleStatus;
  /** "(designed out)" after the status: the product no longer rests on it. */
  designedOut: boolean;
  source: string;
  /** Files whose behaviour rests on the rule (each cites it). Empty: nothing relies on it. */
  reliedOnBy: string[];
  /** Files of the emulator that model it (each cites it). */
  emulator: string[];
  /** Ids of conformance/scenarios.ts that check it. */
  scenarios: string[];
  ifTwilioDisagrees: string;
}

export const SEMANTICS_PAGE = resolve(__dirname, '..', 'docs', 'twilio-voice-semantics.md');
/**
 * The rules a source file cites: comments of `twilio-rule:` then the ids, comma-separated (a note
 * in parentheses may follow them).
 */
export function citationsIn(source: string): string[] {
  const ids: string[] = [];
  for (const m of source.matchAll(/twilio-rule: ([^(*\n]*)/g)) {
    for (const id of m[1]
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean))
      ids.push(id);
  }
  return ids;
}

const list = (cell: string): string[] =>
  cell
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The rows of the "## The rules table" section; throws on a row it cannot read. */
export function parseRulesTable(markdown: string): TwilioRule[] {
  const start = markdown.indexOf('\n## The rules table');
  if (start < 0) throw new Error('no "## The rules table" section');
  const end = markdown.indexOf('\n## ', start + 1);
  const rows = markdown
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((l) => l.startsWith('| `'));
  return rows.map((line) => {
    const cells = line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split('|')
      .map((c) => c.trim());
    if (cells.length !== 7) throw new Error(`a rules table row has ${cells.length} cells, not 7: ${line.slice(0, 80)}`);
    const [id, status, source, reliedOnBy, emulator, scenarios, ifTwilioDisagrees] = cells;
    const statusWord = status.split(' ')[0];
    if (!['documented', 'inferred', 'contradicted'].includes(statusWord)) throw new Error(`rule ${id}: unknown status ${status}`);
    return {
      id: id.replace(/`/g, ''),
      status: statusWord as RuleStatus,
      designedOut: status.includes('(designed out)'),
      source,
      reliedOnBy: list(reliedOnBy),
      emulator: list(emulator),
      scenarios: list(scenarios),
      ifTwilioDisagrees,
    };
  });
}

let cached: TwilioRule[] | undefined;

export function rulesTable(): TwilioRule[] {
  cached ??= parseRulesTable(readFileSync(SEMANTICS_PAGE, 'utf8'));
  return cached;
}

export function ruleById(id: string): TwilioRule | undefined {
  return rulesTable().find((r) => r.id === id);
}
