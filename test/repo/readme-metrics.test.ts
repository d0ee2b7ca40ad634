import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CustomLabelsModelLifecycle } from '../../src';
import { TEARDOWN_METRICS } from '../../src/teardown-contract';

/** README's section on the teardown metrics says what the construct and the handler do. */

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('\n## Alarm when a teardown fails\n'), README.indexOf('\n## Limits and failure modes\n'));

function model(): CustomLabelsModelLifecycle {
  const stack = new Stack(new App(), 'Birds', { env: { account: '123456789012', region: 'us-east-1' } });
  return new CustomLabelsModelLifecycle(stack, 'Model', {
    projectVersionArn: 'arn:aws:rekognition:us-east-1:123456789012:project/birds/version/v1/1700000000000',
  });
}

test('the metrics table names each method, its metric and its default statistic', () => {
  const header = '| Method | Metric (namespace `';
  expect(SECTION).toContain(`${header}${TEARDOWN_METRICS.namespace}\`) | Default statistic |`);
  const rows = SECTION.split('\n').filter((line) => line.startsWith('| `metric'))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
  const m = model() as unknown as Record<string, () => cloudwatch.Metric>;

  const described = rows.map(([, metric, statistic]) => [/^`(\w+)`/.exec(metric)![1], statistic]);
  const actual = rows.map(([method]) => {
    const made = m[/^`(\w+)\(\)`$/.exec(method)![1]].call(m);
    return [made.metricName, `${made.statistic} over ${made.period.toMinutes()} minutes`];
  });
  expect(described).toEqual(actual);
  expect(rows.map(([, metric]) => /^`(\w+)`/.exec(metric)![1]).sort())
    .toEqual([TEARDOWN_METRICS.failures, TEARDOWN_METRICS.teardowns, TEARDOWN_METRICS.duration].sort());
});

test('the metric built by hand for a stack without models is the one the construct gives', () => {
  const byHand = /`(new cloudwatch\.Metric\(\{[^`]*\}\))`/.exec(SECTION)![1];
  const m = model();
  const stack = Stack.of(m);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const metric = new Function('cloudwatch', 'stack', `return ${byHand};`)(cloudwatch, stack) as cloudwatch.Metric;

  expect(metric.attachTo(stack).toMetricConfig()).toEqual(m.metricTeardownFailures().toMetricConfig());
});
