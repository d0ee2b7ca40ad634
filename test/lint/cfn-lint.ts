import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Synthesizes the integration test app, the example app and test/lint/models.app.ts, and runs
 * AWS's CloudFormation linter (cfn-lint) on every template they produce. Arguments after `--`
 * go to cfn-lint (the task passes its ignore list). Exits non-zero on any finding.
 *
 *   ts-node test/lint/cfn-lint.ts <outdir> [-- <cfn-lint options>]
 */

const root = path.resolve(__dirname, '..', '..');

/** The apps, each synthesized into its own folder, from the folder a user would run it in. */
export interface LintedApp {
  readonly name: string;
  /** Where the app is run from. */
  readonly cwd: string;
  /** ts-node's arguments. */
  readonly args: string[];
}

const APPS: LintedApp[] = [
  { name: 'integ', cwd: root, args: ['--project', 'test/tsconfig.json', 'test/construct/integ.model-lifecycle.ts'] },
  { name: 'example', cwd: path.join(root, 'examples'), args: ['--project', 'tsconfig.json', 'app.ts'] },
  { name: 'models', cwd: root, args: ['--project', 'test/tsconfig.json', 'test/lint/models.app.ts'] },
];

/** The templates in a cloud assembly folder worth linting, and the ones skipped with the reason. */
export function templatesIn(assemblyDir: string): { lint: string[]; skipped: string[] } {
  const found = fs.readdirSync(assemblyDir).filter((f) => f.endsWith('.template.json')).map((f) => path.join(assemblyDir, f));
  if (!found.length) {
    throw new Error(`no template in ${assemblyDir}: the app synthesized no stack.`);
  }
  const hasResources = (template: string) => Object.keys(JSON.parse(fs.readFileSync(template, 'utf8')).Resources ?? {}).length > 0;
  // integ-tests-alpha's assertion stack is empty when a test makes no assertions; it is never deployed so.
  return { lint: found.filter(hasResources), skipped: found.filter((t) => !hasResources(t)) };
}

/** Runs cfn-lint on the templates; a string says what went wrong. */
export function lint(templates: string[], options: string[], command = 'cfn-lint'): string | undefined {
  const result = spawnSync(command, [...options, '--', ...templates], { stdio: 'inherit' });
  if (result.error) {
    return `${command} could not run (${result.error.message}); install it with \`pip install cfn-lint\`.`;
  }
  return result.status === 0 ? undefined : `${command} reported findings (exit ${result.status}).`;
}

/** Synthesizes `apps` into `outdir` and lints their templates; the exit code. */
export function main(outdir: string | undefined, cfnLintOptions: string[], apps: LintedApp[] = APPS): number {
  if (!outdir) {
    console.error('usage: cfn-lint.ts <outdir> [-- <cfn-lint options>]');
    return 2;
  }
  const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', env: process.env });
  if (version.error || version.status !== 0) {
    console.error(`cfn-lint could not run (${version.error?.message ?? `exit ${version.status}`}); install it with \`pip install cfn-lint\`.`);
    return 1;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const templates: string[] = [];
  for (const app of apps) {
    const appOut = path.resolve(outdir, app.name);
    const synth = spawnSync(path.join(root, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', ...app.args], {
      cwd: app.cwd,
      env: { ...process.env, CDK_OUTDIR: appOut },
      stdio: 'inherit',
    });
    if (synth.status !== 0) {
      console.error(`synthesizing the ${app.name} app failed (exit ${synth.status ?? synth.signal}).`);
      return 1;
    }
    const { lint: found, skipped } = templatesIn(appOut);
    skipped.forEach((t) => console.log(`skipping ${path.relative(root, t)}: it has no resources`));
    templates.push(...found);
  }
  console.log(`${version.stdout.trim()} ${cfnLintOptions.join(' ')} on ${templates.length} templates:\n  ${templates.map((t) => path.relative(root, t)).join('\n  ')}`);
  const failure = lint(templates, cfnLintOptions);
  if (failure) {
    console.error(failure);
    return 1;
  }
  console.log(`cfn-lint: ${templates.length} templates, no finding.`);
  return 0;
}

if (require.main === module) {
  const [outdir, ...rest] = process.argv.slice(2);
  process.exit(main(outdir, rest[0] === '--' ? rest.slice(1) : rest));
}
