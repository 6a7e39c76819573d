/**
 * The conformance suite's runner.
 *
 *   npm run conformance                 every scenario on the local emulator (offline, free)
 *   npm run conformance -- --live       every scenario on the emulator AND on your Twilio account,
 *                                       then a table: rule, emulator, Twilio, agree/disagree, and a
 *                                       verdict per rule (with what the product does about a failed one)
 *   ... -- --live --yes                 without the question before the calls are placed
 *   ... -- --only=id[,id]               some scenarios only (ids: --list)
 *   ... -- --list                       the scenarios, their sources and what each costs live
 *
 * Live needs .env (ACCOUNT_SID, AUTH_TOKEN, CONFORMANCE_CALLER_NUMBER, CONFORMANCE_BUSINESS_NUMBER,
 * CONFORMANCE_PUBLIC_URL, optional CONFORMANCE_PORT) and a tunnel to the recorder's port:
 * docs/conformance.md. Exit status: 0 when everything agrees (offline: the emulator does what each
 * scenario pins), 1 on any disagreement, 2 when it could not run.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EmulatorTarget } from './emulator-target';
import { LiveTarget, confirmLiveRun, liveConfig } from './live-target';
import { ruleById } from './rules';
import { SCENARIOS, totalCost } from './scenarios';
import type { Observation, Scenario } from './target';
import { type Row, compare, renderTable, renderVerdicts, ruleVerdicts } from './table';
import type { Target } from './target';

interface Options {
  live: boolean;
  list: boolean;
  yes: boolean;
  only?: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { live: false, list: false, yes: false };
  for (const arg of argv) {
    if (arg === '--live') options.live = true;
    else if (arg === '--list') options.list = true;
    else if (arg === '--yes') options.yes = true;
    else if (arg.startsWith('--only=')) options.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg} (use --live, --yes, --only=id,id, --list)`);
  }
  return options;
}

/** Runs one scenario and always cleans up, even when it throws. */
async function observe(scenario: Scenario, target: Target): Promise<Observation> {
  try {
    return await scenario.run(target);
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    await target.cleanup().catch((e: Error) => console.error(`clean-up after ${scenario.id} on ${target.kind} failed: ${e.message}`));
  }
}

async function onEmulator(scenario: Scenario): Promise<Observation> {
  const target = await EmulatorTarget.start();
  try {
    return await observe(scenario, target);
  } finally {
    await target.close();
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const unknown = options.only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`no scenario ${unknown.join(', ')} (see --list)`);
  const scenarios = options.only ? SCENARIOS.filter((s) => options.only!.includes(s.id)) : SCENARIOS;
  const cost = totalCost(scenarios);

  if (options.list) {
    for (const s of scenarios)
      console.log(`${s.id}\n  ${s.rule}\n  source: ${s.source}\n  live cost: ${s.cost.legs} call legs, about ${s.cost.minutes} min\n`);
    console.log(
      `total live cost: ${cost.legs} call legs (each answered leg billed per started minute), about ${cost.minutes} min of wall time`,
    );
    return 0;
  }

  const rows: Row[] = [];
  const runs: Parameters<typeof ruleVerdicts>[0] = [];
  const whatTheProductDoes = (rule: string): string | undefined => ruleById(rule)?.ifTwilioDisagrees;
  if (!options.live) {
    for (const s of scenarios) {
      const observed = await onEmulator(s);
      rows.push(...compare(s, s.emulator, observed));
      runs.push({ scenario: s, expected: s.emulator, observed });
    }
    console.log(renderTable(rows, 'observed'));
    console.log('\n(offline: "emulator" is what each scenario pins, "observed" what the emulator did now)\n');
    console.log(renderVerdicts(ruleVerdicts(runs), whatTheProductDoes));
    return rows.every((r) => r.agree) ? 0 : 1;
  }

  const envFile = resolve(__dirname, '..', '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = liveConfig(process.env);
  console.log(
    `Live run on account ${config.accountSid}: ${scenarios.length} scenarios, ${cost.legs} call legs ` +
      `(each answered leg billed per started minute, so at most ${cost.legs} leg-minutes and about ${Math.ceil(cost.minutes)} min of wall time). ` +
      `Numbers ${config.callerNumber} and ${config.businessNumber} point at ${config.publicUrl} during the run and are restored after it; ` +
      `every call is hung up and every queue deleted after each scenario.`,
  );
  if (!(await confirmLiveRun(options.yes, process.stdin, process.stdout))) {
    console.log('Nothing was placed.');
    return 2;
  }
  const live = await LiveTarget.open(config);
  try {
    for (const s of scenarios) {
      console.log(`- ${s.id}`);
      const emulator = await onEmulator(s);
      const twilio = await observe(s, live);
      rows.push(...compare(s, emulator, twilio));
      runs.push({ scenario: s, expected: emulator, observed: twilio });
    }
  } finally {
    await live.close();
  }
  console.log(`\n${renderTable(rows)}\n`);
  console.log(renderVerdicts(ruleVerdicts(runs), whatTheProductDoes));
  const disagreements = rows.filter((r) => !r.agree).length;
  console.log(
    disagreements === 0
      ? '\nThe emulator agrees with Twilio on every rule checked.'
      : `\n${disagreements} disagreement(s): the emulator (and docs/twilio-voice-semantics.md) must follow Twilio; see docs/conformance.md.`,
  );
  return disagreements === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(error.message);
    process.exitCode = 2;
  },
);
