// The live run's report: for each scenario and each thing it observed, what the emulator did,
// what Twilio did, and whether they agree. Pure, so the format is tested offline.
import type { Observation, Scenario } from './scenarios';

export interface Row { rule: string; emulator: string; twilio: string; agree: boolean }

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
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i])).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}
