import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CustomLabelsModelLifecycle } from '../../src';
import { TEARDOWN_METRICS } from '../../src/teardown-contract';

const arn = (version: string) =>
  `arn:aws:rekognition:us-east-1:123456789012:project/birds/version/${version}/1700000000000`;

function model(stackName = 'Birds', id = 'Model'): CustomLabelsModelLifecycle {
  const stack = new Stack(new App(), stackName, { env: { account: '123456789012', region: 'us-east-1' } });
  return new CustomLabelsModelLifecycle(stack, id, { projectVersionArn: arn('v1') });
}

describe('metric methods', () => {
  test('metricTeardownFailures is the sum over 5 minutes of TeardownFailures of this stack', () => {
    const metric = model().metricTeardownFailures();

    expect(metric.namespace).toBe('RekognitionCustomLabelsModelLifecycle');
    expect(metric.metricName).toBe('TeardownFailures');
    expect(metric.dimensions).toEqual({ StackName: 'Birds' });
    expect(metric.statistic).toBe('Sum');
    expect(metric.period.toSeconds()).toBe(300);
    // Attached to the stack: an alarm in another region or account would still read the right one.
    expect(metric.region).toBe('us-east-1');
    expect(metric.account).toBe('123456789012');
  });

  test('metricTeardowns counts completed teardowns; metricTeardownDuration averages their milliseconds', () => {
    const m = model();
    const teardowns = m.metricTeardowns();
    const duration = m.metricTeardownDuration();

    expect([teardowns.metricName, teardowns.statistic]).toEqual(['Teardowns', 'Sum']);
    expect([duration.metricName, duration.statistic]).toEqual(['TeardownDuration', 'Average']);
    expect(duration.period.toSeconds()).toBe(300);
    expect(duration.dimensions).toEqual({ StackName: 'Birds' });
  });

  test('the names come from the contract the handler writes them with', () => {
    const m = model();
    const metrics = [m.metricTeardownFailures(), m.metricTeardowns(), m.metricTeardownDuration()];
    expect(metrics.map((x) => [x.namespace, x.metricName, Object.keys(x.dimensions ?? {})]))
      .toEqual([TEARDOWN_METRICS.failures, TEARDOWN_METRICS.teardowns, TEARDOWN_METRICS.duration]
        .map((name) => [TEARDOWN_METRICS.namespace, name, [TEARDOWN_METRICS.stackNameDimension]]));
  });

  test('MetricOptions override the defaults', () => {
    const m = model();
    const failures = m.metricTeardownFailures({ statistic: 'Maximum', period: Duration.hours(1), label: 'failed teardowns' });
    const duration = m.metricTeardownDuration({ statistic: 'p90' });

    expect([failures.statistic, failures.period.toMinutes(), failures.label]).toEqual(['Maximum', 60, 'failed teardowns']);
    expect(duration.statistic).toBe('p90');
  });

  test('every model of a stack has the same metric: one alarm covers models removed later', () => {
    const first = model('Birds', 'First');
    const second = new CustomLabelsModelLifecycle(Stack.of(first), 'Second', { projectVersionArn: arn('v2') });

    expect(second.metricTeardownFailures().toMetricConfig()).toEqual(first.metricTeardownFailures().toMetricConfig());
  });

  test('metric() takes the name of a reported metric, and fails at synth on any other', () => {
    const m = model();
    expect(m.metric('Teardowns', { statistic: 'SampleCount' }).statistic).toBe('SampleCount');
    expect(() => m.metric('TeardownFailure')).toThrow(
      "metricName must be one of TeardownFailures, Teardowns, TeardownDuration (the metrics the teardown function reports); got 'TeardownFailure'.");
  });

  test('a metric name given as a token passes through to deploy', () => {
    const m = model();
    const name = Lazy.string({ produce: () => 'Teardowns' });
    expect(() => m.metric(name)).not.toThrow();
  });

  test('an alarm on the failures synthesizes with the namespace, name and stack dimension', () => {
    const m = model();
    new cloudwatch.Alarm(Stack.of(m), 'Alarm', {
      metric: m.metricTeardownFailures(),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    Template.fromStack(Stack.of(m)).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'RekognitionCustomLabelsModelLifecycle',
      MetricName: 'TeardownFailures',
      Dimensions: [{ Name: 'StackName', Value: 'Birds' }],
      Statistic: 'Sum',
      Period: 300,
    });
  });
});
