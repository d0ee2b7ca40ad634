import * as fs from 'fs';
import * as path from 'path';
import { buildBundles, makeWorkDir } from './bundle-build';

/** The handler bundle the construct ships, which the end-to-end benchmarks run. */
export const SHIPPED_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'lambda', 'teardown', 'index', 'index.js');

/** Fails unless the shipped bundle is what the current sources bundle to, so no benchmark times stale code. */
export async function assertShippedBundleCurrent(): Promise<void> {
  const workDir = makeWorkDir();
  try {
    const fresh = await buildBundles(workDir);
    if (!fs.existsSync(SHIPPED_BUNDLE) || !fs.readFileSync(SHIPPED_BUNDLE).equals(fs.readFileSync(fresh.handlerFile))) {
      throw new Error(`${path.relative(process.cwd(), SHIPPED_BUNDLE)} is not what the sources bundle to: run \`npx projen bundle\` first`);
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
