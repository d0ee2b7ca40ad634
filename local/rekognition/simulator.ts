/**
 * The simulator itself: an HTTP server on 127.0.0.1 speaking Rekognition's awsJson1_1 protocol,
 * wiring admission (SigV4 scope), fault injection, validation and the model store together, and
 * recording every call.
 */
import { randomUUID } from 'crypto';
import { EventEmitter } from 'events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { authenticate, SigningScope } from './auth';
import { ServiceError } from './errors';
import { FaultInjector } from './faults';
import { DEFAULT_DURATIONS, ModelStore, ModelSwitches } from './models';
import { errorResponse, readJsonBody, resultResponse, send, TARGET_PREFIX, WireResponse } from './protocol';
import {
  CallRecord,
  FaultKind,
  ModelOptions,
  ModelStatus,
  ModelSummary,
  OperationName,
  OPERATIONS,
  SimulatorOptions,
  TransitionEvent,
} from './types';
import {
  validateListTagsInput,
  validateStartInput,
  validateTagResourceInput,
  validateUntagResourceInput,
  validateVersionArnInput,
} from './validation';

/** The options as they stand, defaults filled in. */
type ResolvedSimulatorOptions = Required<Omit<SimulatorOptions, 'tpsLimit'>> & Pick<SimulatorOptions, 'tpsLimit'>;

const DEFAULT_OPTIONS: ResolvedSimulatorOptions = {
  stopWhenNotRunning: 'ResourceInUseException',
  stopWhenStarting: 'same-as-not-running',
  deleteWhenDeleting: 'status',
  validationError: 'InvalidParameterException',
  seed: 1,
  throttleRate: 0,
  throttleError: 'ThrottlingException',
  tpsLimit: undefined,
  serverErrorRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  failFirst: [],
  durations: DEFAULT_DURATIONS,
};

const ALLOWED: Partial<Record<keyof SimulatorOptions, readonly string[]>> = {
  stopWhenNotRunning: ['ResourceInUseException', 'InvalidParameterException', 'status'],
  stopWhenStarting: ['same-as-not-running', 'stops'],
  deleteWhenDeleting: ['status', 'ResourceInUseException', 'ResourceNotFoundException'],
  validationError: ['InvalidParameterException', 'ValidationException'],
  throttleError: ['ThrottlingException', 'ProvisionedThroughputExceededException'],
};

/**
 * The request member naming the resource each operation acts on: the ARN IAM authorizes the call
 * on, fault rules match and the call record keeps.
 */
const RESOURCE_MEMBER: Readonly<Record<OperationName, string>> = {
  StopProjectVersion: 'ProjectVersionArn',
  DeleteProjectVersion: 'ProjectVersionArn',
  StartProjectVersion: 'ProjectVersionArn',
  TagResource: 'ResourceArn',
  UntagResource: 'ResourceArn',
  ListTagsForResource: 'ResourceArn',
};

/**
 * Asked at the moment of each call whether its signer may do `rekognition:<operation>` on the
 * named ARN; a denial is answered AccessDeniedException. Without one, every signed call is allowed.
 */
type RequestAuthorizer = (accessKeyId: string, action: string, resource: string) => { allowed: boolean; message?: string };

/** What one operation answered: the output, and the Status in it for the call record. */
interface Outcome {
  readonly output: object;
  readonly status?: ModelStatus;
}

/**
 * A local Amazon Rekognition (Custom Labels model versions only) for tests, demos and benchmarks.
 *
 * @example
 * const sim = await RekognitionSimulator.start({ stopWhenNotRunning: 'status' });
 * sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 20 });
 * process.env.AWS_ENDPOINT_URL_REKOGNITION = sim.endpoint;
 * // ... run the code under test ...
 * await sim.close();
 */
export class RekognitionSimulator extends EventEmitter {
  /** Starts a simulator on a free port of 127.0.0.1. */
  static async start(options: SimulatorOptions = {}): Promise<RekognitionSimulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    try {
      return new RekognitionSimulator(server, options);
    } catch (err) {
      // Invalid options: do not leave the port open behind the error.
      server.close();
      throw err;
    }
  }

  /** Base URL for the SDK's `endpoint` option or `AWS_ENDPOINT_URL_REKOGNITION`. */
  readonly endpoint: string;
  /** Every call answered so far, in order. */
  readonly calls: CallRecord[] = [];

  /** Decides each call by its signer (set by environments that model IAM). */
  authorizer?: RequestAuthorizer;

  private readonly startedAt = performance.now();
  /** Projects created through {@link createProject}, by ARN. */
  private readonly createdProjects = new Map<string, { region: string; name: string }>();
  private readonly store: ModelStore;
  private readonly faults = new FaultInjector();
  private readonly heldResponses = new Set<NodeJS.Timeout>();
  private current: ResolvedSimulatorOptions = { ...DEFAULT_OPTIONS };
  private closing?: Promise<void>;

  private constructor(private readonly server: Server, options: SimulatorOptions) {
    super();
    const { port } = server.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${port}`;
    this.store = new ModelStore(
      () => this.now(),
      (event) => this.emit('transition', event),
      switchesOf(DEFAULT_OPTIONS),
      { ...DEFAULT_DURATIONS },
    );
    this.faults.configure(this.current);
    this.configure(options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err) => {
        // Only a bug in the simulator gets here; answer as the service would rather than hang the client.
        send(res, errorResponse(randomUUID(), new ServiceError('InternalServerError', String(err))));
      });
    });
  }

  /** The options in force, defaults included. */
  get options(): Readonly<ResolvedSimulatorOptions> {
    return this.current;
  }

  /** Changes switches and faults for calls from now on; omitted options keep their values. */
  configure(options: Partial<SimulatorOptions>): void {
    for (const [key, allowed] of Object.entries(ALLOWED)) {
      const value = options[key as keyof SimulatorOptions];
      if (value !== undefined && !allowed.includes(value as string)) {
        throw new RangeError(`${key} must be one of ${allowed.join(', ')}, got ${String(value)}`);
      }
    }
    this.faults.configure(options);
    // An explicit `tpsLimit: undefined` lifts the limit; any other undefined option changes nothing.
    const defined = Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined || k === 'tpsLimit'));
    const durations = Object.fromEntries(Object.entries(options.durations ?? {}).filter(([, v]) => v !== undefined));
    this.current = { ...this.current, ...defined, durations: { ...this.current.durations, ...durations } };
    this.store.setSwitches(switchesOf(this.current));
    this.store.setDefaultDurations(this.current.durations);
  }

  /**
   * Adds a model version in `options.status`, with `options.tags` if given; a status that moves on
   * by itself (STOPPING, STARTING, DELETING, TRAINING_IN_PROGRESS, COPYING_IN_PROGRESS) starts its
   * timer now.
   */
  addModel(arn: string, options: ModelOptions): void {
    this.store.add(arn, options);
  }

  /**
   * Creates a project (as CloudFormation's AWS::Rekognition::Project does) and returns its ARN.
   * Projects are tracked only for {@link deleteProject}: the API calls the handler makes do not read them.
   */
  createProject(region: string, account: string, name: string): string {
    const arn = `arn:aws:rekognition:${region}:${account}:project/${name}/${Date.now()}`;
    this.createdProjects.set(arn, { region, name });
    return arn;
  }

  /** Deletes a project; refused with ResourceInUseException while it has model versions, as DeleteProject is. */
  deleteProject(arn: string): void {
    const project = this.createdProjects.get(arn);
    if (!project) {
      throw new ServiceError('ResourceNotFoundException', `The project ${arn} does not exist.`);
    }
    const versions = this.models().filter((m) => m.region === project.region && m.projectName === project.name);
    if (versions.length > 0) {
      throw new ServiceError('ResourceInUseException', `Project ${project.name} has ${versions.length} model version(s); delete them first.`);
    }
    this.createdProjects.delete(arn);
  }

  /** The ARNs of the projects that exist. */
  projects(): string[] {
    return [...this.createdProjects.keys()];
  }

  /** The model's status, undefined once it is gone (or if it never existed). */
  status(arn: string): ModelStatus | undefined {
    return this.store.status(arn);
  }

  /** A copy of the model's tags, whatever region it is in; undefined once it is gone (or if it never existed). */
  tags(arn: string): Readonly<Record<string, string>> | undefined {
    return this.store.tags(arn);
  }

  /** Every model that exists, in every region. */
  models(): ModelSummary[] {
    return this.store.summaries();
  }

  /** The calls that named this ARN (ProjectVersionArn, ProjectArn for Describe, ResourceArn for the tag operations). */
  callsFor(arn: string): CallRecord[] {
    return this.calls.filter((call) => call.arn === arn);
  }

  /** Resolves when the model reaches `status` (undefined: when it is gone); rejects after `timeoutMs`. */
  waitForStatus(arn: string, status: ModelStatus | undefined, timeoutMs = 5_000): Promise<void> {
    if (this.status(arn) === status) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onTransition = (event: TransitionEvent) => {
        if (event.arn === arn && event.to === status) {
          clearTimeout(timer);
          this.off('transition', onTransition);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.off('transition', onTransition);
        reject(new Error(`${arn} did not reach ${status ?? 'gone'} within ${timeoutMs} ms (status ${this.status(arn) ?? 'gone'})`));
      }, timeoutMs);
      timer.unref();
      this.on('transition', onTransition);
    });
  }

  /** Stops the server and every timer; calls in flight are cut off. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.store.close();
      for (const timer of this.heldResponses) clearTimeout(timer);
      this.heldResponses.clear();
      this.server.close(() => resolve());
      // Keep-alive sockets of SDK clients would otherwise hold close() open.
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  on(event: 'call', listener: (call: CallRecord) => void): this;
  on(event: 'transition', listener: (event: TransitionEvent) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  /** Ms since the simulator started, to 0.1 ms. */
  private now(): number {
    return Math.round((performance.now() - this.startedAt) * 10) / 10;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : String(target ?? '');
    let region: string | undefined;
    let input: Record<string, unknown> | undefined;
    let bodyError: ServiceError | undefined;
    try {
      input = await readJsonBody(req);
    } catch (err) {
      bodyError = err as ServiceError;
    }

    const at = this.now();
    // An unknown operation is recorded with whichever ARN member it sent.
    const arnValue = isOperation(operation)
      ? input?.[RESOURCE_MEMBER[operation]]
      : input?.ProjectVersionArn ?? input?.ProjectArn ?? input?.ResourceArn;
    const arn = typeof arnValue === 'string' ? arnValue : undefined;
    const statusBefore = arn !== undefined ? this.store.status(arn) : undefined;
    let response: WireResponse;
    let outcome: Outcome | undefined;
    let failure: ServiceError | undefined;
    let fault: FaultKind | undefined;
    try {
      // The order AWS's front door follows: who is calling, what they call, then the call itself.
      const scope: SigningScope = authenticate(req.headers);
      region = scope.region;
      if (req.method !== 'POST' || !isOperation(operation) || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
        throw new ServiceError('UnknownOperationException', `Unknown operation: ${String(target ?? '')}`);
      }
      if (bodyError) throw bodyError;
      const verdict = arn !== undefined ? this.authorizer?.(scope.accessKeyId, `rekognition:${operation}`, arn) : undefined;
      if (verdict && !verdict.allowed) {
        throw new ServiceError('AccessDeniedException', verdict.message ?? `not authorized to perform rekognition:${operation}`);
      }
      const injected = this.faults.check(operation, arn, at);
      if (injected) {
        fault = injected.kind;
        throw injected.error;
      }
      outcome = this.dispatch(operation, input ?? {}, region);
      response = resultResponse(requestId, outcome.output);
    } catch (err) {
      failure = err instanceof ServiceError ? err : new ServiceError('InternalServerError', String(err));
      response = errorResponse(requestId, failure);
    }

    const record: CallRecord = {
      at,
      operation,
      arn,
      region,
      statusBefore,
      statusAfter: arn !== undefined ? this.store.status(arn) : undefined,
      httpStatus: response.httpStatus,
      ...(outcome?.status ? { status: outcome.status } : {}),
      ...(failure ? { error: failure.code, message: failure.message } : {}),
      ...(fault ? { fault } : {}),
      requestId,
      input,
    };
    this.calls.push(record);
    this.emit('call', record);
    this.respond(res, response);
  }

  private dispatch(operation: OperationName, input: Record<string, unknown>, region: string): Outcome {
    const validationError = this.current.validationError;
    switch (operation) {
      case 'StopProjectVersion': {
        const { arn } = validateVersionArnInput(input, validationError);
        const status = this.store.stop(arn, region);
        return { output: { Status: status }, status };
      }
      case 'DeleteProjectVersion': {
        const { arn } = validateVersionArnInput(input, validationError);
        const status = this.store.delete(arn, region);
        return { output: { Status: status }, status };
      }
      case 'StartProjectVersion': {
        const start = validateStartInput(input, validationError);
        const status = this.store.start(start.arn, region, start.minInferenceUnits, start.maxInferenceUnits);
        return { output: { Status: status }, status };
      }
      case 'TagResource': {
        const { arn, tags } = validateTagResourceInput(input, validationError);
        this.store.tag(arn, region, tags);
        return { output: {} };
      }
      case 'UntagResource': {
        const { arn, tagKeys } = validateUntagResourceInput(input, validationError);
        this.store.untag(arn, region, tagKeys);
        return { output: {} };
      }
      case 'ListTagsForResource': {
        const { arn } = validateListTagsInput(input, validationError);
        return { output: { Tags: this.store.listTags(arn, region) } };
      }
    }
  }

  /** Sends now, or after the configured latency. */
  private respond(res: ServerResponse, response: WireResponse): void {
    const delay = this.faults.latency();
    if (delay <= 0) {
      send(res, response);
      return;
    }
    const timer = setTimeout(() => {
      this.heldResponses.delete(timer);
      send(res, response);
    }, delay);
    timer.unref();
    this.heldResponses.add(timer);
  }
}

function switchesOf(options: ResolvedSimulatorOptions): ModelSwitches {
  const { stopWhenNotRunning, stopWhenStarting, deleteWhenDeleting } = options;
  return { stopWhenNotRunning, stopWhenStarting, deleteWhenDeleting };
}

function isOperation(name: string): name is OperationName {
  return (OPERATIONS as readonly string[]).includes(name);
}
