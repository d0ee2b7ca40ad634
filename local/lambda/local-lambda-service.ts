import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { DeployedFunction, invokeInProcess, InvocationResult } from './lambda-process';
import { signingScope } from '../sigv4';

/**
 * Asked at the moment of each Invoke call whether its signer may do `lambda:InvokeFunction` on the
 * function's ARN; a denial is answered 403 AccessDeniedException. Without one, every signed call is allowed.
 */
type InvokeAuthorizer = (accessKeyId: string, action: string, resource: string) => { allowed: boolean; message?: string };

/** Invoke of a function that does not exist (never created, or deleted). */
export class FunctionNotFoundError extends Error {
  public readonly name = 'ResourceNotFoundException';
  constructor(functionArn: string) {
    super(`Function not found: ${functionArn}`);
  }
}

/**
 * The Lambda service's Invoke API on loopback (what `AWS_ENDPOINT_URL_LAMBDA` points the SDK at):
 * each invocation runs in a fresh process, as on Lambda. Asynchronous ('Event') invocations are
 * answered 202 at once and run in the background, as strictly as Lambda runs them
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html, "How Lambda handles errors
 * and retries with asynchronous invocation"): a run that errs (exits with an error, or is killed at
 * its timeout) is retried up to two more times, after a delay ("waits at least one minute before the
 * second attempt, and two minutes between the second and third", scaled down here), and "even if
 * your function doesn't return an error, it's possible for it to receive the same event from Lambda
 * multiple times because the queue itself is eventually consistent": {@link
 * LocalLambdaServiceOptions.deliverTwice} picks the deliveries that arrive twice.
 */

/** One asynchronous event as the service queued it, for {@link LocalLambdaServiceOptions.deliverTwice}. */
interface AsyncDelivery {
  readonly functionArn: string;
  readonly payload: unknown;
  /** Made through the Invoke API (by a function, such as a hand-off to itself), not by a service such as CloudFormation. */
  readonly throughApi: boolean;
}

/** One invocation the service received. */
interface Invocation {
  readonly at: number;
  readonly functionArn: string;
  readonly invocationType: string;
  readonly payload: unknown;
  readonly result: Promise<InvocationResult>;
  /** Which attempt at an asynchronous event this run is (1, then 2 and 3 for Lambda's retries after an error). */
  readonly attempt: number;
  /** The second delivery of an asynchronous event Lambda delivered twice. */
  readonly duplicate: boolean;
}

export interface LocalLambdaServiceOptions {
  /** Budget of each run, in ms. @default - the function's timeout */
  readonly budgetMs?: number;
  /** Environment added to every run (endpoints of the local services). */
  readonly environment?: Record<string, string>;
  /**
   * The pauses before Lambda's retries of an asynchronous run that erred: two retries, as Lambda
   * makes (its one and two minutes scaled down). `[]` is the kinder form: no retry.
   * @default [1_000, 2_000]
   */
  readonly asyncRetryDelaysMs?: readonly number[];
  /**
   * Which asynchronous events arrive twice (Lambda: "it's possible for it to receive the same event
   * from Lambda multiple times"). The kinder form, never, is the default of the service itself; the
   * stack tests' LocalAws delivers every hand-off twice.
   * @default - every event is delivered once
   */
  readonly deliverTwice?: (delivery: AsyncDelivery) => boolean;
  /** How long after the first delivery the second arrives. @default 500 */
  readonly duplicateDelayMs?: number;
}

export class LocalLambdaService {
  static async start(functions: DeployedFunction[], options: LocalLambdaServiceOptions = {}): Promise<LocalLambdaService> {
    const service = new LocalLambdaService(functions, options);
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    return service;
  }

  public readonly invocations: Invocation[] = [];
  /** Invoke calls to refuse (with a 500) before accepting again, for failure tests. */
  public refuseNext = 0;
  /** Decides each Invoke call by its signer (set by environments that model IAM). */
  public authorizer?: InvokeAuthorizer;
  private readonly server: Server;
  private readonly functions: DeployedFunction[];
  /** Deliveries scheduled (retries, duplicates) but not yet started, which {@link idle} waits for. */
  private readonly scheduled = new Set<Promise<void>>();

  private constructor(functions: DeployedFunction[], private readonly options: LocalLambdaServiceOptions) {
    this.functions = [...functions];
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
        const name = match ? decodeURIComponent(match[1]) : '';
        const fn = this.functions.find((f) => f.functionArn === name || f.functionArn.endsWith(`:function:${name}`));
        const reply = (status: number, type?: string) => {
          res.statusCode = status;
          res.setHeader('content-type', 'application/json');
          res.end(type ? JSON.stringify({ Type: 'User', message: type }) : '');
        };
        const scope = signingScope(req.headers.authorization);
        if (!scope) {
          res.setHeader('x-amzn-ErrorType', 'MissingAuthenticationTokenException');
          return reply(403, 'Missing Authentication Token');
        }
        if (!fn) {
          res.setHeader('x-amzn-ErrorType', 'ResourceNotFoundException');
          return reply(404, `Function not found: ${name}`);
        }
        const verdict = this.authorizer?.(scope.accessKeyId, 'lambda:InvokeFunction', fn.functionArn);
        if (verdict && !verdict.allowed) {
          res.setHeader('x-amzn-ErrorType', 'AccessDeniedException');
          return reply(403, verdict.message ?? 'not authorized to perform lambda:InvokeFunction');
        }
        if (this.refuseNext > 0) {
          this.refuseNext--;
          res.setHeader('x-amzn-ErrorType', 'ServiceException');
          return reply(500, 'simulated Lambda service failure');
        }
        const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        if (invocationType === 'Event') {
          this.queueEvent(fn, payload, true);
        } else {
          this.invoke(fn, payload, invocationType);
        }
        reply(invocationType === 'Event' ? 202 : 200);
      });
    });
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Makes `fn` invocable (CreateFunction), or replaces its configuration (UpdateFunctionConfiguration/Code). */
  public register(fn: DeployedFunction): void {
    this.unregister(fn.functionArn);
    this.functions.push(fn);
  }

  /** Deletes the function: later invocations fail with ResourceNotFoundException. Runs under way finish. */
  public unregister(functionArn: string): void {
    const index = this.functions.findIndex((f) => f.functionArn === functionArn);
    if (index >= 0) {
      this.functions.splice(index, 1);
    }
  }

  /** The function with this ARN, if it exists. */
  public find(functionArn: string): DeployedFunction | undefined {
    return this.functions.find((f) => f.functionArn === functionArn);
  }

  /** An asynchronous ('Event') invocation by ARN, as a service (CloudFormation) makes it; throws if the function does not exist. */
  public invokeAsync(functionArn: string, payload: unknown): Invocation {
    const fn = this.find(functionArn);
    if (!fn) {
      throw new FunctionNotFoundError(functionArn);
    }
    return this.queueEvent(fn, payload, false);
  }

  /** Runs `payload` in a fresh process of `fn`, as Lambda would, and records it. */
  public invoke(fn: DeployedFunction, payload: unknown, invocationType = 'Event', delivery = { attempt: 1, duplicate: false }): Invocation {
    const invocation: Invocation = {
      at: Date.now(),
      functionArn: fn.functionArn,
      invocationType,
      payload,
      ...delivery,
      result: invokeInProcess(fn, payload, {
        budgetMs: this.options.budgetMs,
        environment: { AWS_ENDPOINT_URL_LAMBDA: this.endpoint, ...this.options.environment },
      }),
    };
    this.invocations.push(invocation);
    return invocation;
  }

  /**
   * An asynchronous event: its first run now, a second delivery if {@link LocalLambdaServiceOptions.deliverTwice}
   * picks it, and each delivery retried on error as Lambda retries it.
   */
  private queueEvent(fn: DeployedFunction, payload: unknown, throughApi: boolean): Invocation {
    const first = this.deliverWithRetries(fn, payload, false);
    if (this.options.deliverTwice?.({ functionArn: fn.functionArn, payload, throughApi })) {
      this.schedule(this.options.duplicateDelayMs ?? 500, () => this.redeliver(fn.functionArn, payload, true, 1));
    }
    return first;
  }

  private deliverWithRetries(fn: DeployedFunction, payload: unknown, duplicate: boolean, attempt = 1): Invocation {
    const invocation = this.invoke(fn, payload, 'Event', { attempt, duplicate });
    const delays = this.options.asyncRetryDelaysMs ?? [1_000, 2_000];
    this.track(invocation.result.then((result) => {
      const erred = result.timedOut || result.exitCode !== 0;
      if (erred && attempt <= delays.length) {
        this.schedule(delays[attempt - 1], () => this.redeliver(fn.functionArn, payload, duplicate, attempt + 1));
      }
    }));
    return invocation;
  }

  /** A later delivery runs the function as it is then; one deleted meanwhile gets none. */
  private redeliver(functionArn: string, payload: unknown, duplicate: boolean, attempt: number): void {
    const fn = this.find(functionArn);
    if (fn) {
      this.deliverWithRetries(fn, payload, duplicate, attempt);
    }
  }

  private schedule(delayMs: number, deliver: () => void): void {
    this.track(new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(deliver));
  }

  private track(work: Promise<void>): void {
    this.scheduled.add(work);
    void work.finally(() => this.scheduled.delete(work));
  }

  /** Resolves once every run started so far, and every run they started or scheduled (retries, duplicates), has ended. */
  public async idle(): Promise<InvocationResult[]> {
    let settled = -1;
    while (settled < this.invocations.length || this.scheduled.size > 0) {
      settled = this.invocations.length;
      await Promise.all([...this.invocations.map((i) => i.result), ...this.scheduled]);
    }
    return Promise.all(this.invocations.map((i) => i.result));
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
