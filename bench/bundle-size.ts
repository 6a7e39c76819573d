// The bundle size of each function before and after the hold modes got one shape (a one-off
// measurement: the code it compares with is gone). \`npm run bench\` writes it into BENCHMARKS.md
// as it stands, like the other measurements it does not re-run; today's sizes are in "Deploy size".
export function bundleSizeSection(): string {
  return `## Bundle size of each function

What each built function carries (scripts/build.ts bundles \`lib/\` into every \`dist/functions/<name>.js\`;
npm packages stay external). Measured on 2026-12-06 by bundling each function as scripts/build.ts does
and reading esbuild's metafile, once on the code before the hold modes were given one shape and the
conference lookups, URL builders and settings one home each ("before"), once after ("after"). Bytes
are the function's file; "lib files" are the files of \`lib/\` with code in it (esbuild leaves out what
a function does not use); "state" names the modules of \`lib/state/\` (the call record in Sync and
its events) with code in it. Byte counts are
exact and do not depend on the machine's load.

\`\`\`
for f in functions/*.ts; do
  n=$(basename "$f" .ts)
  npx esbuild "$f" --bundle --platform=node --target=node20 --format=cjs --packages=external --log-level=error \\
    --metafile=/tmp/bundle-meta.json --outfile=/tmp/bundle-out.js
  node -e 'const m=require("/tmp/bundle-meta.json");const o=Object.values(m.outputs)[0];const lib=Object.entries(o.inputs).filter(([p,i])=>p.startsWith("lib/")&&i.bytesInOutput>0);const st=lib.filter(([p])=>p.startsWith("lib/state/")).map(([p])=>p.slice(10,-3));console.log([process.argv[1],o.bytes,lib.length,st.join(" ")||"-"].join("\\t"))' "$n"
done
\`\`\`

| function | bytes before | bytes after | change | lib files before | lib files after | state before | state after |
| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |
| \`agent-alone.protected\` | 19416 | 20136 | +720 | 20 | 19 | call-store call-events | - |
| \`agent-hold-loop.protected\` | 52583 | 53005 | +422 | 32 | 33 | call-record event-delivery call-store call-events dial-events | call-record event-delivery call-store call-events |
| \`agent-leg-status.protected\` | 60276 | 61347 | +1071 | 38 | 41 | call-record event-delivery call-store call-events dial-events conference-events | call-record event-delivery call-store call-events |
| \`agent-rejoin-hold.protected\` | 16077 | 16692 | +615 | 21 | 22 | call-store call-events | call-store call-events |
| \`agent-screen.protected\` | 41482 | 43324 | +1842 | 25 | 30 | call-record event-delivery call-store call-events conference-events | call-record event-delivery call-store call-events |
| \`agent-status.protected\` | 57647 | 58676 | +1029 | 35 | 38 | call-record event-delivery call-store call-events conference-events | call-record event-delivery call-store call-events |
| \`agent-token\` | 10711 | 11082 | +371 | 12 | 13 | - | - |
| \`calls\` | 32022 | 33726 | +1704 | 22 | 27 | call-record call-store hearing reconcile | call-record call-store hearing reconcile |
| \`conference-status.protected\` | 40070 | 40559 | +489 | 21 | 22 | call-record event-delivery call-store call-events conference-events | call-record event-delivery call-store call-events |
| \`hold-music.protected\` | 48912 | 49754 | +842 | 27 | 29 | call-record event-delivery call-store call-events | call-record event-delivery call-store call-events |
| \`hold-queue-ended.protected\` | 47437 | 47838 | +401 | 30 | 31 | call-record event-delivery call-store call-events dial-events | call-record event-delivery call-store call-events |
| \`hold-warning.protected\` | 12907 | 12566 | -341 | 15 | 13 | call-store call-events | - |
| \`hold\` | 36151 | 37351 | +1200 | 28 | 31 | call-store call-events | - |
| \`incoming-call.protected\` | 57764 | 58881 | +1117 | 35 | 38 | call-record event-delivery call-store call-events conference-events | call-record event-delivery call-store call-events |
| \`line-left.protected\` | 35123 | 35658 | +535 | 22 | 23 | call-record event-delivery call-store call-events | call-record event-delivery call-store call-events |
| \`line-wait.protected\` | 58402 | 59496 | +1094 | 34 | 37 | call-record event-delivery call-store call-events conference-events | call-record event-delivery call-store call-events |
| \`test-calls\` | 9930 | 10326 | +396 | 10 | 10 | - | - |
| \`unhold\` | 36163 | 37363 | +1200 | 28 | 31 | call-store call-events | - |
| all 18 | 673073 | 687780 | +14707 | | | | |

\`/hold\`, \`/unhold\`, \`/hold-warning\` and \`/agent-alone\` no longer carry the call-record store: they
ran none of it, but imported a module that did (the hold limit's URL builder, its warning's words,
the conference lookup). Two modules left \`lib/state/\` for the mode they belong to
(\`conference-events\` is now \`lib/conference/status-callback.ts\`, \`dial-events\` is \`lib/dial/record-events.ts\`):
the functions that run them still carry them. Bytes grew by 0.3-1.8 KB elsewhere: the mode's
parts (\`lib/hold-mode.ts\`, \`lib/conference/mode.ts\`, \`lib/dial/mode.ts\`), the settings' own module,
\`isSid\` and \`logFailure\`. A function loads its bundle once per cold start; the cold-load figures
above are dominated by the \`twilio\` package, not by these bytes.
`;
}
