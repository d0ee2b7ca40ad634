import { Build, modelStack, synthTemplate } from './stacks';
import { kib } from '../support/format';
import { table } from '../support/markdown';
import { Section } from '../support/report';

/**
 * Benchmark 3: the resources a stack gains for 1, 10 and 30 models (a stack holds at most 37 with typical ARNs), with the construct and with
 * the same teardown on the custom-resources Provider framework. Counting is exact: one synth each.
 */

const COUNTS = [1, 10, 30];
const BUILDS: ReadonlyArray<[Build, string]> = [
  ['construct', '`CustomLabelsModelLifecycle`'],
  ['provider-framework', 'Provider framework (onEvent + isComplete + waiter state machine)'],
];

interface Footprint {
  readonly resources: number;
  readonly types: Record<string, number>;
  readonly templateBytes: number;
}

function footprint(build: Build, models: number): Footprint {
  const { app, stack, outdir } = modelStack(build, models);
  const template = synthTemplate(app, stack, outdir);
  const types: Record<string, number> = {};
  for (const resource of Object.values(template.Resources ?? {})) {
    types[resource.Type] = (types[resource.Type] ?? 0) + 1;
  }
  return { resources: Object.keys(template.Resources ?? {}).length, types, templateBytes: JSON.stringify(template).length };
}

export async function templateFootprint(log: (message: string) => void): Promise<Section[]> {
  log(`template footprint: synthesizing ${COUNTS.join(', ')} models, two ways`);
  // An empty stack has no resources (no CDKMetadata outside the CLI), so every count is "added".
  const empty = footprint('bare-cfn-resource', 0).resources;
  const measured = BUILDS.map(([build, name]) => ({ build, name, footprints: COUNTS.map((n) => footprint(build, n)) }));
  const rows = measured.map(({ name, footprints }) => {
    const added = footprints.map((f) => f.resources - empty);
    const perFurther = (added[2] - added[0]) / (COUNTS[2] - COUNTS[0]);
    return [name, ...added.map(String), perFurther.toFixed(2), kib(footprints[2].templateBytes)];
  });
  const construct = measured[0].footprints;
  const one = construct[0].resources - empty;
  const perFurther = (construct[2].resources - construct[0].resources) / (COUNTS[2] - COUNTS[0]);
  const typesOfOne = (f: Footprint) => Object.entries(f.types).map(([type, n]) => `${n} ${type}`).join(', ');
  const markdown = `
Resources the stack gains (the stack is otherwise empty), counted in the synthesized template.
The Provider-framework baseline is built in \`benchmarks/template/provider-framework-teardown.ts\`:
the same teardown the common way, one provider per stack and one policy per model.

${table(['Built with', '1 model', '10 models', `${COUNTS[2]} models`, 'Per further model', `Template, ${COUNTS[2]} models`], rows)}

One model, by type:
- construct: ${typesOfOne(construct[0])}
- Provider framework: ${typesOfOne(measured[1].footprints[0])}
${one <= 6 ? '' : `\n**Missed: ${one} resources for one model, target 6** (by type above).\n`}`;
  return [{
    title: '3. Template footprint',
    markdown,
    verdicts: [
      { claim: '3. Resources for one model', measured: String(one), target: '≤ 6', met: one <= 6 },
      { claim: '3. Resources per further model', measured: perFurther.toFixed(2), target: '≤ 2', met: perFurther <= 2 },
    ],
  }];
}
