// The rules table of docs/twilio-voice-semantics.md is the single source of the Twilio behaviour
// the product relies on: code cites only its rules, every file it names cites the rule, and every
// rule something relies on is checked by a conformance scenario (live on Twilio, offline here).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { citationsIn, parseRulesTable, rulesTable } from '../../conformance/rules';
import { SCENARIOS } from '../../conformance/scenarios';

const ROOT = resolve(__dirname, '..', '..');
const CODE_DIRS = ['lib', 'functions', 'emulator', 'conformance', 'harness', 'scripts', 'assets-src'];

function sourceFiles(dir: string): string[] {
  const full = join(ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(full);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(full, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(ROOT, path));
    return /\.(ts|js)$/.test(name) ? [relative(ROOT, path)] : [];
  });
}

const rules = rulesTable();
const ids = new Set(rules.map((r) => r.id));
const citations = CODE_DIRS.flatMap(sourceFiles).flatMap((file) =>
  citationsIn(readFileSync(join(ROOT, file), 'utf8')).map((id) => ({ file, id })),
);

describe('the rules table', () => {
  it('has unique ids, and a status and a source for each rule', () => {
    expect(rules.length).toBeGreaterThan(10);
    expect(ids.size).toBe(rules.length);
    for (const r of rules) expect(r.source.length).toBeGreaterThan(20);
  });

  it('a documented rule quotes a Twilio page; an inferred or contradicted one says why', () => {
    for (const r of rules) {
      if (r.status === 'documented') expect(`${r.id}: ${r.source}`).toMatch(/twilio\.com.*"/);
      else expect(`${r.id}: ${r.source}`).toMatch(/\w+ \w+ \w+/);
    }
  });

  it('code cites no rule that is missing from the table', () => {
    expect(citations.length).toBeGreaterThan(20);
    expect(citations.filter((c) => !ids.has(c.id))).toEqual([]);
  });

  it('every file the table names cites the rule, and every file citing a rule is named', () => {
    const named = new Set(rules.flatMap((r) => [...r.reliedOnBy, ...r.emulator].map((file) => `${file} ${r.id}`)));
    const cited = new Set(citations.map((c) => `${c.file} ${c.id}`));
    expect([...named].filter((x) => !cited.has(x))).toEqual([]);
    const citedByCode = [...cited].filter((x) => x.startsWith('lib/') || x.startsWith('emulator/'));
    expect(citedByCode.filter((x) => !named.has(x))).toEqual([]);
  });

  it('every rule something relies on names a scenario, and every scenario it names exists and checks it', () => {
    const scenarioIds = new Set(SCENARIOS.map((s) => s.id));
    for (const r of rules) {
      if (r.reliedOnBy.length > 0) expect(`${r.id}: ${r.scenarios.length}`).not.toBe(`${r.id}: 0`);
      for (const s of r.scenarios) {
        expect(`${r.id} -> ${s}: ${scenarioIds.has(s)}`).toBe(`${r.id} -> ${s}: true`);
        expect(`${s} checks ${r.id}: ${SCENARIOS.find((x) => x.id === s)?.rules.includes(r.id)}`).toBe(`${s} checks ${r.id}: true`);
      }
    }
  });

  it('every scenario checks rules of the table only, and the table names it for each', () => {
    for (const s of SCENARIOS) {
      expect(s.rules.length).toBeGreaterThan(0);
      expect(s.rules.filter((id) => !ids.has(id))).toEqual([]);
      expect(s.rules.filter((id) => !rules.find((r) => r.id === id)!.scenarios.includes(s.id)).map((id) => `${s.id} -> ${id}`)).toEqual([]);
      // Every observation it judges by names rules the scenario checks.
      for (const judged of Object.values(s.judges ?? {})) expect(judged.filter((id) => !s.rules.includes(id))).toEqual([]);
    }
  });

  it('fails on a row it cannot read, and on a missing section', () => {
    expect(() => parseRulesTable('# x\n')).toThrow(/no "## The rules table"/);
    expect(() => parseRulesTable('\n## The rules table\n| `a` | maybe | s | | | | x |\n')).toThrow(/unknown status/);
    expect(() => parseRulesTable('\n## The rules table\n| `a` | documented | s |\n')).toThrow(/cells/);
  });

  it('reads the ids cited in a comment, with a note after them', () => {
    expect(citationsIn('// twilio-rule: a-b, c (why)\nx\n/* twilio-rule: d */')).toEqual(['a-b', 'c', 'd']);
  });
});
