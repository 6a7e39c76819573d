// The live run's report: for each scenario and each thing it observed, what the emulator did,
// what Twilio did, and whether they agree. Pure, so the format is tested offline.
import type { Observation, Scenario } from './target';

export interface Row {
  rule: string;
  emulator: string;
  twilio: string;
  agree: boolean;
}

/** One row per observed key; the rule (scenario id) is named on its first row only. */
export function compare(scenario: Scenario, emulator: Observation, twilio: Observation): Row[] {
  const keys = [...new Set([...Object.keys(scenario.emulator), ...Object.keys(emulator), ...Object.keys(twilio)])];
  return keys.map((key, i) => ({
    rule: i === 0 ? scenario.id : '',
    emulator: `${key}: ${emulator[key] ?? '(not observed)'}`,
    twilio: `${key}: ${twilio[key] ?? '(not observed)'}`,
    agree: emulator[key] === twilio[key],
  }));
}

/** `against` names the third column: Twilio live, or the emulator's own run offline. */
export function renderTable(rows: Row[], against = 'Twilio'): string {
  const cells = rows.map((r) => [r.rule, r.emulator, r.twilio, r.agree ? 'agree' : 'DISAGREE']);
  const header = ['rule', 'emulator', against, 'agree'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string =>
    c
      .map((x, i) => x.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

/** One rule's verdict: every observation that judges it agreed (conformance/scenarios.ts `judges`). */
export interface RuleVerdict {
  rule: string;
  ok: boolean;
  scenarios: string[];
}

/** The rules each observation key of a scenario judges. */
export function rulesJudgedBy(scenario: Scenario, key: string): string[] {
  return scenario.judges?.[key] ?? scenario.rules;
}

/** Per rule, from each scenario run: what was expected (the emulator) against what was observed. */
export function ruleVerdicts(runs: { scenario: Scenario; expected: Observation; observed: Observation }[]): RuleVerdict[] {
  const verdicts = new Map<string, RuleVerdict>();
  for (const { scenario, expected, observed } of runs) {
    for (const rule of scenario.rules) {
      const v = verdicts.get(rule) ?? { rule, ok: true, scenarios: [] };
      if (!v.scenarios.includes(scenario.id)) v.scenarios.push(scenario.id);
      verdicts.set(rule, v);
    }
    const keys = new Set([...Object.keys(expected), ...Object.keys(observed)]);
    for (const key of keys) {
      if (expected[key] === observed[key]) continue;
      // An error, or a key nobody expected, judges every rule of the scenario.
      const judged = key in expected ? rulesJudgedBy(scenario, key) : scenario.rules;
      for (const rule of judged) verdicts.get(rule)!.ok = false;
    }
  }
  return [...verdicts.values()];
}

/** The verdicts, a failed rule with what the product does about it (`ifTwilioDisagrees` of the rules table). */
export function renderVerdicts(verdicts: RuleVerdict[], whatTheProductDoes: (rule: string) => string | undefined): string {
  const lines = verdicts.map((v) => {
    const head = `${v.ok ? 'PASS' : 'FAIL'}  ${v.rule}  (${v.scenarios.join(', ')})`;
    if (v.ok) return head;
    return `${head}\n      what the product does about it: ${whatTheProductDoes(v.rule) ?? '(the rule is not in the table)'}`;
  });
  return ['Rules (docs/twilio-voice-semantics.md, "The rules table"):', ...lines.map((l) => `  ${l}`)].join('\n');
}
