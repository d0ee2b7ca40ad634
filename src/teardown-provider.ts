import * as path from 'path';
import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { OWN_STACK_ID_VARIABLE } from './teardown-contract';

/** The id of the provider in its stack: a permanent contract with users' stacks. */
const PROVIDER_ID = 'RekognitionCustomLabelsModelLifecycleProvider';

/**
 * IAM's limit on the inline policies of one role together, in characters (whitespace not counted).
 * Only the models' policies are inline: the function's own permissions are a managed policy,
 * which does not count toward it.
 */
export const ROLE_INLINE_POLICIES_MAX_CHARS = 10_240;
/** How long a token ARN is assumed to be, for the limit above (a version ARN is typically about 100). */
export const TOKEN_ARN_ASSUMED_CHARS = 256;
/** Why the function does not run on the newest Node.js runtime that aws-cdk-lib names, for cdk-nag. */
const RUNTIME_NAG_REASON = 'The runtime is lambda.determineLatestNodeRuntime(), as for aws-cdk-lib\'s own custom resources: the newest Node.js runtime that aws-cdk-lib knows to exist in the stack\'s region (or in every region), which moves forward with the app\'s aws-cdk-lib.';

/** Where the build (projen's bundler) writes the bundled handler. */
const HANDLER_BUNDLE_DIR = path.join(__dirname, '..', 'assets', 'lambda', 'teardown', 'index');

/**
 * The teardown function, its role and its log group: one per stack, shared by every model in it,
 * the way aws-cdk-lib's S3 `autoDeleteObjects` shares one provider. Model permissions are not
 * granted here but by each model's own policy, so each lives and dies with its model.
 */
export class TeardownProvider extends Construct {
  /** Returns the stack's provider, creating it on first use. */
  public static of(scope: Construct): TeardownProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof TeardownProvider ? existing : new TeardownProvider(stack, PROVIDER_ID);
  }

  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly function: lambda.Function;
  /**
   * Lets the function write to its own log group, hand a long wait on to a fresh run of itself,
   * read its own stack (and its root stack, when nested), and read the top-level stack's events. A managed policy, so that the
   * role's inline-policy limit is left whole to the models' policies.
   */
  public readonly handlerPolicy: iam.ManagedPolicy;
  /** Characters of the role's inline policies so far. */
  private policyChars = 0;
  /** Characters of the largest policy so far that a new ARN replaces by a new policy (a literal ARN's). */
  private largestReplaceableChars = 0;
  private models = 0;
  /** Construct paths of the models so far, by the key of their ARN. */
  private readonly modelPaths = new Map<string, string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Stops and deletes Rekognition Custom Labels models of this stack on delete',
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.THREE_MONTHS,
      // `cdk destroy` leaves nothing behind; a failed teardown keeps the stack, and so its logs.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.function = new lambda.Function(this, 'Handler', {
      description: 'Stops and deletes Rekognition Custom Labels models of this stack on delete',
      runtime: lambda.determineLatestNodeRuntime(this),
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_BUNDLE_DIR),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Which stack's events the function serves, and which stack its metrics name.
      environment: { [OWN_STACK_ID_VARIABLE]: Stack.of(this).stackId },
      memorySize: 256,
      // Lambda's longest run; longer waits are handed on to a fresh run.
      timeout: Duration.minutes(15),
    });
    // The runtime is aws-cdk-lib's regional fact, as for its own custom resources; cdk-nag's L1
    // asks for the newest runtime aws-cdk-lib names, which may not exist in every region yet.
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata('cdk_nag', {
      rules_to_suppress: [{ id: 'AwsSolutions-L1', reason: RUNTIME_NAG_REASON }],
    });
    // Not the role's default policy, on which the function depends: this one names the function.
    // Only models invoke the function, and each model's resource depends on this policy.
    const stack = Stack.of(this);
    const root = rootStackOf(stack);
    this.handlerPolicy = new iam.ManagedPolicy(this, 'HandlerManagedPolicy', {
      description: 'The teardown function\'s own permissions: its log group, handing a wait on to itself, reading its stack',
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.function.functionArn],
        }),
        // A Delete tears a model down only when the stack shows it is meant (stack-intent.ts).
        new iam.PolicyStatement({
          actions: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
          resources: [stack.stackId],
        }),
        // In a nested stack, only the root's status tells a rollback of the whole operation.
        ...(root === stack ? [] : [new iam.PolicyStatement({
          actions: ['cloudformation:DescribeStacks'],
          resources: [root.stackId],
        })]),
        // The top-level stack's events tell a delete after a failed create (OnFailure DELETE).
        new iam.PolicyStatement({
          actions: ['cloudformation:DescribeStackEvents'],
          resources: [root.stackId],
        }),
      ],
    });
  }

  /**
   * Counts a model's policy against the role's inline-policy limit, refuses a second resource for
   * one model in this stack, and warns when another stack of the app names the same model.
   * `arnKey` identifies the ARN (a literal, or a token's resolved form), undefined when it is only
   * known at deploy.
   */
  public registerModel(model: Construct, arn: string, arnKey: string | undefined, policyDocument: object): void {
    const owner = arnKey === undefined ? undefined : this.modelPaths.get(arnKey);
    if (owner !== undefined) {
      throw new Error(`projectVersionArn '${arn}' is already owned by ${owner} in this stack; a model may have only one CustomLabelsModelLifecycle per stack. Remove one of them.`);
    }
    const chars = JSON.stringify(policyDocument).length
      + (Token.isUnresolved(arn) ? TOKEN_ARN_ASSUMED_CHARS - arn.length : 0);
    // Room for one replacement: a new ARN known at synth gets a new policy, created before the old
    // one is deleted (in the cleanup phase), so for a moment the role holds one policy more than
    // the template. A token ARN's policy is updated in place and needs no room.
    const room = Math.max(this.largestReplaceableChars, arnKey === undefined ? 0 : chars);
    if (this.policyChars + chars + room > ROLE_INLINE_POLICIES_MAX_CHARS) {
      throw new Error(`Too many models in stack ${Stack.of(this).stackName}: ${model.node.path} would be model number ${this.models + 1} of its teardown role, whose inline policies would then hold ${this.policyChars + chars} characters, and ${this.policyChars + chars + room} while one model's ARN is replaced, past IAM's limit of ${ROLE_INLINE_POLICIES_MAX_CHARS} for one role (this model's policy takes ${chars}). Put the other models in another stack: each stack has its own teardown role.`);
    }
    if (arnKey !== undefined) {
      this.largestReplaceableChars = Math.max(this.largestReplaceableChars, chars);
    }
    if (arnKey !== undefined) {
      warnOfOtherStacks(model, arnKey);
      this.modelPaths.set(arnKey, model.node.path);
    }
    this.policyChars += chars;
    this.models++;
  }
}

/** The top-level stack of `stack` (itself unless it is nested). */
function rootStackOf(stack: Stack): Stack {
  let root = stack;
  while (root.nestedStackParent) {
    root = root.nestedStackParent;
  }
  return root;
}

/** Models of the app so far, by ARN key: one map per app (construct tree root). */
const appModels = new WeakMap<IConstruct, Map<string, string[]>>();

/**
 * Several stacks may name one model: each records its claim on it, and the last stack to be
 * destroyed tears it down. Worth a warning, since destroying one stage then leaves the model to
 * the other: the author should know.
 */
function warnOfOtherStacks(model: Construct, arnKey: string): void {
  const root = model.node.root;
  const models = appModels.get(root) ?? new Map<string, string[]>();
  appModels.set(root, models);
  const others = models.get(arnKey) ?? [];
  if (others.length > 0) {
    Annotations.of(model).addWarningV2('cdk-rekognition-model-lifecycle:modelInSeveralStacks',
      `The model of ${model.node.path} is also named by ${others.join(', ')}: each stack records its claim on the model, and only the last of them to be destroyed (or to remove it) tears the model down.`);
  }
  models.set(arnKey, [...others, model.node.path]);
}
