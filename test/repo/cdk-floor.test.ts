import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lint, templatesIn } from '../lint/cfn-lint';

/**
 * The peer floor, proven: a new app outside the repository installs exactly the lowest aws-cdk-lib
 * and constructs of package.json's peer ranges from the registry, with the packed library (as
 * `npm publish` would ship it), type-checks and synthesizes the example app and a stack of several
 * models (test/repo/cdk-floor.app.ts), runs cdk-nag's AwsSolutions checks and cfn-lint on the
 * result, and finds every template equal to what the development aws-cdk-lib synthesizes from the
 * same sources: IAM statements, ServiceTimeout, the function's runtime, everything but metadata.
 *
 * Needs the build outputs (`npx projen compile` and `npx projen bundle`; `npx projen test` makes
 * both before jest runs), cfn-lint on PATH, and the registry (npm's cache is enough).
 */

// Measured here: the whole file about 25 s, of which the floor's install 5 s from npm's cache and
// 6 s with an empty one (the registry mirror). Six times that, for a busy CI machine.
jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const NAME: string = PACKAGE.name;
const ENV = { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-east-1' };

/** The version a caret range starts at: the peer range must be `^x.y.z`. */
function floorOf(dependency: string): string {
  const range: string = PACKAGE.peerDependencies[dependency];
  const floor = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];
  if (!floor) {
    throw new Error(`peerDependencies.${dependency} must be a caret range ^x.y.z; got '${range}'.`);
  }
  return floor;
}
const FLOOR = { 'aws-cdk-lib': floorOf('aws-cdk-lib'), 'constructs': floorOf('constructs') };

/** The sources both syntheses run, by their path in the floor app. */
const SOURCES: Record<string, string> = {
  'examples/app.ts': path.join(ROOT, 'examples', 'app.ts'),
  'examples/model-teardown-stack.ts': path.join(ROOT, 'examples', 'model-teardown-stack.ts'),
  'floor.app.ts': path.join(__dirname, 'cdk-floor.app.ts'),
};

/** cfn-lint's options as `npx projen cfn-lint` passes them (the ignored rules, each with its reason in .projenrc.ts). */
function cfnLintOptions(): string[] {
  const task = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks['cfn-lint'];
  const exec: string = task.steps.map((step: { exec?: string }) => step.exec ?? '').join(' ');
  const ignored = / -- (--ignore-checks .*)$/.exec(exec)?.[1];
  return ignored ? ignored.split(' ') : [];
}

/** A preloaded module that adds cdk-nag's AwsSolutions checks to the app before it synthesizes, with CSV reports. */
const WITH_NAG = `
const { App, Aspects } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');
const synth = App.prototype.synth;
App.prototype.synth = function (options) {
  Aspects.of(this).add(new AwsSolutionsChecks({ reports: true }));
  return synth.call(this, options);
};
`;

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const result = spawnSync(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`.slice(0, 8000));
  }
  return `${result.stdout}${result.stderr}`;
}

type Template = { Resources: Record<string, { Type: string; Properties?: any; Metadata?: unknown; DependsOn?: unknown }>; [key: string]: unknown };

/** The templates of an assembly folder, nested ones included, by file name. */
function templates(dir: string): Record<string, Template> {
  return Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith('.template.json'))
    .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))]));
}

/** What the construct decides, per template: every IAM statement, each model's properties, each function's runtime and configuration. */
function whatMatters(template: Template): Record<string, unknown> {
  const matters: Record<string, unknown> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        matters[`${id} statements`] = props.PolicyDocument.Statement;
        matters[`${id} roles`] = props.Roles;
        break;
      case 'AWS::IAM::Role':
        matters[`${id} trust`] = props.AssumeRolePolicyDocument;
        matters[`${id} managed policies`] = props.ManagedPolicyArns;
        break;
      case 'Custom::RekognitionCustomLabelsModel':
        matters[`${id} ServiceTimeout`] = props.ServiceTimeout;
        matters[`${id} properties`] = props;
        matters[`${id} depends on`] = resource.DependsOn;
        break;
      case 'AWS::Lambda::Function':
        matters[`${id} runtime`] = props.Runtime;
        matters[`${id} function`] = { ...props, Code: undefined };
        break;
    }
  }
  matters.Mappings = template.Mappings;
  return matters;
}

/** The template without what only records the aws-cdk-lib that made it (its version and construct metadata). */
function withoutMetadata(template: Template): Template {
  const resources = Object.fromEntries(Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type !== 'AWS::CDK::Metadata')
    .map(([id, { Metadata, ...resource }]) => [id, resource]));
  const conditions = { ...(template.Conditions as object) } as Record<string, unknown>;
  delete conditions.CDKMetadataAvailable;
  return { ...template, Resources: resources, Conditions: Object.keys(conditions).length ? conditions : undefined };
}

/** The rows of cdk-nag's CSV reports in an assembly folder. */
function nagRows(dir: string): Array<{ rule: string; resource: string; compliance: string }> {
  return fs.readdirSync(dir).filter((f) => /^AwsSolutions-.*-NagReport\.csv$/.test(f))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n').slice(1))
    .map((line) => {
      const [rule, resource, compliance] = line.split(',').map((cell) => cell.replace(/^"|"$/g, ''));
      return { rule, resource, compliance };
    });
}

let dir: string;
const outdirs = { floorExample: '', floorModels: '', devExample: '', devModels: '' };
let installOutput = '';
let installSeconds = 0;

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js')) || !fs.existsSync(path.join(ROOT, 'assets', 'lambda', 'teardown', 'index', 'index.js'))) {
    throw new Error('the library is not built: run `npx projen compile` and `npx projen bundle` first (`npx projen test` does both).');
  }
  // Outside the repository, so that nothing resolves from its node_modules.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-floor-'));
  Object.assign(outdirs, Object.fromEntries(Object.keys(outdirs).map((name) => [name, path.join(dir, 'cdk.out', name)])));

  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const tarball = `./${packed[0].filename}`;

  // The app: the sources, importing the package instead of src/.
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'floor-app', version: '0.0.0', private: true }));
  for (const [target, source] of Object.entries(SOURCES)) {
    fs.mkdirSync(path.dirname(path.join(dir, 'src', target)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', target), fs.readFileSync(source, 'utf8').replace(/from '(\.\.\/)+src'/g, `from '${NAME}'`));
  }
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      strict: true,
      outDir: 'js',
      rootDir: 'src',
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    },
    include: ['src/**/*.ts'],
  }));
  fs.writeFileSync(path.join(dir, 'with-nag.js'), WITH_NAG);

  // Exactly the floor, as a user pins it. npm prints any peer conflict with the package (ERESOLVE).
  const npmOptions = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'];
  const start = Date.now();
  installOutput = run('npm', ['install', ...npmOptions, `aws-cdk-lib@${FLOOR['aws-cdk-lib']}`, `constructs@${FLOOR.constructs}`, tarball], { cwd: dir });
  installSeconds = (Date.now() - start) / 1000;
  // npm ls fails on an unmet or invalid peer dependency: run it before the test tools join the app.
  run('npm', ['ls', '--all'], { cwd: dir });
  // The test tools, at the versions this repository tests with; cdk-nag asks for constructs ^10.0.5,
  // which only its own peer range cares about.
  const cdkNag = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'cdk-nag', 'package.json'), 'utf8')).version;
  run('npm', ['install', ...npmOptions, '--legacy-peer-deps', '--no-save', `cdk-nag@${cdkNag}`], { cwd: dir });

  // As a TypeScript user builds it: type-checked against the floor's declarations and the package's.
  run(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: dir });
  run(process.execPath, ['-r', './with-nag.js', 'js/examples/app.js'], { cwd: dir, env: { ...ENV, CDK_OUTDIR: outdirs.floorExample } });
  run(process.execPath, ['-r', './with-nag.js', 'js/floor.app.js'], { cwd: dir, env: { ...ENV, CDK_OUTDIR: outdirs.floorModels } });

  // The same sources with the development aws-cdk-lib and src/, as `npx projen cfn-lint` runs them.
  const tsNode = path.join(ROOT, 'node_modules', '.bin', 'ts-node');
  run(tsNode, ['--transpile-only', '--project', 'tsconfig.json', 'app.ts'], { cwd: path.join(ROOT, 'examples'), env: { ...ENV, CDK_OUTDIR: outdirs.devExample } });
  run(tsNode, ['--transpile-only', '--project', 'test/tsconfig.json', 'test/repo/cdk-floor.app.ts'], { cwd: ROOT, env: { ...ENV, CDK_OUTDIR: outdirs.devModels } });
});

afterAll(() => {
  if (dir) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the peer ranges start at the floor this test installs, and npm installs it beside the package without a peer conflict', () => {
  expect(FLOOR).toEqual({ 'aws-cdk-lib': '2.221.0', 'constructs': '10.0.0' });
  const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  expect({ 'aws-cdk-lib': installed('aws-cdk-lib'), 'constructs': installed('constructs') }).toEqual(FLOOR);
  expect(installOutput).not.toMatch(/ERESOLVE|peer dep|conflicting/i);
  console.log(`npm install of aws-cdk-lib@${FLOOR['aws-cdk-lib']}, constructs@${FLOOR.constructs} and the package: ${installSeconds.toFixed(1)} s`);
});

test('every template the floor synthesizes equals the development version\'s in IAM, ServiceTimeout and runtime', () => {
  for (const [floorDir, devDir] of [[outdirs.floorExample, outdirs.devExample], [outdirs.floorModels, outdirs.devModels]]) {
    const dev = templates(devDir);
    const floor = templates(floorDir);
    expect(Object.keys(floor).sort()).toEqual(Object.keys(dev).sort());
    for (const name of Object.keys(dev)) {
      expect({ [name]: whatMatters(floor[name]) }).toEqual({ [name]: whatMatters(dev[name]) });
    }
  }
  // Not vacuous: the models carry their ServiceTimeout (aws-cdk-lib 2.173 and older drop it without a word).
  const models = Object.values(templates(outdirs.floorModels)).flatMap((t) => Object.values(t.Resources))
    .filter((r) => r.Type === 'Custom::RekognitionCustomLabelsModel');
  expect(models.length).toBeGreaterThanOrEqual(8);
  expect(models.map((r) => r.Properties.ServiceTimeout)).toEqual(models.map((r) => String(r.Properties.MaxWaitSeconds + 60)));
});

test('and equals it in everything else but the metadata that names aws-cdk-lib\'s version', () => {
  for (const [floorDir, devDir] of [[outdirs.floorExample, outdirs.devExample], [outdirs.floorModels, outdirs.devModels]]) {
    const dev = templates(devDir);
    const floor = templates(floorDir);
    for (const name of Object.keys(dev)) {
      expect({ [name]: withoutMetadata(floor[name]) }).toEqual({ [name]: withoutMetadata(dev[name]) });
    }
  }
});

test('the function runs on the runtime the development version chooses, in every region', () => {
  const runtimes = [outdirs.floorExample, outdirs.floorModels].flatMap((d) => Object.values(templates(d)))
    .flatMap((t) => Object.values(t.Resources)).filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties.Runtime);
  // A literal name even in the environment-agnostic stack: 2.220 and older map some regions to nodejs18.x.
  expect(runtimes.every((runtime) => typeof runtime === 'string' && /^nodejs\d+\.x$/.test(runtime))).toBe(true);
  const dev = Object.values(templates(outdirs.devModels)).flatMap((t) => Object.values(t.Resources))
    .filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties.Runtime);
  expect(new Set(runtimes)).toEqual(new Set(dev));
});

test('cdk-nag AwsSolutions: no finding and no rule error; nothing suppressed but the function\'s runtime rule', () => {
  const rows = [...nagRows(outdirs.floorExample), ...nagRows(outdirs.floorModels)];
  // Not vacuous: the rules ran on the construct's resources, the nested stack's included.
  expect(rows.filter((row) => row.compliance === 'Compliant').length).toBeGreaterThan(10);
  expect(rows.some((row) => row.resource.startsWith('FloorModels/Nested/'))).toBe(true);
  expect(rows.filter((row) => row.compliance !== 'Compliant' && row.compliance !== 'Suppressed')).toEqual([]);
  // L1 (the newest runtime aws-cdk-lib names) is suppressed with its reason; it may also just pass.
  expect(rows.filter((row) => row.compliance === 'Suppressed' && row.rule !== 'AwsSolutions-L1')).toEqual([]);
});

test('the model named by two stacks warns, as with the development version', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdirs.floorModels, 'manifest.json'), 'utf8'));
  const warnings = Object.values(manifest.artifacts as Record<string, { metadata?: Record<string, Array<{ type: string; data: unknown }>> }>)
    .flatMap((artifact) => Object.values(artifact.metadata ?? {}).flat())
    .filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data));
  expect(warnings).toEqual([expect.stringMatching(/^The model of FloorSecondStage\/SameModel is also named by FloorModels\/WithProject/)]);
});

test('cfn-lint finds nothing in the floor\'s templates, nested ones included', () => {
  const found = [outdirs.floorExample, outdirs.floorModels].flatMap((d) => templatesIn(d).lint);
  expect(found.length).toBe(5);
  expect(lint(found, cfnLintOptions())).toBeUndefined();
});
