import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { tearDown } from '../../lambda/teardown/teardown';

/**
 * What-if for the handler: throttling stretches a poll by up to maxThrottleSlowdown times a pause
 * that maxPollMs has already capped (8 x 22 s), so an unlucky model can sleep for minutes after its
 * state changed. This variant caps the stretched pause at maxPollMs too. Built from the handler's
 * own source with that one expression changed, in memory; undefined if the source no longer has it.
 */

const SOURCE_DIR = path.join(__dirname, '..', '..', 'lambda', 'teardown');
const STRETCHED = 'pollDelayMs(deps.pacing, deps.now() - stateSince, deps.random) * throttleSlowdown';
const CAPPED = `Math.min(deps.pacing.maxPollMs, ${STRETCHED})`;

export function tearDownWithCappedStretch(): typeof tearDown | undefined {
  const source = fs.readFileSync(path.join(SOURCE_DIR, 'teardown.ts'), 'utf8');
  if (!source.includes(STRETCHED)) {
    return undefined;
  }
  const built = buildSync({
    stdin: { contents: source.replace(STRETCHED, CAPPED), resolveDir: SOURCE_DIR, sourcefile: 'teardown.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'error',
  });
  const module = { exports: {} as { tearDown?: typeof tearDown } };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('module', 'exports', 'require', built.outputFiles[0].text)(module, module.exports, require);
  return module.exports.tearDown;
}
