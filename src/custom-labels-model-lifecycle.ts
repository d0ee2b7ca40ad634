import { createHash } from 'crypto';
import { CustomResource, Duration, Lazy, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import { Construct } from 'constructs';
import { ModelRunSchedule, ModelRunScheduler } from './model-run-scheduler';
import { ModelTeardownAction } from './model-teardown-action';
import {
  MAX_WAIT_SECONDS,
  MODEL_RESOURCE_TYPE,
  ModelResourceProperties,
  parseProjectVersionArn,
  PROJECT_VERSION_ARN_FORM,
  TEARDOWN_METRICS,
} from './teardown-contract';
import { TeardownProvider } from './teardown-provider';

/** Time CloudFormation grants beyond `maxWait`, so the handler's own answer always comes first. */
const SERVICE_TIMEOUT_MARGIN = Duration.seconds(MAX_WAIT_SECONDS.serviceTimeoutMargin);
const MIN_MAX_WAIT = Duration.seconds(MAX_WAIT_SECONDS.constructMin);
const MAX_MAX_WAIT = Duration.seconds(MAX_WAIT_SECONDS.max);
const DEFAULT_MAX_WAIT = Duration.seconds(MAX_WAIT_SECONDS.default);

/** Properties of a {@link CustomLabelsModelLifecycle}. */
export interface CustomLabelsModelLifecycleProps {
  /**
   * The ARN of the Custom Labels model version whose teardown this stack owns.
   *
   * Form: `arn:<partition>:rekognition:<region>:<account>:project/<project>/version/<version>/<number>`,
   * 20 to 2048 characters, in the stack's account and partition. A literal value is checked at
   * synth; a token is checked by the handler at deploy, and a model that does not exist fails the
   * deploy. Changing a literal ARN (or a token made only of literals and pseudo parameters, such
   * as `Stack.formatArn`) replaces the resource: the new model is adopted and the old model is
   * torn down once the update has succeeded. Changing any other token's value in place is refused
   * (the update fails and rolls back, touching no model): give the construct a new id to replace
   * the model. Several stacks may name the same model: each records its claim on it (a tag), and
   * only the last of them to be destroyed tears it down.
   *
   * @see https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DeleteProjectVersion.html
   */
  readonly projectVersionArn: string;

  /**
   * What to do with the model when the resource is deleted. Changing it is an in-place update
   * that never touches the model.
   *
   * @default ModelTeardownAction.DELETE - stop the model if it runs, then delete the version
   * @see https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StopProjectVersion.html
   */
  readonly teardownAction?: ModelTeardownAction;

  /**
   * The longest time the teardown waits for the model (to stop, to finish training or copying,
   * to be deleted) before it reports the delete as failed, naming the last state seen.
   * Waits longer than one Lambda run (15 minutes) are handed on to a fresh run. The custom
   * resource's `ServiceTimeout` is set to this plus one minute.
   * Between 1 and 59 minutes. Changing it is an in-place update that never touches the model.
   *
   * @default Duration.minutes(30)
   */
  readonly maxWait?: Duration;

  /**
   * The project the model version belongs to, when the project is in the same stack. The model's
   * resource then depends on the project, so CloudFormation tears the model down first and
   * deletes the project after it (a project cannot be deleted while it has versions). Its name
   * must be the project name in `projectVersionArn`, and `teardownAction` must be `DELETE`.
   *
   * @default - no ordering against a project
   */
  readonly project?: rekognition.CfnProject;

  /**
   * What happens to the model when the resource leaves the stack (stack deleted, construct
   * removed, or ARN replaced). `RemovalPolicy.RETAIN` (or `RETAIN_ON_UPDATE_OR_DELETE`) keeps the
   * model as it is, for example to move it to another stack. The same as calling
   * `applyRemovalPolicy()`.
   *
   * @default RemovalPolicy.DESTROY - the model is torn down with `teardownAction`
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Stops the model on a schedule (every evening, say), and optionally starts it (every morning),
   * so that nobody pays for a model left running while nobody calls it. EventBridge Scheduler
   * schedules call Rekognition directly, each with a role that may call only its action on this
   * model. On destroy, the schedules are deleted before the model is torn down.
   *
   * @default - no schedule: the model runs until it is stopped by hand or torn down
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
   */
  readonly runSchedule?: ModelRunSchedule;
}

/**
 * Ties an Amazon Rekognition Custom Labels model version to the stack: when the stack is deleted
 * (or the model is replaced), the model is stopped, awaited while it is stopping, and deleted,
 * so that nothing is left running and billing.
 *
 * All models of a stack share one function and one role; each model adds its own IAM policy
 * granting `rekognition:StopProjectVersion` and `rekognition:DeleteProjectVersion` on its own ARN
 * only (and the tag actions that record, release and read the resources' claims on it), which
 * outlives the model's resource during its delete. A model that another stack still claims is
 * left to that stack.
 */
export class CustomLabelsModelLifecycle extends Construct {
  /** The ARN of the model version this resource tears down. */
  public readonly projectVersionArn: string;
  /** The teardown function, shared by every model of the stack. */
  public readonly handlerFunction: lambda.IFunction;
  /** The role of the teardown function, shared by every model of the stack. */
  public readonly handlerRole: iam.IRole;
  /** The log group of the teardown function: one JSON line per state change of each model. */
  public readonly handlerLogGroup: logs.ILogGroup;
  /** The policy that grants the teardown of this model, and nothing else. */
  public readonly teardownPolicy: iam.CfnPolicy;
  /** The schedules that stop (and start) the model, when `runSchedule` is given. */
  public readonly runScheduler?: ModelRunScheduler;
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: CustomLabelsModelLifecycleProps) {
    super(scope, id);
    validateProjectVersionArn(props.projectVersionArn);
    const maxWait = props.maxWait ?? DEFAULT_MAX_WAIT;
    validateMaxWait(maxWait);
    const teardownAction = props.teardownAction ?? ModelTeardownAction.DELETE;
    if (props.project) {
      validateProject(props.project, props.projectVersionArn, teardownAction);
    }

    const provider = TeardownProvider.of(this);
    validateSameAccount(this, props.projectVersionArn);
    this.projectVersionArn = props.projectVersionArn;
    this.handlerFunction = provider.function;
    this.handlerRole = provider.role;
    this.handlerLogGroup = provider.logGroup;

    // No `Version`: its 23 characters a policy are what lets a stack hold 31 models with room for
    // one replacement (README, Limits). IAM then reads the document in the 2008-10-17 language,
    // which differs only in policy variables, and this document has none.
    const policyDocument = {
      Statement: [{
        Effect: 'Allow',
        Action: [
          'rekognition:StopProjectVersion',
          ...teardownAction === ModelTeardownAction.STOP ? [] : ['rekognition:DeleteProjectVersion'],
          // The resource's claim on the model: recorded on adoption, released and read on delete.
          ...CLAIM_ACTIONS,
        ],
        Resource: props.projectVersionArn,
      }],
    };
    const key = arnKey(this, props.projectVersionArn);
    provider.registerModel(this, props.projectVersionArn, key, policyDocument);
    // The policy's id (so its logical id and name) follows the ARN when it is known at synth (a
    // literal, or a token of literals and pseudo parameters): a new ARN gets a new policy, created
    // before the resource's update, while the old one is deleted after the old model's teardown in
    // the cleanup phase (the remedy given in aws-cdk #14037). An L1 policy with a literal
    // document: the L2 Policy costs synth time for nothing one statement needs.
    this.teardownPolicy = new iam.CfnPolicy(this, `TeardownPolicy${key === undefined ? '' : shortHash(key)}`, {
      // Unique in the role, and new with a new ARN: IAM keys a role's inline policies by name.
      policyName: Lazy.string({ produce: () => Names.uniqueResourceName(this.teardownPolicy, { maxLength: 128 }) }),
      roles: [provider.role.roleName],
      policyDocument,
    });

    this.resource = new CustomResource(this, 'Resource', {
      resourceType: MODEL_RESOURCE_TYPE,
      serviceToken: provider.function.functionArn,
      serviceTimeout: maxWait.plus(SERVICE_TIMEOUT_MARGIN),
      properties: {
        ProjectVersionArn: props.projectVersionArn,
        TeardownAction: teardownAction,
        MaxWaitSeconds: maxWait.toSeconds(),
        TeardownPolicyLogicalId: this.teardownPolicy.logicalId,
        RecordsClaim: 'true',
      } satisfies ModelResourceProperties,
    });
    // The permissions must still exist while this resource is being deleted.
    this.resource.node.addDependency(this.teardownPolicy, provider.handlerPolicy);
    if (props.project) {
      this.resource.node.addDependency(props.project);
    }
    if (props.runSchedule) {
      this.runScheduler = new ModelRunScheduler(this, 'RunSchedule', { projectVersionArn: props.projectVersionArn, schedule: props.runSchedule });
      // Created once the model is adopted; on destroy, deleted before its teardown begins, so no
      // scheduled start comes after the stack began to end the model.
      this.runScheduler.node.addDependency(this.resource);
    }
    this.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);
  }

  /**
   * Chooses what happens to the model when the resource leaves the stack: `RemovalPolicy.DESTROY`
   * tears it down, `RemovalPolicy.RETAIN` or `RETAIN_ON_UPDATE_OR_DELETE` leave it as it is
   * (CloudFormation then sends the teardown no Delete at all).
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    if (policy === RemovalPolicy.SNAPSHOT) {
      throw new Error('removalPolicy must be RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE; got SNAPSHOT, which a model version does not have.');
    }
    this.resource.applyRemovalPolicy(policy);
  }

  /**
   * A metric of the teardowns of this stack's models, as the teardown function reports them.
   *
   * Its one dimension is the stack's name, so it counts the teardowns of every model of the stack,
   * also of models already removed from it: an alarm on it outlives the model whose teardown it
   * watches. Names: `TeardownFailures`, `Teardowns` (counts) and `TeardownDuration` (milliseconds).
   *
   * @param metricName the metric's name: `TeardownFailures`, `Teardowns` or `TeardownDuration`
   * @param props options that override the defaults (statistic, period, label...); by default, the sum over 5 minutes
   * @default - sum over 5 minutes
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    validateMetricName(metricName);
    return new cloudwatch.Metric({
      namespace: TEARDOWN_METRICS.namespace,
      metricName,
      dimensionsMap: { [TEARDOWN_METRICS.stackNameDimension]: Stack.of(this).stackName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    }).attachTo(this);
  }

  /**
   * Deletes of this stack's models that the teardown answered FAILED: the model may still be
   * running and billing. 1 per failed answer, 0 per successful one; a wait handed on to a fresh
   * run of the function is not an answer. It counts failures CloudFormation ignores too: those of
   * an update's cleanup phase, when a model is removed from the stack or replaced.
   *
   * @param props options that override the defaults; by default, the sum over 5 minutes
   * @default - sum over 5 minutes
   */
  public metricTeardownFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(TEARDOWN_METRICS.failures, props);
  }

  /**
   * Teardowns of this stack's models: the model is gone (`DELETE`) or not running (`STOP`)
   * because this stack tore it down. 1 per teardown (once across hand-offs), 0 per failed delete;
   * nothing for a delete that left the model as it was (a rollback, a rename, a model another
   * stack still claims).
   *
   * @param props options that override the defaults; by default, the sum over 5 minutes
   * @default - sum over 5 minutes
   */
  public metricTeardowns(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(TEARDOWN_METRICS.teardowns, props);
  }

  /**
   * How long the completed teardowns of this stack's models took, in milliseconds: from
   * CloudFormation's delete request to the successful answer, across every run of the function.
   *
   * @param props options that override the defaults; by default, the average over 5 minutes
   * @default - average over 5 minutes
   */
  public metricTeardownDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(TEARDOWN_METRICS.duration, { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }
}

/** The Rekognition actions that record, release and read the resource's claim on its model. */
const CLAIM_ACTIONS = ['rekognition:TagResource', 'rekognition:UntagResource', 'rekognition:ListTagsForResource'];

/** Pseudo parameters whose value a stack knows at synth when its environment is concrete. */
const PSEUDO_PARAMETERS = ['AWS::Partition', 'AWS::Region', 'AWS::AccountId', 'AWS::URLSuffix'];

/**
 * What identifies the ARN at synth: the literal itself, or a token's resolved form when it is made
 * only of literals and pseudo parameters (`Stack.formatArn`, `Fn::Join`, `Fn::Sub`), with the
 * pseudo parameters the stack's environment fixes filled in. Undefined when the ARN is only known
 * at deploy (a parameter, an attribute, an import).
 */
function arnKey(scope: Construct, arn: string): string | undefined {
  if (!Token.isUnresolved(arn)) {
    return arn;
  }
  const stack = Stack.of(scope);
  const known: Record<string, string> = {
    'AWS::Partition': stack.partition,
    'AWS::Region': stack.region,
    'AWS::AccountId': stack.account,
    'AWS::URLSuffix': stack.urlSuffix,
  };
  let isStatic = true;
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string' || typeof value === 'number') {
      return value;
    }
    if (Array.isArray(value)) {
      return value.map(fill);
    }
    if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      if (entries.length === 1 && entries[0][0] === 'Ref') {
        const name = String(entries[0][1]);
        isStatic &&= PSEUDO_PARAMETERS.includes(name);
        return Token.isUnresolved(known[name]) || known[name] === undefined ? value : known[name];
      }
      isStatic &&= entries.every(([k]) => k === 'Fn::Join' || k === 'Fn::Sub');
      return Object.fromEntries(entries.map(([k, v]) => [k, fill(v)]));
    }
    isStatic = false;
    return value;
  };
  const resolved = fill(stack.resolve(arn));
  // Fn::Sub may name a parameter or resource in its string: only pseudo parameters are static.
  const subNames = JSON.stringify(resolved).match(/\$\{[^}]+\}/g) ?? [];
  isStatic &&= subNames.every((name) => PSEUDO_PARAMETERS.includes(name.slice(2, -1)));
  return isStatic ? JSON.stringify(resolved) : undefined;
}

/** A short hash of an ARN key, for ids that must change with the ARN. */
function shortHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8).toUpperCase();
}

/** A literal ARN must name a model in the stack's account and partition, when both are known. */
function validateSameAccount(scope: Construct, arn: string): void {
  const parts = Token.isUnresolved(arn) ? undefined : parseProjectVersionArn(arn);
  const stack = Stack.of(scope);
  if (parts && !Token.isUnresolved(stack.account) && parts.account !== stack.account) {
    throw new Error(`projectVersionArn must name a model in the stack's account ${stack.account}: the teardown role cannot be granted another account's model; got account ${parts.account} in '${arn}'. Deploy the construct in a stack of account ${parts.account}.`);
  }
  if (parts && !Token.isUnresolved(stack.partition) && parts.partition !== stack.partition) {
    throw new Error(`projectVersionArn must name a model in the stack's partition ${stack.partition}; got partition ${parts.partition} in '${arn}'.`);
  }

}

const METRIC_NAMES: readonly string[] = [TEARDOWN_METRICS.failures, TEARDOWN_METRICS.teardowns, TEARDOWN_METRICS.duration];

function validateMetricName(metricName: string): void {
  if (!Token.isUnresolved(metricName) && !METRIC_NAMES.includes(metricName)) {
    throw new Error(`metricName must be one of ${METRIC_NAMES.join(', ')} (the metrics the teardown function reports); got '${metricName}'.`);
  }
}

/**
 * What a context lookup (`StringParameter.valueFromLookup`) returns before the CDK CLI has looked
 * the value up: the CLI then looks it up and synthesizes again, so this pass is never deployed.
 */
const LOOKUP_PENDING = /^dummy-value-for-/;

function validateProjectVersionArn(arn: string): void {
  if (Token.isUnresolved(arn) || LOOKUP_PENDING.test(arn)) {
    return;
  }
  if (!parseProjectVersionArn(arn)) {
    throw new Error(`projectVersionArn must be a Rekognition Custom Labels model version ARN of the form ${PROJECT_VERSION_ARN_FORM}; got '${arn}'.`);
  }
}

function validateMaxWait(maxWait: Duration): void {
  if (maxWait.isUnresolved()) {
    return;
  }
  const seconds = maxWait.toSeconds();
  if (seconds < MIN_MAX_WAIT.toSeconds() || seconds > MAX_MAX_WAIT.toSeconds()) {
    throw new Error(`maxWait must be between ${MIN_MAX_WAIT.toHumanString()} and ${MAX_MAX_WAIT.toHumanString()} (CloudFormation waits at most one hour for a custom resource, and keeps one minute of margin); got ${maxWait.toHumanString()}.`);
  }
}

function validateProject(project: rekognition.CfnProject, arn: string, teardownAction: ModelTeardownAction): void {
  if (teardownAction === ModelTeardownAction.STOP) {
    throw new Error('project cannot be given with teardownAction ModelTeardownAction.STOP: STOP keeps the model version, so CloudFormation could not delete the project after it (DELETE_FAILED). Use ModelTeardownAction.DELETE, or leave project out.');
  }
  const projectName = project.projectName;
  if (Token.isUnresolved(projectName) || Token.isUnresolved(arn)) {
    return;
  }
  const arnProjectName = parseProjectVersionArn(arn)?.projectName;
  if (projectName !== arnProjectName) {
    throw new Error(`project must be the project of projectVersionArn: the ARN names project '${arnProjectName}', but the given project is named '${projectName}'.`);
  }
}
