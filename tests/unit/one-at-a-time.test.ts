// One call's holds and resumes run one at a time in a process, even when they come from two
// bundles (each built function carries its own copy of lib/platform/one-at-a-time.ts).
type OneAtATime = typeof import('../../lib/platform/one-at-a-time').oneAtATime;

function freshCopy(): OneAtATime {
  let copy: OneAtATime | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second, separately loaded copy of the module, as a second bundle has
    copy = require('../../lib/platform/one-at-a-time').oneAtATime;
  });
  return copy!;
}

it('two copies of the module (two bundles) queue one key together, in arrival order', async () => {
  const holdCopy = freshCopy();
  const unholdCopy = freshCopy();
  expect(holdCopy).not.toBe(unholdCopy);
  const order: string[] = [];
  let release!: () => void;
  const first = holdCopy('CA1', async () => {
    order.push('hold starts');
    await new Promise<void>((done) => (release = done));
    order.push('hold ends');
  });
  const second = unholdCopy('CA1', async () => {
    order.push('unhold runs');
  });
  const other = unholdCopy('CA2', async () => {
    order.push('another call runs');
  });
  await other;
  release();
  await Promise.all([first, second]);
  expect(order).toEqual(['hold starts', 'another call runs', 'hold ends', 'unhold runs']);
});
