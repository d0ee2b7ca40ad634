import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { seededRandom } from '../local/random';
import { CustomLabelsModelLifecycle } from '../src';
import { iqr, kib, median, modelArn, ratio, Section, shuffled, table } from './support';

/**
 * Sections 3 and 4: the resources a stack gains for its models, and the time to synthesize a stack of 30 models
 * (a stack holds at most 37 with typical ARNs) as a ratio to 30 bare CfnResources synthesized in the same run.
 */

const COUNTS = [1, 10, 30];
const MODELS = 30;
const WARM_UP_ROUNDS = 2;
const ROUNDS = 11;
const SYNTH_TARGET = 2.2;

/** A fresh app with one stack of `models` models, built with the construct or as bare CfnResources. */
function modelStack(construct: boolean, models: number): { app: App; stack: Stack; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  // Stack traces in construct metadata cost synth time and vary with the call site: off for all.
  const app = new App({ outdir, stackTraces: false });
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  for (let i = 0; i < models; i++) {
    const projectVersionArn = modelArn(`v${i}`);
    if (construct) {
      new CustomLabelsModelLifecycle(stack, `Model${i}`, { projectVersionArn });
    } else {
      new CfnResource(stack, `Model${i}`, { type: 'Custom::RekognitionCustomLabelsModel', properties: { ProjectVersionArn: projectVersionArn } });
    }
  }
  return { app, stack, outdir };
}

export async function templateFootprint(log: (message: string) => void): Promise<Section[]> {
  log(`template footprint: synthesizing ${COUNTS.join(', ')} models`);
  const footprints = COUNTS.map((n) => {
    const { app, stack, outdir } = modelStack(true, n);
    try {
      const template = app.synth().getStackArtifact(stack.artifactId).template;
      const resources: Record<string, { Type: string }> = template.Resources ?? {};
      const types: Record<string, number> = {};
      Object.values(resources).forEach((r) => { types[r.Type] = (types[r.Type] ?? 0) + 1; });
      return { resources: Object.keys(resources).length, types, bytes: JSON.stringify(template).length };
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
  // An empty stack has no resources (no CDKMetadata outside the CLI), so every count is "added".
  const one = footprints[0].resources;
  const perFurther = (footprints[2].resources - one) / (COUNTS[2] - COUNTS[0]);
  const markdown = `
Resources the stack gains (the stack is otherwise empty), counted in the synthesized template.

${table(['Models', ...COUNTS.map(String), 'Per further model', `Template, ${COUNTS[2]} models`],
  [['Resources', ...footprints.map((f) => String(f.resources)), perFurther.toFixed(2), kib(footprints[2].bytes)]])}

One model, by type: ${Object.entries(footprints[0].types).map(([type, n]) => `${n} ${type}`).join(', ')}.
`;
  return [{
    title: '3. Template footprint',
    markdown,
    verdicts: [
      { claim: '3. Resources for one model', measured: String(one), target: '≤ 6', met: one <= 6, value: one, spread: 0 },
      { claim: '3. Resources per further model', measured: perFurther.toFixed(2), target: '≤ 2', met: perFurther <= 2, value: perFurther, spread: 0 },
    ],
  }];
}

export async function synthTime(log: (message: string) => void): Promise<Section[]> {
  const variants = [
    { name: `${MODELS} bare \`CfnResource\`s (baseline)`, construct: false, models: MODELS },
    { name: `${2 * MODELS} bare \`CfnResource\`s (the floor: a resource and a policy per model)`, construct: false, models: 2 * MODELS },
    { name: `${MODELS} models, \`CustomLabelsModelLifecycle\``, construct: true, models: MODELS },
  ];
  log(`synth time: ${WARM_UP_ROUNDS + ROUNDS} rounds of ${variants.length} stacks, alternating`);
  const random = seededRandom(4);
  const times = variants.map(() => [] as number[]);
  for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
    for (const i of shuffled([0, 1, 2], random)) {
      const startedAt = performance.now();
      const { app, outdir } = modelStack(variants[i].construct, variants[i].models);
      app.synth();
      const tookMs = performance.now() - startedAt;
      fs.rmSync(outdir, { recursive: true, force: true });
      if (round >= WARM_UP_ROUNDS) times[i].push(tookMs);
    }
  }
  // Ratios within a round: both sides saw the same machine state.
  const paired = (i: number) => times[i].map((ms, round) => ms / times[0][round]);
  const construct = median(paired(2));
  const markdown = `
Time to construct a stack and synthesize it to a cloud assembly on disk (\`app.synth()\`, asset
staging included), in this process (ts-node, as a CDK app runs), ${ROUNDS} rounds after ${WARM_UP_ROUNDS}
warm-up rounds, each round running every stack once in a fresh random order. *Paired* is the median
of each round's ratio to the baseline of the same round; *medians* is the ratio of the medians.

${table(['Stack', 'Paired ratio', 'Ratio of medians'], variants.map((v, i) => [v.name, ratio(median(paired(i))), ratio(median(times[i]) / median(times[0]))]))}

Each model is an \`iam.CfnPolicy\` with a literal document and a \`CustomResource\` that references
the shared function and role and depends on two policies: what remains above the floor is the
\`CustomResource\` L2 and those references, which every model needs.
`;
  return [{
    title: `4. Synth time, ${MODELS} models`,
    markdown,
    verdicts: [{
      claim: `4. Synth time, ${MODELS} models, vs ${MODELS} bare CfnResources (paired median)`,
      measured: ratio(construct),
      target: `≤ ${ratio(SYNTH_TARGET)}`,
      met: construct <= SYNTH_TARGET,
      value: construct,
      spread: iqr(paired(2)),
    }],
  }];
}
