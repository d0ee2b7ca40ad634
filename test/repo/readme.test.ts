import * as fs from 'fs';
import * as path from 'path';
import { ProjectVersionStatus } from '@aws-sdk/client-rekognition';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TargetLanguage, TranslatedSnippet } from 'jsii-rosetta';
import { ErrorAnswer } from '../../lambda/teardown/model-api';
import { readModelVersion, readProperties } from '../../lambda/teardown/properties';
import { TeardownEvent } from '../../lambda/teardown/request';
import { DEFAULT_PACING } from '../../lambda/teardown/schedule';
import { claimKeptAfterStopReason, claimNotRecordedReason, claimsUnreadableReason, cleanupRetryReason, failureReason, ownStatusUnconfirmedReason, stackUnreadableReason, timeoutReason } from '../../lambda/teardown/teardown-reasons';
import { CustomLabelsModelLifecycle, ModelTeardownAction } from '../../src';
import { decideEvent, DELETING_STACK, deps, FakeStack, STACK_ID } from '../handler/decision-deps';

/**
 * README.md, and the pages of docs/ it links to, say only what is true: its examples compile, their
 * tables match the code. The TypeScript examples are compiled by `npx projen rosetta` (part of
 * `npx projen test`), which writes the translations this test reads from .jsii.tabl.json.
 */

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const HOW_IT_WORKS = fs.readFileSync(path.join(ROOT, 'docs', 'how-it-works.md'), 'utf8');
const ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/birds/version/v1/1700000000000';

const TYPESCRIPT = ['ts', 'typescript'];

/** The fenced code blocks of the README, in order. */
function codeBlocks(): Array<{ language: string; source: string }> {
  return [...README.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map(([, language, source]) => ({ language, source }));
}

/** The rows of the table under the header line that starts with `header`, as lists of cells. */
function tableRows(header: string, markdown = README): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(header));
  if (start < 0) {
    throw new Error(`No table with the header ${header}`);
  }
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) {
      break;
    }
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

/** The `code` spans of a piece of markdown. */
function codeSpans(markdown: string): string[] {
  return [...markdown.matchAll(/`([^`]+)`/g)].map(([, span]) => span);
}

/** The README section that starts with this heading, up to the next one. */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = README.indexOf('\n## ', start + heading.length + 2);
  return README.slice(start, next < 0 ? undefined : next);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A status (`RUNNING`) or an operation (`StopProjectVersion`): what "(or `X`)" in a reason replaces. */
const KINDS = [/^[A-Z]+(?:_[A-Z]+)*$/, /^[A-Z][a-z]+(?:[A-Z][a-z]+)+$/];

/**
 * The reasons of a table cell: each `code` span with a `…`, and for "`… RUNNING …` (or `STARTING`)"
 * the same reason with `STARTING` in place of the word of its kind.
 */
function reasonsOfCell(cell: string): string[] {
  const spans = codeSpans(cell);
  const reasons = spans.filter((span) => span.includes('…'));
  const alternatives = spans.filter((span) => !span.includes('…'));
  return reasons.flatMap((reason) => [reason, ...alternatives.map((alternative) => {
    const kind = KINDS.find((k) => k.test(alternative));
    const word = reason.split(/\s+/).find((w) => kind?.test(w));
    if (!word) {
      throw new Error(`Nothing in '${reason}' for '${alternative}' to replace`);
    }
    return reason.replace(word, alternative);
  })]);
}

describe('examples', () => {
  let snippets: TranslatedSnippet[];
  beforeAll(() => {
    const tablet = path.join(ROOT, '.jsii.tabl.json');
    if (!fs.existsSync(tablet)) {
      throw new Error('No .jsii.tabl.json: run `npx projen rosetta` first (`npx projen test` does).');
    }
    // Read as plain JSON: rosetta's own loader streams with a dynamic import, which jest refuses.
    const schemas = JSON.parse(fs.readFileSync(tablet, 'utf8')).snippets;
    snippets = Object.values(schemas).map((schema) => TranslatedSnippet.fromSchema(schema as never));
  });

  /** The rosetta translation of a TypeScript example of the README. */
  function translated(source: string): TranslatedSnippet {
    const snippet = snippets.find((s) => s.originalSource.source.trim() === source.trim());
    if (!snippet) {
      throw new Error(`README.md changed since its examples were compiled: run \`npx projen rosetta\`. Not compiled:\n${source}`);
    }
    return snippet;
  }

  test('every TypeScript example compiles against the library (jsii-rosetta, strict)', () => {
    const typescript = codeBlocks().filter((block) => TYPESCRIPT.includes(block.language));

    expect(typescript.length).toBeGreaterThanOrEqual(2);
    for (const block of typescript) {
      expect(translated(block.source).snippet.didCompile).toBe(true);
    }
  });

  test('every Python example is the jsii translation of the TypeScript example before it', () => {
    const blocks = codeBlocks();
    const python = blocks.map((block, i) => ({ block, before: blocks[i - 1] })).filter(({ block }) => block.language === 'python');

    expect(python.length).toBeGreaterThanOrEqual(1);
    for (const { block, before } of python) {
      expect(TYPESCRIPT).toContain(before?.language);
      const translation = translated(before.source).get(TargetLanguage.PYTHON);
      expect(block.source.trim()).toBe(translation?.source.trim());
    }
  });
});

test('the install table names the packages jsii builds for each language', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const { python, java, dotnet, go } = pkg.jsii.targets;
  const install = section('## Install');

  expect(install).toContain(`\`npm install ${pkg.name}\``);
  expect(install).toContain(`\`pip install ${python.distName}\``);
  expect(install).toContain(`\`${java.maven.groupId}:${java.maven.artifactId}\``);
  expect(install).toContain(`\`dotnet add package ${dotnet.packageId}\``);
  expect(install).toContain(`\`go get ${go.moduleName}/`);
});

test('the set-up commands run projen tasks that exist, and CI runs the test command', () => {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');

  for (const task of ['demo', 'test']) {
    expect(README).toContain(`\nnpm ci && npx projen ${task}\n`);
    expect(tasks[task]).toBeDefined();
  }
  expect(ci).toContain('\nnpm ci && npx projen test');
});

describe('links', () => {
  /** The repository on the web, from package.json: the README links there to what the package does not ship. */
  const repository = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).repository.url.replace(/\.git$/, '');
  const branch = /defaultReleaseBranch: '([^']+)'/.exec(fs.readFileSync(path.join(ROOT, '.projenrc.ts'), 'utf8'))![1];
  /** What the npm package ships besides code (test/repo/package.test.ts): the README may link to these by relative path. */
  const shipped = ['API.md', 'LICENSE'];
  const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`);

  /** The targets of a markdown file's links, `[text](target)`. */
  function linkTargets(markdown: string): string[] {
    return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target);
  }

  /** GitHub's anchors for a markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
  function anchors(markdown: string): string[] {
    return [...markdown.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/^#+ (.+)$/gm)]
      .map(([, heading]) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
  }

  /** The file of this repository (from its root) and the anchor a link of `from` leads to; undefined for other sites. */
  function resolve(target: string, from: string): { file: string; anchor?: string } | undefined {
    const [address, anchor] = target.split('#');
    if (address.startsWith(`${repository}/`)) {
      const file = new RegExp(`^${escapeRegExp(repository)}/(?:blob|tree)/${branch}/(.+)$`).exec(address)?.[1];
      return { file: file ?? `(not a file on ${branch}: ${address})`, anchor };
    }
    if (/^[a-z]+:/.test(address)) {
      return undefined;
    }
    return { file: address === '' ? from : path.posix.join(path.posix.dirname(from), address), anchor };
  }

  test('the README links by relative path only to what the package ships, and to docs/ through the repository', () => {
    const relative = linkTargets(README).filter((target) => !/^[a-z]+:/.test(target) && !target.startsWith('#'));
    const toRepository = linkTargets(README).map((target) => resolve(target, 'README.md')?.file);

    expect(relative.filter((target) => !shipped.includes(target))).toEqual([]);
    expect(toRepository).toEqual(expect.arrayContaining(['API.md', ...docs]));
  });

  test.each(['README.md', ...docs])('every link of %s into the repository leads to a file and heading that exist', (from) => {
    const broken = linkTargets(fs.readFileSync(path.join(ROOT, from), 'utf8'))
      .filter((target) => {
        const to = resolve(target, from);
        if (!to) {
          return false;
        }
        const file = path.join(ROOT, to.file);
        return !fs.existsSync(file)
          || (to.anchor !== undefined && !anchors(fs.readFileSync(file, 'utf8')).includes(to.anchor));
      });

    expect(broken).toEqual([]);
  });
});

test('the status table covers each of the 14 statuses Rekognition defines, once', () => {
  const statuses = tableRows('| Status at delete time |', HOW_IT_WORKS)
    .flatMap(([status]) => codeSpans(status))
    .sort();

  expect(statuses).toEqual(Object.values(ProjectVersionStatus).sort());
  expect(statuses).toHaveLength(14);
});

test('docs/how-it-works.md paces the polls and the turns as DEFAULT_PACING does', () => {
  const P = DEFAULT_PACING;
  const text = HOW_IT_WORKS.replace(/\s+/g, ' ');
  expect(text).toContain(`from ${P.firstPollMs / 1000} s, growing by ${100 * P.pollGrowth}% of the state's age, at most ${P.maxPollMs / 1000} s`);
  expect(text).toContain(`no sooner than ${100 * P.deletingPollShare}% of the whole wait`);
  expect(text).toContain(`every *count* × ${P.turnMs} ms`);
  expect(text).toContain(`doubles from ${P.firstBackoffMs / 1000} s to ${P.maxStopBackoffMs / 1000} s ("full jitter")`);
  expect(text).toContain(`at most ${P.maxBackoffMs / 1000} s`);
});

test('the IAM table lists exactly the actions the construct grants', () => {
  const stack = new Stack(new App(), 'Iam');
  new CustomLabelsModelLifecycle(stack, 'Deleted', { projectVersionArn: ARN });
  new CustomLabelsModelLifecycle(stack, 'Stopped', { projectVersionArn: ARN.replace('/1', '/2'), teardownAction: ModelTeardownAction.STOP });
  const template = Template.fromStack(stack);
  const granted = [...Object.values(template.findResources('AWS::IAM::Policy')), ...Object.values(template.findResources('AWS::IAM::ManagedPolicy'))]
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .flatMap((statement: { Action: string | string[] }) => statement.Action);

  // Actions, not condition keys (`aws:…`).
  const listed = codeSpans(section('## IAM')).filter((span) => /^[a-z0-9-]+:[A-Za-z]+$/.test(span) && !span.startsWith('aws:'));
  expect(new Set(listed)).toEqual(new Set(granted));
});

describe('the table of failure reasons', () => {
  /** Each reason of the table, as a pattern: `…` and `<placeholders>` stand for any text. */
  const patterns = tableRows('| Reason |')
    .flatMap(([reasons]) => reasonsOfCell(reasons))
    .map((reason) => ({
      reason,
      pattern: new RegExp('^' + escapeRegExp(reason)
        .replace(/<[^>]+>\/<[^>]+>/g, '\\S+')
        .replace(/…/g, '.*')),
    }));
  const handlerSources = fs.readdirSync(path.join(ROOT, 'lambda', 'teardown'))
    .map((file) => fs.readFileSync(path.join(ROOT, 'lambda', 'teardown', file), 'utf8'))
    .join('\n');

  /**
   * For the reasons the entry point writes inline (a failed hand-off, an unexpected error): the
   * handler has a string that starts with the reason's text up to its first `…`, of four words at
   * least so that a bare "Model" proves nothing.
   */
  function writtenInline(reason: string): boolean {
    const start = reason.split('…')[0].trim();
    return start.split(/\s+/).length >= 4
      && new RegExp(`[\`'"]${escapeRegExp(start)}`).test(handlerSources);
  }

  /** Reasons the handler gives, made by its own functions. */
  async function handlerReasons(): Promise<string[]> {
    const timeouts = ['TRAINING_IN_PROGRESS', 'COPYING_IN_PROGRESS', 'RUNNING', 'STARTING', 'STOPPING', 'DELETING', 'BUSY', 'UNKNOWN']
      .map((state) => timeoutReason(readModelVersion(ARN)!, state, 600_000));
    const refusals = [
      failureReason(readModelVersion(ARN)!, 'StopProjectVersion', { error: 'AccessDeniedException', message: 'denied' }),
      failureReason(readModelVersion(ARN)!, 'DeleteProjectVersion', { error: 'AccessDeniedException', message: 'denied' }),
      failureReason(readModelVersion(ARN)!, 'DeleteProjectVersion', { error: 'InvalidParameterException', message: 'bad' }),
    ];
    const properties = [
      { ProjectVersionArn: 'not-an-arn' },
      { ProjectVersionArn: ARN, TeardownAction: 'KEEP' },
      { ProjectVersionArn: ARN, MaxWaitSeconds: '0' },
    ].map((p) => readProperties(p) as string);
    const reasonOf = async (fields: Record<string, unknown>, stack: FakeStack | ErrorAnswer = DELETING_STACK) => {
      const decision = await decideEvent({
        ResponseURL: 'https://example.com/response',
        StackId: STACK_ID,
        LogicalResourceId: 'Model',
        RequestId: 'req',
        ResourceProperties: { ServiceToken: 'token', ProjectVersionArn: ARN, RecordsClaim: 'true' },
        ...fields,
      } as unknown as TeardownEvent, { ...deps({ result: 'CONTINUE', lastState: 'UNKNOWN', calls: 0 }, stack), runDeadline: 0 });
      return 'reason' in decision ? decision.reason : '';
    };
    const decisions = await Promise.all([
      reasonOf({ RequestType: 'Delete', PhysicalResourceId: ARN }),
      reasonOf({ RequestType: 'Delete', PhysicalResourceId: ARN }, { error: 'AccessDenied', message: 'denied', httpStatus: 403 }),
      reasonOf({ RequestType: 'Create', ResourceProperties: { ServiceToken: 'token', ProjectVersionArn: ARN.replace('123456789012', '210987654321') } }),
      reasonOf({ RequestType: 'Update', PhysicalResourceId: ARN.replace('v1', 'v0'), OldResourceProperties: { ServiceToken: 'token', ProjectVersionArn: ARN.replace('v1', 'v0') } }),
      reasonOf({ RequestType: 'Create', ResourceProperties: { ServiceToken: 'token', ProjectVersionArn: ARN.replace('v1', 'v9'), RecordsClaim: 'true' } }),
    ]);
    const throttled = { error: 'Throttling', message: 'Rate exceeded' };
    const claims = [
      stackUnreadableReason(readModelVersion(ARN)!, throttled, true),
      claimsUnreadableReason(readModelVersion(ARN)!, { error: 'AccessDeniedException', message: 'denied' }, false),
      claimsUnreadableReason(readModelVersion(ARN)!, { error: 'ThrottlingException', message: 'slow down' }, true),
      claimNotRecordedReason(readModelVersion(ARN)!, { error: 'AccessDeniedException', message: 'denied' }, false),
      claimNotRecordedReason(readModelVersion(ARN)!, { error: 'ThrottlingException', message: 'slow down' }, true),
      claimKeptAfterStopReason(readModelVersion(ARN)!, 'claim-key', { error: 'AccessDeniedException', message: 'denied' }, 'STACK_DELETE'),
    ];
    const retried = cleanupRetryReason(readModelVersion(ARN)!, 3_000, 2);
    const unconfirmed = ownStatusUnconfirmedReason(readModelVersion(ARN)!, 'Model', 'CREATE_COMPLETE', 60_000);
    const noEndpoint = failureReason(readModelVersion(ARN)!, 'StopProjectVersion', { error: 'Error', message: 'getaddrinfo ENOTFOUND', code: 'ENOTFOUND' });
    return [...timeouts, ...refusals, noEndpoint, retried, unconfirmed, ...properties, ...decisions, ...claims];
  }

  test('every reason the handler gives for a timeout, a refusal or bad properties is in the table', async () => {
    const unlisted = (await handlerReasons()).filter((reason) => !patterns.some(({ pattern }) => pattern.test(reason)));

    expect(patterns.length).toBeGreaterThanOrEqual(10);
    expect(unlisted).toEqual([]);
  });

  test('every reason in the table is one the handler gives', async () => {
    const reasons = await handlerReasons();
    const unknown = patterns
      .filter(({ reason, pattern }) => !reasons.some((r) => pattern.test(r)) && !writtenInline(reason))
      .map(({ reason }) => reason);

    expect(unknown).toEqual([]);
  });
});
