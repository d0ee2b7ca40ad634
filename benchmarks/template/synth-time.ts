import * as fs from 'fs';
import { Build, modelStack } from './stacks';
import { seededRandom } from '../../local/random';
import { ratio } from '../support/format';
import { table } from '../support/markdown';
import { Section } from '../support/report';
import { median, shuffled } from '../support/stats';

/**
 * Benchmark 4: the time to build and synthesize a stack of 30 models (a stack holds at most 37 with typical ARNs), as a ratio to 30 bare
 * CfnResources synthesized in the same run. Every round runs each variant once, in a fresh random
 * order; the first rounds warm the JIT and are dropped.
 */

const MODELS = 30;
const WARM_UP_ROUNDS = 2;
const ROUNDS = 11;
const TARGET = 2.2;

interface Variant {
  readonly name: string;
  readonly build: Build;
  readonly models: number;
}

const BASELINE: Variant = { name: `${MODELS} bare \`CfnResource\`s (baseline)`, build: 'bare-cfn-resource', models: MODELS };
const VARIANTS: readonly Variant[] = [
  BASELINE,
  { name: `${2 * MODELS} bare \`CfnResource\`s (the floor: a resource and a policy per model)`, build: 'bare-cfn-resource', models: 2 * MODELS },
  { name: `${MODELS} models, \`CustomLabelsModelLifecycle\``, build: 'construct', models: MODELS },
  { name: `${MODELS} models, Provider framework`, build: 'provider-framework', models: MODELS },
];

/** Constructing the stack and synthesizing it to a cloud assembly on disk (asset staging included). */
function timeSynth(variant: Variant): number {
  const startedAt = performance.now();
  const { app, outdir } = modelStack(variant.build, variant.models);
  app.synth();
  const tookMs = performance.now() - startedAt;
  // Removing the cloud assembly is not part of synth.
  fs.rmSync(outdir, { recursive: true, force: true });
  return tookMs;
}

export async function synthTime(log: (message: string) => void): Promise<Section[]> {
  log(`synth time: ${WARM_UP_ROUNDS + ROUNDS} rounds of ${VARIANTS.length} stacks, alternating`);
  const random = seededRandom(4);
  const times = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
    for (const variant of shuffled(VARIANTS, random)) {
      const ms = timeSynth(variant);
      if (round >= WARM_UP_ROUNDS) {
        times.get(variant)!.push(ms);
      }
    }
  }
  const baseline = times.get(BASELINE)!;
  // Ratios within a round: both sides saw the same machine state.
  const pairedRatio = (v: Variant) => median(times.get(v)!.map((ms, i) => ms / baseline[i]));
  const rows = VARIANTS.map((v) => [v.name, ratio(pairedRatio(v)), ratio(median(times.get(v)!) / median(baseline))]);
  const construct = pairedRatio(VARIANTS[2]);
  const markdown = `
Time to construct a stack and synthesize it to a cloud assembly on disk (\`app.synth()\`, asset
staging included), in this process (ts-node, as a CDK app runs), ${ROUNDS} rounds after ${WARM_UP_ROUNDS}
warm-up rounds, each round running every stack once in a fresh random order. *Paired* is the median
of each round's ratio to the baseline of the same round; *medians* is the ratio of the medians.

${table(['Stack', 'Paired ratio', 'Ratio of medians'], rows)}

${construct <= TARGET ? '' : `**Missed: ${ratio(construct)}, target ${ratio(TARGET)}.** `}Each model is an \`iam.CfnPolicy\` with a literal
document and a \`CustomResource\` that references the shared function and role (\`ServiceToken\`,
\`Roles\`) and depends on two policies. The last run that still had the policy as an L2 \`iam.Policy\`
(2026-11-23) measured 5.08x with it and 3.75x with a what-if of both per-model resources as L1s;
that is why the policy is a \`CfnPolicy\` now. What remains above the floor of ${2 * MODELS} bare resources is
the \`CustomResource\` L2 and those references and dependencies, which every model needs.
`;
  return [{
    title: `4. Synth time, ${MODELS} models`,
    markdown,
    verdicts: [{ claim: `4. Synth time, ${MODELS} models, vs ${MODELS} bare CfnResources (paired median)`, measured: ratio(construct), target: `≤ ${ratio(TARGET)}`, met: construct <= TARGET }],
  }];
}
