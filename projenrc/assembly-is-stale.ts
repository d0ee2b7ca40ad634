import * as fs from 'fs';
import * as path from 'path';

/**
 * Exits 0 (so projen runs the step it guards) when the jsii assembly is missing or older than
 * anything it is built from: README.md (rosetta's examples), package.json, tsconfig.json, src/.
 */
const mtime = (file: string) => fs.statSync(file).mtimeMs;
const built = fs.existsSync('.jsii') && fs.existsSync('lib/index.js') ? mtime('.jsii') : 0;
const sources = fs.readdirSync('src', { recursive: true, encoding: 'utf8' }).map((file) => path.join('src', file));
const inputs = ['README.md', 'package.json', 'tsconfig.json', ...sources];
process.exit(inputs.some((file) => mtime(file) > built) ? 0 : 1);
