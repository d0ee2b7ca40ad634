import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';

/**
 * The handler bundle as the project builds it, and the bare Rekognition client built the same way
 * (the fair baseline). Built into a temporary folder, never into assets/.
 */

const ROOT = path.join(__dirname, '..', '..');
const HANDLER_ENTRY = path.join(ROOT, 'lambda', 'teardown', 'index.ts');
/** What the handler takes from the Rekognition client: the baseline bundles exactly that. */
const BARE_CLIENT_SOURCE = "export { RekognitionClient, StopProjectVersionCommand, DeleteProjectVersionCommand } from '@aws-sdk/client-rekognition';\n";

/** The options of the projen bundle task (`npx projen bundle`): `--bundle --target=node20 --platform=node`. */
const PROJECT_OPTIONS = { bundle: true, target: 'node20', platform: 'node' as const, logLevel: 'error' as const };

export interface BuiltBundles {
  /** The handler bundle, as `npx projen bundle` builds it. */
  readonly handlerFile: string;
  /** The bare client, with the same options. */
  readonly bareClientFile: string;
}

export async function buildBundles(workDir: string): Promise<BuiltBundles> {
  const handlerFile = path.join(workDir, 'handler', 'index.js');
  const bareClientFile = path.join(workDir, 'bare-client.js');
  await build({ ...PROJECT_OPTIONS, entryPoints: [HANDLER_ENTRY], outfile: handlerFile });
  await build({
    ...PROJECT_OPTIONS,
    stdin: { contents: BARE_CLIENT_SOURCE, resolveDir: ROOT, loader: 'ts', sourcefile: 'bare-client.ts' },
    outfile: bareClientFile,
  });
  return { handlerFile, bareClientFile };
}

export function makeWorkDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
}

export function bundleSize(file: string): number {
  return fs.statSync(file).size;
}
