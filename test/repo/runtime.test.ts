import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * The function's runtime is `lambda.determineLatestNodeRuntime()`, a regional fact of the app's
 * aws-cdk-lib (at least the version this package requires): the bundle and the SDK it carries
 * must load on the oldest Node.js that choice can yield.
 */

const root = path.join(__dirname, '..', '..');
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);

/** Every runtime the choice yields: each region aws-cdk-lib knows, a region it does not, and no region. */
function possibleRuntimes(): string[] {
  const app = new App();
  const regions = [...RegionInfo.regions.map((r) => r.name), 'xx-future-1'];
  const stacks = [
    ...regions.map((region, i) => new Stack(app, `S${i}`, { env: { account: '123456789012', region } })),
    new Stack(app, 'Agnostic'),
  ];
  return [...new Set(stacks.map((stack) => lambda.determineLatestNodeRuntime(stack).name))];
}

const oldestMajor = Math.min(...possibleRuntimes().map(major));

test('every region, a region aws-cdk-lib does not know and an environment-agnostic stack get a Node.js runtime', () => {
  expect(possibleRuntimes().every((name) => /^nodejs\d+\.x$/.test(name))).toBe(true);
  expect(oldestMajor).toBeGreaterThanOrEqual(22);
});

test('the bundle targets no Node.js newer than the oldest runtime (esbuild --target in the bundle task)', () => {
  const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8'));
  const bundle = tasks.tasks['bundle:lambda/teardown/index'].steps.flatMap((s: { exec?: string; execArgs?: string[] }) => s.execArgs ?? [s.exec ?? '']).join(' ');
  const target = /--target=node(\d+)/.exec(bundle)?.[1];

  expect(target).toBeDefined();
  expect(Number(target)).toBeLessThanOrEqual(oldestMajor);
  // The end-to-end tests load the bundle on this machine's Node.js, which must not be newer than its target allows.
  expect(major(process.versions.node)).toBeGreaterThanOrEqual(Number(target));
});

test('the bundled AWS SDK clients support the oldest runtime (their engines field)', () => {
  for (const client of ['@aws-sdk/client-rekognition', '@aws-sdk/client-lambda']) {
    const engines = JSON.parse(fs.readFileSync(require.resolve(`${client}/package.json`), 'utf8')).engines.node as string;
    expect([client, engines]).toEqual([client, expect.stringMatching(/^>=\d+/)]);
    expect(major(engines)).toBeLessThanOrEqual(oldestMajor);
  }
});
