import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lint, main, templatesIn } from './cfn-lint';

/** The parts of `npx projen cfn-lint` that decide: which templates, and what a finding does. */

jest.setTimeout(60_000);

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, template: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(template));
  return file;
};

test('lints every template with resources and skips an empty one', () => {
  const withResources = write('A.template.json', { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
  const empty = write('Assert.template.json', { Parameters: {} });
  write('A.assets.json', {});

  expect(templatesIn(dir)).toEqual({ lint: [withResources], skipped: [empty] });
});

test('fails when the app synthesized no template', () => {
  expect(() => templatesIn(dir)).toThrow(/^no template in .*: the app synthesized no stack\.$/);
});

test('a clean template passes, and a finding fails the run', () => {
  const clean = write('Clean.template.json', { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
  const broken = write('Broken.template.json', { Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon' } } } });

  expect(lint([clean], [])).toBeUndefined();
  expect(lint([clean, broken], [])).toMatch(/^cfn-lint reported findings \(exit \d+\)\.$/);
});

test('an ignored rule does not fail the run', () => {
  const warned = write('Warned.template.json', {
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } },
      Topic: { Type: 'AWS::SNS::Topic', DependsOn: ['Role'], Properties: { DisplayName: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
    },
  });

  expect(lint([warned], [])).toMatch(/findings/);
  expect(lint([warned], ['--ignore-checks', 'W3005'])).toBeUndefined();
});

test('says how to install cfn-lint when it is missing', () => {
  const clean = write('Clean.template.json', { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
  expect(lint([clean], [], 'cfn-lint-not-installed')).toMatch(/^cfn-lint-not-installed could not run \(.*\); install it with `pip install cfn-lint`\.$/);
});

describe('the command', () => {
  let log: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    log.mockRestore();
    error.mockRestore();
  });

  test('needs an output folder', () => {
    expect(main(undefined, [])).toBe(2);
    expect(error).toHaveBeenCalledWith('usage: cfn-lint.ts <outdir> [-- <cfn-lint options>]');
  });

  test('fails before synthesizing anything when cfn-lint is not installed', () => {
    const pathBefore = process.env.PATH;
    process.env.PATH = dir;
    try {
      expect(main(path.join(dir, 'out'), [])).toBe(1);
    } finally {
      process.env.PATH = pathBefore;
    }
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/^cfn-lint could not run .*install it with `pip install cfn-lint`\.$/));
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('fails, naming the app, when an app does not synthesize', () => {
    const app = { name: 'broken', cwd: dir, args: ['does-not-exist.ts'] };
    expect(main(path.join(dir, 'out'), [], [app])).toBe(1);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/^synthesizing the broken app failed \(exit \d+\)\.$/));
  });
});
