import * as fs from 'fs';
import * as path from 'path';
import { TargetLanguage, TranslatedSnippet } from 'jsii-rosetta';

/**
 * docs/run-schedule.md says only what is true: its TypeScript example is the `@example` of
 * `ModelRunSchedule`, which `npx projen rosetta` compiles (strict) and translates, and its Python
 * example is that translation.
 */

const ROOT = path.join(__dirname, '..', '..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs', 'run-schedule.md'), 'utf8');

function block(language: string): string {
  const found = [...DOC.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].filter(([, lang]) => lang === language);
  expect(found).toHaveLength(1);
  return found[0][2].trim();
}

function snippet(): TranslatedSnippet {
  const tablet = path.join(ROOT, '.jsii.tabl.json');
  if (!fs.existsSync(tablet)) {
    throw new Error('No .jsii.tabl.json: run `npx projen rosetta` first (`npx projen test` does).');
  }
  // Read as plain JSON: rosetta's own loader streams with a dynamic import, which jest refuses.
  const snippets = Object.values(JSON.parse(fs.readFileSync(tablet, 'utf8')).snippets)
    .map((schema) => TranslatedSnippet.fromSchema(schema as never));
  const found = snippets.find((s) => s.originalSource.source.trim() === block('ts'));
  if (!found) {
    throw new Error('docs/run-schedule.md\'s TypeScript example is not the @example of ModelRunSchedule (src/model-run-scheduler.ts), or rosetta has not run since it changed.');
  }
  return found;
}

test('the TypeScript example compiles against the library (jsii-rosetta, strict)', () => {
  expect(snippet().snippet.didCompile).toBe(true);
});

test('the Python example is the jsii translation of the TypeScript example', () => {
  // Rosetta puts an import of the documented type itself first in the translation of a type's
  // @example; the example already imports it.
  const translation = snippet().get(TargetLanguage.PYTHON)!.source.trim().split('\n');
  expect(translation[0]).toBe('from cdk_rekognition_model_lifecycle import ModelRunSchedule');
  expect(block('python')).toBe(translation.slice(1).join('\n').trim());
});
