import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { DeployedFunction, invokeInProcess, InvocationResult } from './lambda-process';

/**
 * The Lambda service's Invoke API on loopback (what `AWS_ENDPOINT_URL_LAMBDA` points the SDK at):
 * each invocation runs in a fresh process, as on Lambda. Asynchronous ('Event') invocations are
 * answered 202 at once and run in the background.
 */

/** One invocation the service received. */
export interface Invocation {
  readonly at: number;
  readonly functionArn: string;
  readonly invocationType: string;
  readonly payload: unknown;
  readonly result: Promise<InvocationResult>;
}

export interface LocalLambdaServiceOptions {
  /** Budget of each run, in ms. @default - the function's timeout */
  readonly budgetMs?: number;
  /** Environment added to every run (endpoints of the local services). */
  readonly environment?: Record<string, string>;
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
  private readonly server: Server;

  private constructor(private readonly functions: DeployedFunction[], private readonly options: LocalLambdaServiceOptions) {
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
        if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
          res.setHeader('x-amzn-ErrorType', 'MissingAuthenticationTokenException');
          return reply(403, 'Missing Authentication Token');
        }
        if (!fn) {
          res.setHeader('x-amzn-ErrorType', 'ResourceNotFoundException');
          return reply(404, `Function not found: ${name}`);
        }
        if (this.refuseNext > 0) {
          this.refuseNext--;
          res.setHeader('x-amzn-ErrorType', 'ServiceException');
          return reply(500, 'simulated Lambda service failure');
        }
        const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        this.invoke(fn, payload, invocationType);
        reply(invocationType === 'Event' ? 202 : 200);
      });
    });
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Runs `payload` in a fresh process of `fn`, as Lambda would, and records it. */
  public invoke(fn: DeployedFunction, payload: unknown, invocationType = 'Event'): Invocation {
    const invocation: Invocation = {
      at: Date.now(),
      functionArn: fn.functionArn,
      invocationType,
      payload,
      result: invokeInProcess(fn, payload, {
        budgetMs: this.options.budgetMs,
        environment: { AWS_ENDPOINT_URL_LAMBDA: this.endpoint, ...this.options.environment },
      }),
    };
    this.invocations.push(invocation);
    return invocation;
  }

  /** Resolves once every run started so far, and every run they started, has ended. */
  public async idle(): Promise<InvocationResult[]> {
    let settled = 0;
    while (settled < this.invocations.length) {
      settled = this.invocations.length;
      await Promise.all(this.invocations.map((i) => i.result));
    }
    return Promise.all(this.invocations.map((i) => i.result));
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
