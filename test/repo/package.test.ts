import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * What `npm publish` would ship, from `npm pack --dry-run`. Needs the build outputs: the bundle
 * (`npx projen bundle`) and the jsii output (`npx projen compile`); `npx projen test` makes both
 * before jest runs.
 */

const ROOT = path.join(__dirname, '..', '..');
const HANDLER_BUNDLE = 'assets/lambda/teardown/index/index.js';

/** Besides the bundled handler, all the package may contain: the compiled library, its jsii assembly, docs. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^API\.md$/,
  /^\.jsii$/,
  /^lib\/[\w./-]+\.(js|d\.ts)$/,
];

function packedFiles(): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pack] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
  return pack.files.map((file) => file.path).sort();
}

describe('the npm package', () => {
  let files: string[];
  beforeAll(() => {
    files = packedFiles();
  });

  test('ships the bundled handler, the compiled library and its jsii assembly', () => {
    expect(files).toEqual(expect.arrayContaining([
      HANDLER_BUNDLE, 'lib/index.js', 'lib/index.d.ts', '.jsii', 'package.json', 'README.md', 'LICENSE',
    ]));
  });

  test('ships nothing else: no tests, handler sources, examples, benchmarks, docs/, CI or build output', () => {
    const unexpected = files.filter((file) => file !== HANDLER_BUNDLE && !ALLOWED.some((pattern) => pattern.test(file)));
    expect(unexpected).toEqual([]);
  });
});

test('the bundled handler loads outside this repository, needing no package, and exports the handler', () => {
  // Outside the repository, so that nothing resolves from its node_modules.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handler-bundle-'));
  try {
    fs.copyFileSync(path.join(ROOT, HANDLER_BUNDLE), path.join(dir, 'index.js'));
    const exported = execFileSync(process.execPath, ['-e', 'console.log(typeof require("./index.js").handler)'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1' },
    });
    expect(exported.trim()).toBe('function');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
