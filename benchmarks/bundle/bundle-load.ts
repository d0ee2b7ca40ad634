import * as fs from 'fs';
import * as path from 'path';
import { smokeTest } from './bundle-smoke';
import { bundleSize, BuildOptions, buildVariant, BuiltVariant, makeWorkDir } from './bundle-variants';
import { coldRequire, LoadTime } from './load-time';
import { SHIPPED_BUNDLE } from './shipped-bundle';
import { kib, ratio, verdict } from '../support/format';
import { table } from '../support/markdown';
import { randomStream } from '../support/random';
import { Section } from '../support/report';
import { median, shuffled } from '../support/stats';

/**
 * Benchmark 5: the handler bundle's size and cold load time, as a ratio to the bare Rekognition
 * client bundled the same way; and what other esbuild options would
 * change, each what-if proven to work before it is timed.
 */

const ROUNDS = 24;
const TARGET = 1.2;

const AS_BUILT: BuildOptions = { minify: false, esmFirst: false };
const VARIANTS: ReadonlyArray<[string, BuildOptions]> = [
  ['as built (`npx projen bundle`; the Lambda client loaded only to hand on)', AS_BUILT],
  ['`--minify`', { ...AS_BUILT, minify: true }],
  ['`--main-fields=module,main`', { ...AS_BUILT, esmFirst: true }],
  ['`--main-fields=module,main` + `--minify`', { ...AS_BUILT, esmFirst: true, minify: true }],
];

export async function bundleLoad(log: (message: string) => void): Promise<Section[]> {
  const workDir = makeWorkDir();
  try {
    log(`bundle: building ${VARIANTS.length} variants of the handler and of the bare client`);
    const variants: BuiltVariant[] = [];
    for (const [name, options] of VARIANTS) {
      variants.push(await buildVariant(name, options, workDir));
    }
    const handlerFile = (v: BuiltVariant) => path.join(v.handlerDir, 'index.js');

    log('bundle: smoke-testing every variant (a teardown handed on across runs)');
    const runs = await Promise.all(variants.map((v) => smokeTest(v.handlerDir)));

    log(`bundle: ${ROUNDS} rounds of cold loads, each handler next to its baseline, pairs in a random order`);
    const sdkPackage = require.resolve('@aws-sdk/client-rekognition');
    // Each pair is loaded back to back (in a random order), so both see the same machine.
    const pairs: Array<[string, string]> = [
      ...variants.map((v): [string, string] => [handlerFile(v), v.bareClientFile]),
      [sdkPackage, variants[0].bareClientFile],
    ];
    const times = pairs.map(() => ({ file: [] as LoadTime[], baseline: [] as LoadTime[] }));
    const random = randomStream(5);
    for (let round = 0; round < ROUNDS; round++) {
      for (const i of shuffled(pairs.map((_, index) => index), random)) {
        const fileFirst = random() < 0.5;
        const first = coldRequire(pairs[i][fileFirst ? 0 : 1]);
        const second = coldRequire(pairs[i][fileFirst ? 1 : 0]);
        times[i].file.push(fileFirst ? first : second);
        times[i].baseline.push(fileFirst ? second : first);
      }
    }
    const pairRatio = (i: number, clock: keyof LoadTime = 'wallMs') =>
      median(times[i].file.map((t, round) => t[clock] / times[i].baseline[round][clock]));

    // Against the bare client as built: each variant's ratio to its own baseline, times its
    // baseline's ratio to the one as built (the baselines are loaded in the same rounds).
    const asBuiltBaseline = median(times[0].baseline.map((t) => t.wallMs));
    const rows = variants.map((v, i) => {
      const r = pairRatio(i);
      return [
        v.name,
        kib(bundleSize(handlerFile(v))),
        kib(bundleSize(v.bareClientFile)),
        ratio(r),
        verdict(r <= TARGET),
        ratio(pairRatio(i, 'cpuMs')),
        ratio(median(times[i].file.map((t) => t.wallMs)) / asBuiltBaseline),
        String(runs[i]),
      ];
    });
    const shipped = pairRatio(0);
    const esmFirst = variants.findIndex((v) => v.options.esmFirst && !v.options.minify);
    const medianWall = (i: number) => median(times[i].file.map((t) => t.wallMs));
    const markdown = `
The handler bundle against the fair baseline: a bundle of the bare Rekognition client (exactly the
three exports the handler uses), built by esbuild with the same options. Load time is the
\`require()\` of the file in a fresh Node.js process (as a Lambda cold start loads the handler), by
the process's own clock (wall time; CPU time too, which other processes on this shared machine
disturb less). ${ROUNDS} rounds; in each, every handler is loaded right before or after its baseline
(in a random order), and the pairs go in a random order; a ratio is the median of the per-pair
ratios. The last column compares median load times with the bare client as built. The what-if
variants are built in a temporary folder, and each passed a smoke test first: a real teardown
against the simulator, handed on across several runs, so that its Lambda client was loaded and used.

${table(['Handler bundle', 'Size', 'Bare client, same build', 'Load vs bare client, same build', '', 'Same, CPU time', 'Load vs bare client as built (medians)', 'Smoke test runs'], rows)}

The handler also carries \`@aws-sdk/client-lambda\`, for handing a long wait on to a fresh run; it
imports it inside \`invokeSelf\` (a dynamic \`import()\`, which esbuild bundles but evaluates only when
called), so a cold start does not evaluate it.${shipped <= TARGET ? '' : ` **Missed: ${ratio(shipped)}, target ${ratio(TARGET)}.**`}

ESM builds of the SDK (\`mainFields: ['module', 'main']\`) let esbuild drop what the handler never uses:
the handler then loads in ${ratio(medianWall(esmFirst) / medianWall(0))} of the time it takes now (medians), a gain in absolute cold
start that the ratio to a baseline built the same way hides, since the baseline shrinks too.

For reference, \`require('@aws-sdk/client-rekognition')\` from node_modules (unbundled, many files)
loads in ${ratio(pairRatio(pairs.length - 1))} the time of the bare client bundle.
`;
    return [{
      title: '5. Handler bundle: size and cold load',
      markdown,
      verdicts: [{
        claim: '5. Handler bundle load vs bare Rekognition client bundle (same build)',
        measured: `${ratio(shipped)} (${kib(bundleSize(SHIPPED_BUNDLE))})`,
        target: `≤ ${ratio(TARGET)}`,
        met: shipped <= TARGET,
      }],
    }];
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
