import { awscdk, javascript, release } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-rekognition-model-lifecycle',
  description:
    'Stops and deletes Amazon Rekognition Custom Labels models when a CDK stack is destroyed, so nothing is left running or billing.',
  keywords: ['aws-cdk', 'awscdk', 'cdk', 'rekognition', 'custom-labels', 'custom-resource', 'teardown'],
  author: 'cdk-rekognition-model-lifecycle maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/example-org/cdk-rekognition-model-lifecycle.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // The lowest aws-cdk-lib the construct works with, proven by test/repo/cdk-floor.test.ts: the
  // peer range is ^2.221.0 (see docs/development.md). 2.173 and older drop the custom resource's
  // ServiceTimeout without a word; 2.196 and older run the function on nodejs20.x; 2.220 and
  // older choose nodejs18.x in some regions. constructs: the floor aws-cdk-lib's own peer range.
  cdkVersion: '2.221.0',
  constructsVersion: '10.0.0',
  // Development builds and tests on the versions below (devDeps), not on the floor: the
  // integ-runner available here reads cloud assembly schema only up to 53.x, which 2.257.0 emits.
  peerDependencyOptions: { pinnedDevDependency: false },
  jsiiVersion: '~6.0.0',
  // This repository is not hosted on GitHub: CI is `.ci/run`.
  github: false,
  // Until 1.0, the API may change in any minor release.
  stability: 'experimental',
  // Releases are cut by hand (`npx projen release`), offline: the version is bumped and CHANGELOG.md
  // written from the conventional commits since the last tag, then committed and tagged locally.
  // Publishing to the registries is left to the release machine.
  release: true,
  releaseTrigger: release.ReleaseTrigger.manual({ changelogPath: 'CHANGELOG.md', gitPushCommand: '' }),
  // The first release is 0.1.0 (projen would release the package.json version, 0.0.0); later ones
  // follow the commits, breaking changes bumping the minor version while below 1.0.
  nextVersionCommand: 'git rev-parse --verify --quiet "refs/tags/$LATEST_TAG" > /dev/null || echo 0.1.0',
  lambdaAutoDiscover: false,
  integrationTestAutoDiscover: false,
  // CI must fail on a changed snapshot, not rewrite it. Three workers on two cores: most test files
  // wait on real time (simulated model durations, fresh handler processes, CloudFormation's status
  // lag), not on the CPU, and jest's default on two cores is one worker.
  jestOptions: { updateSnapshot: javascript.UpdateSnapshot.NEVER, jestConfig: { maxWorkers: 3 } },

  devDeps: [
    // What the library is built and tested with; the peer floor above is tested by cdk-floor.test.ts.
    'aws-cdk-lib@2.257.0',
    '@aws-sdk/client-rekognition@3.1142.0',
    '@aws-sdk/client-lambda@3.1142.0',
    // Bundled: the handler reads its own stack before a teardown.
    '@aws-sdk/client-cloudformation@3.1142.0',
    '@types/aws-lambda',
    'esbuild',
    // cdk-nag 3 changed its API and does not work with aws-cdk-lib 2.257; 2.x does.
    'cdk-nag@^2.38.2',
    // integ-runner 2.197 reads cloud assembly schema up to 53.x, which aws-cdk-lib 2.257 emits.
    '@aws-cdk/integ-runner@^2.197.10',
    // The newest on the registry here; its peer range (aws-cdk-lib ^2.245.0) admits 2.257.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // The CDK command line users run; test/repo/cdk-synth.test.ts runs `cdk synth` in examples/ with it.
    'aws-cdk@2.1148.1',
  ],

  publishToPypi: {
    distName: 'cdk-rekognition-model-lifecycle',
    module: 'cdk_rekognition_model_lifecycle',
  },
  publishToMaven: {
    javaPackage: 'org.example.cdk.rekognition.modellifecycle',
    mavenGroupId: 'org.example',
    mavenArtifactId: 'cdk-rekognition-model-lifecycle',
  },
  publishToNuget: {
    dotNetNamespace: 'Example.Cdk.RekognitionModelLifecycle',
    packageId: 'Example.Cdk.RekognitionModelLifecycle',
  },
  publishToGo: {
    moduleName: 'github.com/example-org/cdk-rekognition-model-lifecycle-go',
  },
});

// constructs as aws-cdk-lib 2.257.0 is built with; added here because projen replaces a constructs
// dev dependency given in the options with the peer range.
project.addDevDeps('constructs@10.5.1');

// The registry mirror we install from lacks unrs-resolver 1.13.0's non-Linux bindings, so `npm install`
// leaves them out of the lock file and a later `npm ci` fails: 1.12.2 has them all.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The teardown handler, bundled with its SDK clients so that users of every jsii language need
// neither esbuild nor Docker at synth. Node 20 is the oldest Node that must run it: the end-to-end
// tests load the bundle on the development machines' Node.js 20 (test/repo/runtime.test.ts).
// Minified from the SDK's ESM builds (esbuild drops what the handler never uses), which loads
// fastest on a cold start (BENCHMARKS.md, section 5); names kept, so that stack traces and error
// names stay readable. No source map: Node's --enable-source-maps parses it at every cold start,
// for traces the handler never logs (it logs error names and messages).
project.bundler.addBundle('./lambda/teardown/index.ts', {
  platform: 'node',
  target: 'node20',
  externals: [],
  minify: true,
  keepNames: true,
  mainFields: ['module', 'main'],
});

// Packaging for Python, Java, .NET and Go needs PyPI, Maven plugins, dotnet and go, which release
// machines have and development and CI machines do not: `package-all` builds them only when asked to.
for (const language of ['java', 'python', 'dotnet', 'go']) {
  project.tasks.tryFind(`package:${language}`)?.addCondition(
    `node -e "if (!process.env.PACKAGE_ALL_LANGUAGES) { console.log('package:${language} skipped: set PACKAGE_ALL_LANGUAGES=1 on a machine with its toolchain'); process.exit(1); }"`);
}

// Handler sources are bundled into assets/, never published as they are; test/repo/package.test.ts
// checks what is.
project.addPackageIgnore('/lambda/');
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/benchmarks/');
project.addPackageIgnore('/local/');
project.addPackageIgnore('/BENCHMARKS.md');
// docs/ is for readers of the repository; the README links to it there (test/repo/readme.test.ts).
project.addPackageIgnore('/docs/');
project.addPackageIgnore('/cdk.out/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/.jsii.tabl.json');
project.gitignore.exclude('cdk.out/', '/.jsii.tabl.json', '/test/cdk-integ.out.*/');

/** A tsconfig for a folder that jsii does not compile, so that eslint and `typecheck` cover it. */
function devTsconfig(folder: string, include: string[]): void {
  new javascript.TypescriptConfig(project, {
    fileName: `${folder}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
    compilerOptions: { noEmit: true, rootDir: '..' },
    include: ['**/*.ts', ...include],
  });
  project.eslint?.addLintPattern(folder);
}
const product = ['../src/**/*.ts', '../lambda/**/*.ts'];

// The handler, the local stand-ins for AWS (and the demo), the example app, and the benchmarks.
devTsconfig('lambda', ['../src/teardown-contract.ts']);
devTsconfig('local', [...product, '../examples/**/*.ts']);
devTsconfig('examples', ['../src/**/*.ts']);
devTsconfig('benchmarks', [...product, '../local/**/*.ts', '../examples/**/*.ts']);

/** Silences Node 20 end-of-life notices of jsii and the AWS SDK. */
const quiet = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

// README's first command: synthesize the example app and tear its model down against the simulator.
project.addTask('demo', {
  description: 'Plays cdk deploy and cdk destroy of the example app through a local CloudFormation, Lambda (the real bundled handler), IAM and Rekognition',
  env: quiet,
  steps: [
    { spawn: project.bundler.bundleTask.name },
    { exec: 'ts-node --transpile-only --project local/tsconfig.json local/demo.ts' },
  ],
});
// The handler's SDK clients are bundled at build time, and benchmarks run esbuild: dev dependencies.
project.eslint?.addOverride({
  files: ['lambda/**/*.ts', 'local/**/*.ts', 'benchmarks/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true }] },
});

// Who may import what: the handler takes only the contract from src/, and only through its
// properties module; the product imports nothing of the local stand-ins or the tests; nothing
// outside test/ imports from it.
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      { target: './lambda', from: './src', except: ['./teardown-contract.ts'] },
      { target: ['./src', './lambda'], from: ['./local', './test', './benchmarks', './examples'] },
      { target: ['./local', './benchmarks', './examples'], from: './test' },
    ],
  }],
});
project.eslint?.addOverride({
  files: ['lambda/**/*.ts'],
  excludedFiles: ['lambda/teardown/properties.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/*', '**/src'], message: 'Only lambda/teardown/properties.ts reads the contract in src/; take parsed values from it.' }] }] },
});

// Construct Hub shows the README's TypeScript examples in every jsii language. Strict: a translation
// that does not compile fails the extraction here, and the assembly asks the same of Construct Hub.
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
// jsii takes about 15 s: rosetta compiles only when the assembly is older than what it is built from
// (`build` has just compiled). A condition that exits 0 runs its step.
const rosetta = project.addTask('rosetta', {
  description: 'Compiles the TypeScript examples of README.md and the API docs and translates them to Python, Java, C# and Go (.jsii.tabl.json)',
  env: quiet,
  steps: [
    { spawn: project.compileTask.name, condition: 'ts-node --transpile-only projenrc/assembly-is-stale.ts' },
    { exec: 'jsii-rosetta extract --strict' },
  ],
});

// Integration test snapshots (test/construct/integ.*.ts.snapshot/), checked offline: integ-runner synthesizes
// each test app and compares its templates with the snapshot, leaving asset hashes out, so an edit
// to the handler alone does not fail the check.
const integEnv = { ...quiet, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: 'test/tsconfig.json' };
const integ = project.addTask('integ', {
  description: 'Checks the integration test snapshots offline (no AWS account needed)',
  env: integEnv,
  steps: [
    { spawn: project.bundler.bundleTask.name },
    // With AWS credentials, `npx projen integ --force` deploys and destroys each test for real.
    { exec: 'integ-runner --language typescript', receiveArgs: true },
  ],
});
project.addTask('integ:update', {
  description: 'Rewrites the integration test snapshots from the current code, without deploying; review the diff before committing',
  env: integEnv,
  steps: [
    { spawn: project.bundler.bundleTask.name },
    // integ-runner exits non-zero when it had to rewrite a snapshot; the check after it decides.
    { exec: 'integ-runner --language typescript --dry-run --force || true' },
    { exec: 'integ-runner --language typescript' },
  ],
});

// The test task: bundle (assets/ is git-ignored, and tests synthesize stacks that need it), compile
// and translate the examples (test/repo/package.test.ts and test/repo/readme.test.ts read the outputs),
// jest, eslint, then the integration snapshots.
project.testTask.prependSpawn(rosetta);
project.testTask.prependSpawn(project.bundler.bundleTask);
project.testTask.spawn(integ);

// One command runs every benchmark and rewrites BENCHMARKS.md (about 10 minutes on 2 cores).
project.addTask('benchmark', {
  description: 'Benchmarks the teardown, template, synth and bundle; rewrites BENCHMARKS.md (about 10 minutes)',
  env: quiet,
  steps: [
    { spawn: project.bundler.bundleTask.name },
    { exec: 'ts-node --transpile-only --project benchmarks/tsconfig.json benchmarks/run-all.ts', receiveArgs: true },
  ],
});

// AWS's CloudFormation linter on every template we synthesize: the integration test app, the example
// app and a stack of several models (test/lint/models.app.ts). Zero findings, except these, each
// with its reason. cfn-lint is on CI's machine; elsewhere `pip install cfn-lint`.
const cfnLintIgnored: Record<string, string> = {
  W3005: 'lambda.Function adds a DependsOn on its role, which its Role GetAtt already enforces (aws-cdk-lib, not this construct)',
};
project.addTask('cfn-lint', {
  description: 'Synthesizes the integration test app, the example app and a stack of several models, and runs cfn-lint on every template',
  env: quiet,
  steps: [
    { spawn: project.bundler.bundleTask.name },
    ...Object.entries(cfnLintIgnored).map(([rule, reason]) => ({ say: `cfn-lint ignores ${rule}: ${reason}` })),
    { exec: `ts-node --transpile-only --project test/tsconfig.json test/lint/cfn-lint.ts cdk.out/cfn-lint -- --ignore-checks ${Object.keys(cfnLintIgnored).join(' ')}` },
  ],
});

// jsii compiles only src/, and ts-jest only transpiles: type-check everything else. The benchmarks'
// project includes the handler, the local stand-ins, the demo and the examples with the same
// options, so it checks what the local/ and examples/ projects would.
project.testTask.spawn(project.addTask('typecheck', {
  description: 'Type-checks what jsii does not compile: the handler, the local stand-ins and the demo, the examples, the tests and the benchmarks',
  steps: [
    { exec: 'tsc --noEmit -p test/tsconfig.json' },
    { exec: 'tsc --noEmit -p benchmarks/tsconfig.json' },
  ],
}));

project.synth();
