import { spawn } from 'child_process';
import { RESPONSE_ENDPOINT_CA_CERT } from '../cloudformation/response-endpoint-certificate';

/**
 * Runs one invocation of a bundled function the way Lambda does: a fresh Node.js process with
 * the function's environment, a context whose remaining time counts down from the budget, and
 * the process killed when the budget is spent.
 */

/** A function as deployed: where its bundle is and how it is configured. */
export interface DeployedFunction {
  /** The folder of the unpacked code asset. */
  readonly codeDir: string;
  /** `file.export`, as in the template's Handler. */
  readonly handler: string;
  readonly functionArn: string;
  /** The function's configured timeout, in ms. */
  readonly timeoutMs: number;
  /** The function's own environment variables from the template. */
  readonly environment: Record<string, string>;
  /** The credentials of the function's role. @default - credentials no local IAM knows */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** How one invocation went. */
export interface InvocationResult {
  readonly exitCode: number | null;
  /** The process outlived its budget and was killed, as Lambda does. */
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The JSON lines the handler logged. */
  readonly logs: Array<Record<string, unknown>>;
}

/** Started in the function's process: loads the handler and calls it with the event from stdin. */
const BOOTSTRAP = `
const path = require('path');
const startedAt = Date.now();
const budgetMs = Number(process.env.LOCAL_LAMBDA_BUDGET_MS);
const [file, name] = process.env._HANDLER.split('.');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    invokedFunctionArn: process.env.LOCAL_LAMBDA_FUNCTION_ARN,
    awsRequestId: require('crypto').randomUUID(),
    getRemainingTimeInMillis: () => budgetMs - (Date.now() - startedAt),
  };
  try {
    const handler = require(path.join(process.env.LAMBDA_TASK_ROOT, file + '.js'))[name];
    await handler(event, context);
    process.exit(0);
  } catch (err) {
    console.error('handler threw', err);
    process.exit(1);
  }
});
`;

/** Invokes `fn` with `event` in a new process; `budgetMs` defaults to the function's timeout. */
export function invokeInProcess(
  fn: DeployedFunction,
  event: unknown,
  options: { budgetMs?: number; environment?: Record<string, string> } = {},
): Promise<InvocationResult> {
  const budgetMs = options.budgetMs ?? fn.timeoutMs;
  const region = fn.functionArn.split(':')[3];
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['-e', BOOTSTRAP], {
    cwd: fn.codeDir,
    // Only what Lambda would give the function, not this process's environment.
    env: {
      PATH: process.env.PATH ?? '',
      ...fn.environment,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionArn.split(':').pop() ?? '',
      AWS_ACCESS_KEY_ID: fn.credentials?.accessKeyId ?? 'AKIALOCALTEST',
      AWS_SECRET_ACCESS_KEY: fn.credentials?.secretAccessKey ?? 'local-secret',
      AWS_SESSION_TOKEN: 'local-session',
      LAMBDA_TASK_ROOT: fn.codeDir,
      // Lambda honours it too: the local ResponseURL is HTTPS with a self-signed certificate.
      NODE_EXTRA_CA_CERTS: RESPONSE_ENDPOINT_CA_CERT,
      _HANDLER: fn.handler,
      LOCAL_LAMBDA_FUNCTION_ARN: fn.functionArn,
      LOCAL_LAMBDA_BUDGET_MS: String(budgetMs),
      // The SDK warns about Node 20, the Node of this machine; Lambda runs a newer one.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.environment,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, budgetMs);
  child.stdin.end(JSON.stringify(event));
  return new Promise((resolve) => {
    child.on('close', (exitCode) => {
      clearTimeout(killer);
      resolve({ exitCode, timedOut, durationMs: Date.now() - startedAt, stdout, stderr, logs: jsonLines(stdout) });
    });
  });
}

function jsonLines(output: string): Array<Record<string, unknown>> {
  return output.split('\n').flatMap((line) => {
    try {
      const parsed = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null ? [parsed] : [];
    } catch {
      return [];
    }
  });
}
