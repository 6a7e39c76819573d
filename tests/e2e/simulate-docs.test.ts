// docs/simulate.md prints what `npm run simulate` prints: a real run in each mode is compared
// with the page (ports and shortened random SIDs aside). When behaviour changes on purpose,
// `npm run simulate:docs` writes the new output into the page.
import { documentedOutput, normalized, simulate } from '../../scripts/simulate-docs';

describe.each(['conference', 'dial'] as const)('docs/simulate.md, %s mode', (mode) => {
  it('prints exactly what a real run prints', () => {
    const run = simulate(mode);
    expect(run.status).toBe(0);
    expect(normalized(run.output)).toBe(normalized(documentedOutput(mode)));
  });
});
