import { awscdk, javascript } from 'projen';

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
  // The integ-runner available here reads cloud assembly schema up to 53.x, which 2.257.0 emits.
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  // This repository is not hosted on GitHub: CI is `.ci/run`.
  github: false,
  release: false,
  lambdaAutoDiscover: false,
  integrationTestAutoDiscover: false,
  // CI must fail on a changed snapshot, not rewrite it.
  jestOptions: { updateSnapshot: javascript.UpdateSnapshot.NEVER },

  devDeps: [
    '@aws-sdk/client-rekognition@3.1142.0',
    '@aws-sdk/client-lambda@3.1142.0',
    '@types/aws-lambda',
    'esbuild',
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

// The mirror lacks unrs-resolver 1.13.0's non-Linux bindings, which breaks `npm ci` (see SETUP-NOTES).
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The teardown handler, bundled with its SDK clients so that users of every jsii language need
// neither esbuild nor Docker at synth. Node 20 is the oldest Node that must run it (this machine).
project.bundler.addBundle('./lambda/teardown/index.ts', {
  platform: 'node',
  target: 'node20',
  externals: [],
});
// `assets/` is git-ignored: a fresh clone must bundle before the tests synthesize stacks.
project.testTask.prependSpawn(project.bundler.bundleTask);

// Packaging for Python, Java, .NET and Go needs PyPI, Maven plugins, dotnet and go, which release
// machines have and this one does not: `package-all` builds them only when asked to.
for (const language of ['java', 'python', 'dotnet', 'go']) {
  project.tasks.tryFind(`package:${language}`)?.addCondition(
    `node -e "if (!process.env.PACKAGE_ALL_LANGUAGES) { console.log('package:${language} skipped: set PACKAGE_ALL_LANGUAGES=1 on a machine with its toolchain'); process.exit(1); }"`);
}

// Handler sources are bundled into assets/, never published as they are.
project.addPackageIgnore('/lambda/');
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/cdk.out/');
project.addPackageIgnore('/.ci/');

// Lint and type-check the handler with the same rules as the library.
new javascript.TypescriptConfig(project, {
  fileName: 'lambda/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
  compilerOptions: { noEmit: true, rootDir: '..' },
  include: ['**/*.ts', '../src/**/*.ts'],
});
project.eslint?.addLintPattern('lambda');

// The example app and the demo, type-checked and linted like the rest.
new javascript.TypescriptConfig(project, {
  fileName: 'examples/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
  compilerOptions: { noEmit: true, rootDir: '..' },
  include: ['**/*.ts', '../src/**/*.ts', '../lambda/**/*.ts', '../test/harness/**/*.ts', '../test/simulator/**/*.ts'],
});
project.eslint?.addLintPattern('examples');

// README's first command: synthesize the example app and tear its model down against the simulator.
project.addTask('demo', {
  description: 'Plays cdk deploy and cdk destroy of the example app against a local Rekognition, with the real bundled handler',
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  steps: [
    { spawn: project.bundler.bundleTask.name },
    { exec: 'ts-node --transpile-only --project examples/tsconfig.json examples/demo.ts' },
  ],
});
// The handler's SDK clients are bundled at build time: dev dependencies, not runtime ones.
project.eslint?.addOverride({
  files: ['lambda/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true }] },
});

project.synth();
