import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';

/**
 * The handler bundle as the project builds it, the bare Rekognition client built the same way
 * (the fair baseline), and what-if variants of both with other esbuild options. Built into a
 * temporary folder, never into assets/.
 */

const ROOT = path.join(__dirname, '..', '..');
const HANDLER_ENTRY = path.join(ROOT, 'lambda', 'teardown', 'index.ts');
/** What the handler takes from the Rekognition client: the baseline bundles exactly that. */
const BARE_CLIENT_SOURCE = "export { RekognitionClient, StopProjectVersionCommand, DeleteProjectVersionCommand } from '@aws-sdk/client-rekognition';\n";

/** The options of the projen bundle task (`npx projen bundle`): `--bundle --target=node20 --platform=node`. */
const PROJECT_OPTIONS = { bundle: true, target: 'node20', platform: 'node' as const, logLevel: 'error' as const };

export interface BuildOptions {
  readonly minify: boolean;
  /** ESM builds of the SDK first (`module`), so esbuild can drop what the handler never uses. */
  readonly esmFirst: boolean;
}

export interface BuiltVariant {
  readonly name: string;
  readonly options: BuildOptions;
  /** The handler bundle's folder (holds index.js, as the asset does). */
  readonly handlerDir: string;
  readonly bareClientFile: string;
}

export async function buildVariant(name: string, options: BuildOptions, workDir: string): Promise<BuiltVariant> {
  const dir = fs.mkdtempSync(path.join(workDir, 'variant-'));
  const handlerDir = path.join(dir, 'handler');
  await build({
    ...esbuildOptions(options),
    entryPoints: [HANDLER_ENTRY],
    outfile: path.join(handlerDir, 'index.js'),
  });
  return { name, options, handlerDir, bareClientFile: await bareClient(options, workDir) };
}

/** The bare client, built once per set of esbuild options (a lazy Lambda client does not apply to it). */
const bareClients = new Map<string, Promise<string>>();
function bareClient(options: BuildOptions, workDir: string): Promise<string> {
  const key = `${workDir}:${options.minify}:${options.esmFirst}`;
  if (!bareClients.has(key)) {
    const file = path.join(workDir, `bare-client${options.minify ? '-minify' : ''}${options.esmFirst ? '-esm-first' : ''}.js`);
    bareClients.set(key, build({
      ...esbuildOptions(options),
      stdin: { contents: BARE_CLIENT_SOURCE, resolveDir: ROOT, loader: 'ts', sourcefile: 'bare-client.ts' },
      outfile: file,
    }).then(() => file));
  }
  return bareClients.get(key)!;
}

function esbuildOptions(options: BuildOptions) {
  return { ...PROJECT_OPTIONS, minify: options.minify, ...(options.esmFirst ? { mainFields: ['module', 'main'] } : {}) };
}

export function makeWorkDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
}

export function bundleSize(file: string): number {
  return fs.statSync(file).size;
}
