import {
  DeleteProjectVersionCommand,
  ListCollectionsCommand,
  RekognitionClient,
  RekognitionServiceException,
  ResourceInUseException,
  StartProjectVersionCommand,
  StopProjectVersionCommand,
} from '@aws-sdk/client-rekognition';
import {
  CallRecord,
  DEFAULT_DURATIONS,
  MODEL_STATUSES,
  ModelStatus,
  REKOGNITION_ERRORS,
  RekognitionSimulator,
  TransitionEvent,
} from '../../local/rekognition';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
/** Long enough that no timed transition happens during a test that does not wait for one. */
const FOREVER = 60_000;

function versionArn(version = 'v1', project = 'proj', region = REGION): string {
  return `arn:aws:rekognition:${region}:${ACCOUNT}:project/${project}/version/${version}/1700000000000`;
}

function projectArn(project = 'proj', region = REGION, number = '1600000000000'): string {
  return `arn:aws:rekognition:${region}:${ACCOUNT}:project/${project}/${number}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sim: RekognitionSimulator;
const clients: RekognitionClient[] = [];

function client(region = REGION): RekognitionClient {
  const c = new RekognitionClient({
    endpoint: sim.endpoint,
    region,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
}

/** What a call answered, flattened so one toEqual covers success and failure. */
interface Answer {
  readonly status?: string;
  readonly error?: string;
  readonly httpStatus?: number;
}

async function answer(call: Promise<{ Status?: string; $metadata: { httpStatusCode?: number } }>): Promise<Answer> {
  try {
    const output = await call;
    return { status: output.Status, httpStatus: output.$metadata.httpStatusCode };
  } catch (err) {
    const error = err as RekognitionServiceException;
    return { error: error.name, httpStatus: error.$metadata?.httpStatusCode };
  }
}

const stop = (arn: string, region = REGION) =>
  answer(client(region).send(new StopProjectVersionCommand({ ProjectVersionArn: arn })));
const del = (arn: string, region = REGION) =>
  answer(client(region).send(new DeleteProjectVersionCommand({ ProjectVersionArn: arn })));
const start = (arn: string, minInferenceUnits = 1, region = REGION) =>
  answer(client(region).send(new StartProjectVersionCommand({ ProjectVersionArn: arn, MinInferenceUnits: minInferenceUnits })));

/** Headers of a SigV4-signed request, as far as the simulator looks at them. */
function signedHeaders(target: string, region = REGION, service = 'rekognition'): Record<string, string> {
  return {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': target,
    'x-amz-date': '20240101T000000Z',
    'authorization': `AWS4-HMAC-SHA256 Credential=AKID/20240101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123`,
  };
}

/** A raw HTTP call, for what the SDK would hide: headers, bodies, unsigned requests. */
async function post(headers: Record<string, string>, body: string): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(sim.endpoint, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

beforeEach(async () => {
  sim = await RekognitionSimulator.start();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await sim.close();
});

describe('protocol', () => {
  test('answers in awsJson1_1 with a request id the SDK reports', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING', stopDurationMs: FOREVER });
    const res = await post(signedHeaders('RekognitionService.StopProjectVersion'), JSON.stringify({ ProjectVersionArn: versionArn() }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json).toEqual({ Status: 'STOPPING' });

    const output = await client().send(new StopProjectVersionCommand({ ProjectVersionArn: versionArn() }));
    expect(output.$metadata.requestId).toBe(sim.calls[1].requestId);
  });

  test('sends errors with x-amzn-ErrorType and a body naming the error in __type and Code', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING' });
    const res = await post(signedHeaders('RekognitionService.DeleteProjectVersion'), JSON.stringify({ ProjectVersionArn: versionArn() }));
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^ResourceInUseException:/);
    expect(res.json).toMatchObject({ __type: 'ResourceInUseException', Code: 'ResourceInUseException', Message: expect.any(String) });
  });

  test('the SDK surfaces an error as the modeled exception class with the HTTP status', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING' });
    const error = await client().send(new DeleteProjectVersionCommand({ ProjectVersionArn: versionArn() })).catch((e) => e);
    expect(error).toBeInstanceOf(ResourceInUseException);
    expect(error.name).toBe('ResourceInUseException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$fault).toBe('client');
    expect(error.message).toMatch(/RUNNING/);
  });

  test('refuses an operation it does not implement with UnknownOperationException', async () => {
    const error = await client().send(new ListCollectionsCommand({})).catch((e) => e);
    expect(error.name).toBe('UnknownOperationException');
    expect(error.$metadata.httpStatusCode).toBe(400);

    const res = await post(signedHeaders('SomethingElse.StopProjectVersion'), '{}');
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe('com.amazon.coral.service#UnknownOperationException');
  });

  test('refuses a body that is not a JSON object with SerializationException', async () => {
    const res = await post(signedHeaders('RekognitionService.StopProjectVersion'), '[1, 2');
    expect(res.status).toBe(400);
    expect(res.json.Code).toBe('SerializationException');
  });

  test('is reachable through AWS_ENDPOINT_URL_REKOGNITION, as the bundled handler reaches it', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING' });
    const saved = process.env.AWS_ENDPOINT_URL_REKOGNITION;
    process.env.AWS_ENDPOINT_URL_REKOGNITION = sim.endpoint;
    try {
      const c = new RekognitionClient({ region: REGION, credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' }, maxAttempts: 1 });
      clients.push(c);
      const output = await c.send(new StopProjectVersionCommand({ ProjectVersionArn: versionArn() }));
      expect(output.Status).toBe('STOPPING');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_REKOGNITION;
      else process.env.AWS_ENDPOINT_URL_REKOGNITION = saved;
    }
  });
});

describe('authentication and regions', () => {
  test('refuses an unsigned request and leaves the model alone', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING' });
    const res = await post(
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.StopProjectVersion' },
      JSON.stringify({ ProjectVersionArn: versionArn() }),
    );
    expect(res.status).toBe(400);
    expect(res.json.Code).toBe('MissingAuthenticationTokenException');
    expect(sim.status(versionArn())).toBe('RUNNING');
    expect(sim.calls[0]).toMatchObject({ error: 'MissingAuthenticationTokenException', httpStatus: 400, region: undefined });
  });

  test('refuses a signature scoped to another service', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING' });
    const res = await post(signedHeaders('RekognitionService.StopProjectVersion', REGION, 's3'), JSON.stringify({ ProjectVersionArn: versionArn() }));
    expect(res.status).toBe(400);
    expect(res.json.Code).toBe('InvalidSignatureException');
    expect(sim.status(versionArn())).toBe('RUNNING');
  });

  test('refuses an Authorization header that is not SigV4', async () => {
    const headers = { ...signedHeaders('RekognitionService.StopProjectVersion'), authorization: 'Bearer token' };
    const res = await post(headers, JSON.stringify({ ProjectVersionArn: versionArn() }));
    expect(res.status).toBe(400);
    expect(res.json.Code).toBe('IncompleteSignatureException');
  });

  test('records the region each call was signed for', async () => {
    await stop(versionArn(), 'eu-west-1');
    await stop(versionArn(), 'ap-southeast-2');
    expect(sim.calls.map((c) => c.region)).toEqual(['eu-west-1', 'ap-southeast-2']);
  });

  test('a call signed for another region than the model\'s does not find it and changes nothing', async () => {
    const arn = versionArn('v1', 'proj', 'eu-west-1');
    sim.addModel(arn, { status: 'RUNNING', stopDurationMs: FOREVER });

    expect(await stop(arn, 'us-east-1')).toEqual({ error: 'ResourceNotFoundException', httpStatus: 400 });
    expect(await del(arn, 'us-east-1')).toEqual({ error: 'ResourceNotFoundException', httpStatus: 400 });
    expect(sim.status(arn)).toBe('RUNNING');

    expect(await stop(arn, 'eu-west-1')).toEqual({ status: 'STOPPING', httpStatus: 200 });
  });
});

describe('validation', () => {
  const tooLong = `${versionArn().slice(0, -1)}${'1'.repeat(2049 - versionArn().length + 1)}`;
  const longestValid = tooLong.slice(0, 2048);

  test.each([
    ['too short', 'arn:aws:rekognition'],
    ['too long', tooLong],
    ['a project ARN', projectArn()],
    ['another service', `arn:aws:sagemaker:${REGION}:${ACCOUNT}:project/proj/version/v1/1`],
    ['a short account', `arn:aws:rekognition:${REGION}:12345:project/proj/version/v1/1`],
    ['a bad version name', `arn:aws:rekognition:${REGION}:${ACCOUNT}:project/proj/version/v 1/1`],
  ])('Stop, Delete and Start refuse an ARN that is %s with InvalidParameterException', async (_, arn) => {
    for (const result of [await stop(arn), await del(arn), await start(arn)]) {
      expect(result).toEqual({ error: 'InvalidParameterException', httpStatus: 400 });
    }
    expect(sim.calls[0].message).toMatch(/at 'projectVersionArn' failed to satisfy constraint/);
  });

  test('accepts an ARN of exactly 2048 characters (and then does not find it)', async () => {
    expect(longestValid).toHaveLength(2048);
    expect(tooLong).toHaveLength(2049);
    expect(await stop(longestValid)).toEqual({ error: 'ResourceNotFoundException', httpStatus: 400 });
  });

  test('refuses a request without ProjectVersionArn', async () => {
    const res = await post(signedHeaders('RekognitionService.DeleteProjectVersion'), '{}');
    expect(res.status).toBe(400);
    expect(res.json.Code).toBe('InvalidParameterException');
    expect(res.json.Message).toMatch(/Member must not be null/);
  });

  test('StartProjectVersion requires MinInferenceUnits of at least 1, and MaxInferenceUnits not below it', async () => {
    sim.addModel(versionArn(), { status: 'STOPPED' });
    expect(await start(versionArn(), 0)).toEqual({ error: 'InvalidParameterException', httpStatus: 400 });
    const missing = await post(signedHeaders('RekognitionService.StartProjectVersion'), JSON.stringify({ ProjectVersionArn: versionArn() }));
    expect(missing.json.Message).toMatch(/minInferenceUnits.*must not be null/);
    const inverted = client().send(new StartProjectVersionCommand({ ProjectVersionArn: versionArn(), MinInferenceUnits: 3, MaxInferenceUnits: 2 }));
    await expect(inverted).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(sim.status(versionArn())).toBe('STOPPED');
  });

  test('validationError: ValidationException answers constraint violations with that (unmodeled) error', async () => {
    sim.configure({ validationError: 'ValidationException' });
    const error = await client().send(new StopProjectVersionCommand({ ProjectVersionArn: 'not-an-arn-but-long-enough' })).catch((e) => e);
    expect(error.name).toBe('ValidationException');
    expect(error).toBeInstanceOf(RekognitionServiceException);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});

describe('StopProjectVersion in each status (default switches)', () => {
  const expected: Record<ModelStatus, Answer> = {
    TRAINING_IN_PROGRESS: { error: 'ResourceInUseException', httpStatus: 400 },
    TRAINING_COMPLETED: { error: 'ResourceInUseException', httpStatus: 400 },
    TRAINING_FAILED: { error: 'ResourceInUseException', httpStatus: 400 },
    STARTING: { error: 'ResourceInUseException', httpStatus: 400 },
    RUNNING: { status: 'STOPPING', httpStatus: 200 },
    FAILED: { error: 'ResourceInUseException', httpStatus: 400 },
    STOPPING: { status: 'STOPPING', httpStatus: 200 },
    STOPPED: { error: 'ResourceInUseException', httpStatus: 400 },
    DELETING: { error: 'ResourceInUseException', httpStatus: 400 },
    COPYING_IN_PROGRESS: { error: 'ResourceInUseException', httpStatus: 400 },
    COPYING_COMPLETED: { error: 'ResourceInUseException', httpStatus: 400 },
    COPYING_FAILED: { error: 'ResourceInUseException', httpStatus: 400 },
    DEPRECATED: { error: 'ResourceInUseException', httpStatus: 400 },
    EXPIRED: { error: 'ResourceInUseException', httpStatus: 400 },
  };

  test.each(MODEL_STATUSES.map((s) => [s]))('Stop on %s', async (status) => {
    sim.addModel(versionArn(), { status, ...slow() });
    expect(await stop(versionArn())).toEqual(expected[status]);
    expect(sim.status(versionArn())).toBe(status === 'RUNNING' ? 'STOPPING' : status);
  });

  test('Stop on an unknown model answers ResourceNotFoundException', async () => {
    expect(await stop(versionArn('nope'))).toEqual({ error: 'ResourceNotFoundException', httpStatus: 400 });
  });
});

describe('DeleteProjectVersion in each status (default switches)', () => {
  const refused = new Set<ModelStatus>(['RUNNING', 'STARTING', 'STOPPING', 'TRAINING_IN_PROGRESS', 'COPYING_IN_PROGRESS']);

  test.each(MODEL_STATUSES.map((s) => [s]))('Delete on %s', async (status) => {
    sim.addModel(versionArn(), { status, ...slow(), deleteDurationMs: status === 'DELETING' ? FOREVER : 30 });
    const result = await del(versionArn());
    if (refused.has(status)) {
      expect(result).toEqual({ error: 'ResourceInUseException', httpStatus: 400 });
      expect(sim.status(versionArn())).toBe(status);
    } else {
      expect(result).toEqual({ status: 'DELETING', httpStatus: 200 });
      expect(sim.status(versionArn())).toBe('DELETING');
      if (status !== 'DELETING') {
        await sim.waitForStatus(versionArn(), undefined, 1_000);
        expect(await del(versionArn())).toEqual({ error: 'ResourceNotFoundException', httpStatus: 400 });
      }
    }
  });

  test('Delete on an unknown model answers ResourceNotFoundException', async () => {
    expect(await del(versionArn('nope'))).toEqual({ error: 'ResourceNotFoundException', httpStatus: 400 });
  });
});

describe('timed transitions', () => {
  test('Stop on RUNNING: STOPPING at once, STOPPED after stopDurationMs', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING', stopDurationMs: 80 });
    const transitions = recordTransitions();
    expect(await stop(versionArn())).toEqual({ status: 'STOPPING', httpStatus: 200 });
    expect(sim.status(versionArn())).toBe('STOPPING');
    await sim.waitForStatus(versionArn(), 'STOPPED', 1_000);
    expect(transitions.map((t) => [t.from, t.to, t.cause])).toEqual([
      ['RUNNING', 'STOPPING', 'StopProjectVersion'],
      ['STOPPING', 'STOPPED', 'timer'],
    ]);
    expect(transitions[1].at - transitions[0].at).toBeGreaterThanOrEqual(78);
  });

  test.each([
    ['STARTING', 'RUNNING', {}],
    ['STARTING', 'FAILED', { startFails: true }],
    ['TRAINING_IN_PROGRESS', 'TRAINING_COMPLETED', {}],
    ['TRAINING_IN_PROGRESS', 'TRAINING_FAILED', { trainingFails: true }],
    ['COPYING_IN_PROGRESS', 'COPYING_COMPLETED', {}],
    ['COPYING_IN_PROGRESS', 'COPYING_FAILED', { copyFails: true }],
    ['STOPPING', 'STOPPED', {}],
  ] as const)('a model added as %s becomes %s by itself', async (from, to, extra) => {
    sim.addModel(versionArn(), {
      status: from, startDurationMs: 20, trainingDurationMs: 20, copyDurationMs: 20, stopDurationMs: 20, ...extra,
    });
    expect(sim.status(versionArn())).toBe(from);
    await sim.waitForStatus(versionArn(), to, 1_000);
    await sleep(40);
    expect(sim.status(versionArn())).toBe(to);
  });

  test('a model added as DELETING is gone after deleteDurationMs, and then answers ResourceNotFoundException', async () => {
    const transitions = recordTransitions();
    sim.addModel(versionArn(), { status: 'DELETING', deleteDurationMs: 20 });
    await sim.waitForStatus(versionArn(), undefined, 1_000);
    expect(transitions).toEqual([expect.objectContaining({ arn: versionArn(), from: 'DELETING', to: undefined, cause: 'timer' })]);
    expect(sim.status(versionArn())).toBeUndefined();
    expect(sim.models()).toEqual([]);
    expect(await stop(versionArn())).toEqual({ error: 'ResourceNotFoundException', httpStatus: 400 });
  });

  test('Start on a STOPPED model: STARTING, then RUNNING with the inference units it was given', async () => {
    sim.addModel(versionArn(), { status: 'STOPPED', startDurationMs: 20 });
    expect(await start(versionArn(), 2)).toEqual({ status: 'STARTING', httpStatus: 200 });
    await sim.waitForStatus(versionArn(), 'RUNNING', 1_000);
  });

  test.each([
    ['TRAINING_COMPLETED', { status: 'STARTING', httpStatus: 200 }],
    ['FAILED', { status: 'STARTING', httpStatus: 200 }],
    ['RUNNING', { error: 'ResourceInUseException', httpStatus: 400 }],
    ['STOPPING', { error: 'ResourceInUseException', httpStatus: 400 }],
    ['TRAINING_FAILED', { error: 'InvalidParameterException', httpStatus: 400 }],
    ['EXPIRED', { error: 'InvalidParameterException', httpStatus: 400 }],
  ] as const)('Start on %s answers %j', async (status, expected) => {
    sim.addModel(versionArn(), { status, ...slow() });
    expect(await start(versionArn())).toEqual(expected);
  });

  test('models without their own durations use the simulator defaults, then the durations option', () => {
    sim.addModel(versionArn('a'), { status: 'STOPPING' });
    sim.configure({ durations: { stopDurationMs: 5_000 } });
    sim.addModel(versionArn('b'), { status: 'STOPPING' });
    const [a, b] = sim.models();
    expect(a.pending?.to).toBe('STOPPED');
    // Both were added within a few ms, so their due times differ by the difference of their durations.
    const expectedGap = 5_000 - DEFAULT_DURATIONS.stopDurationMs;
    expect(b.pending!.dueAt - a.pending!.dueAt).toBeGreaterThanOrEqual(expectedGap - 1);
    expect(b.pending!.dueAt - a.pending!.dueAt).toBeLessThan(expectedGap + 50);
  });
});

describe('undocumented behaviour switches', () => {
  test.each([
    ['ResourceInUseException', { error: 'ResourceInUseException', httpStatus: 400 }],
    ['InvalidParameterException', { error: 'InvalidParameterException', httpStatus: 400 }],
    ['status', { status: 'STOPPED', httpStatus: 200 }],
  ] as const)('stopWhenNotRunning: %s decides what Stop answers for a STOPPED model', async (setting, expected) => {
    sim.configure({ stopWhenNotRunning: setting });
    sim.addModel(versionArn(), { status: 'STOPPED' });
    expect(await stop(versionArn())).toEqual(expected);
    expect(sim.status(versionArn())).toBe('STOPPED');
  });

  test('stopWhenNotRunning also governs a DELETING model', async () => {
    sim.configure({ stopWhenNotRunning: 'status' });
    sim.addModel(versionArn(), { status: 'DELETING', deleteDurationMs: FOREVER });
    expect(await stop(versionArn())).toEqual({ status: 'DELETING', httpStatus: 200 });
  });

  test('switches given to start() apply from the first call, and configure() changes them later', async () => {
    await sim.close();
    sim = await RekognitionSimulator.start({ stopWhenNotRunning: 'status' });
    sim.addModel(versionArn(), { status: 'TRAINING_COMPLETED' });
    expect(await stop(versionArn())).toEqual({ status: 'TRAINING_COMPLETED', httpStatus: 200 });
    sim.configure({ stopWhenNotRunning: 'InvalidParameterException' });
    expect(await stop(versionArn())).toEqual({ error: 'InvalidParameterException', httpStatus: 400 });
    expect(sim.options.stopWhenNotRunning).toBe('InvalidParameterException');
  });

  test('stopWhenStarting: same-as-not-running leaves a STARTING model to become RUNNING', async () => {
    sim.configure({ stopWhenNotRunning: 'status' });
    sim.addModel(versionArn(), { status: 'STARTING', startDurationMs: 30 });
    expect(await stop(versionArn())).toEqual({ status: 'STARTING', httpStatus: 200 });
    await sim.waitForStatus(versionArn(), 'RUNNING', 1_000);
  });

  test('stopWhenStarting: stops sends a STARTING model to STOPPING and then STOPPED, never RUNNING', async () => {
    sim.configure({ stopWhenStarting: 'stops' });
    const transitions = recordTransitions();
    sim.addModel(versionArn(), { status: 'STARTING', startDurationMs: 30, stopDurationMs: 30 });
    expect(await stop(versionArn())).toEqual({ status: 'STOPPING', httpStatus: 200 });
    await sim.waitForStatus(versionArn(), 'STOPPED', 1_000);
    await sleep(40);
    expect(transitions.map((t) => t.to)).toEqual(['STOPPING', 'STOPPED']);
  });

  test.each([
    ['status', { status: 'DELETING', httpStatus: 200 }],
    ['ResourceInUseException', { error: 'ResourceInUseException', httpStatus: 400 }],
    ['ResourceNotFoundException', { error: 'ResourceNotFoundException', httpStatus: 400 }],
  ] as const)('deleteWhenDeleting: %s decides what Delete answers for a DELETING model', async (setting, expected) => {
    sim.configure({ deleteWhenDeleting: setting });
    sim.addModel(versionArn(), { status: 'RUNNING', stopDurationMs: 10, deleteDurationMs: FOREVER });
    await stop(versionArn());
    await sim.waitForStatus(versionArn(), 'STOPPED', 1_000);
    expect(await del(versionArn())).toEqual({ status: 'DELETING', httpStatus: 200 });
    expect(await del(versionArn())).toEqual(expected);
    expect(sim.status(versionArn())).toBe('DELETING');
  });

  test('configure() and start() refuse a value a switch or rate does not have', async () => {
    expect(() => sim.configure({ stopWhenNotRunning: 'maybe' as never })).toThrow(RangeError);
    expect(() => sim.configure({ throttleRate: 2 })).toThrow(RangeError);
    expect(sim.options.stopWhenNotRunning).toBe('ResourceInUseException');
    await expect(RekognitionSimulator.start({ deleteWhenDeleting: 'never' as never })).rejects.toThrow(RangeError);
  });
});

describe('fault injection', () => {
  const httpStatusOf: Record<string, number> = {
    AccessDeniedException: 400,
    InternalServerError: 500,
    InvalidParameterException: 400,
    ProvisionedThroughputExceededException: 400,
    ResourceInUseException: 400,
    ResourceNotFoundException: 400,
    ServiceQuotaExceededException: 400,
    ThrottlingException: 500,
  };

  test.each(REKOGNITION_ERRORS.map((e) => [e]))('failFirst with %s fails the first call as the SDK expects, without a state change', async (error) => {
    sim.configure({ failFirst: [{ operation: 'StopProjectVersion', count: 1, error }] });
    sim.addModel(versionArn(), { status: 'RUNNING', stopDurationMs: FOREVER });
    expect(await stop(versionArn())).toEqual({ error, httpStatus: httpStatusOf[error] });
    expect(sim.status(versionArn())).toBe('RUNNING');
    expect(sim.calls[0]).toMatchObject({ fault: 'failFirst', error, statusBefore: 'RUNNING', statusAfter: 'RUNNING' });
    expect(await stop(versionArn())).toEqual({ status: 'STOPPING', httpStatus: 200 });
  });

  test('failFirst counts only the calls of its operation (and ARN, when it names one)', async () => {
    sim.addModel(versionArn('a'), { status: 'STOPPED' });
    sim.addModel(versionArn('b'), { status: 'STOPPED' });
    sim.configure({
      stopWhenNotRunning: 'status',
      failFirst: [{ operation: 'StopProjectVersion', count: 2, error: 'ThrottlingException', arn: versionArn('a') }],
    });
    expect(await stop(versionArn('b'))).toEqual({ status: 'STOPPED', httpStatus: 200 });
    expect(await del(versionArn('b'))).toEqual({ status: 'DELETING', httpStatus: 200 });
    expect(await stop(versionArn('a'))).toMatchObject({ error: 'ThrottlingException' });
    expect(await stop(versionArn('a'))).toMatchObject({ error: 'ThrottlingException' });
    expect(await stop(versionArn('a'))).toEqual({ status: 'STOPPED', httpStatus: 200 });
  });

  test('throttleRate 1 throttles every call with throttleError, and changes nothing', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING' });
    sim.configure({ throttleRate: 1 });
    expect(await stop(versionArn())).toEqual({ error: 'ThrottlingException', httpStatus: 500 });
    sim.configure({ throttleError: 'ProvisionedThroughputExceededException' });
    expect(await stop(versionArn())).toEqual({ error: 'ProvisionedThroughputExceededException', httpStatus: 400 });
    expect(sim.status(versionArn())).toBe('RUNNING');
    expect(sim.calls.map((c) => c.fault)).toEqual(['throttleRate', 'throttleRate']);
  });

  test('a fractional throttleRate throttles some calls, the same ones for the same seed', async () => {
    const outcomes = async (): Promise<string[]> => {
      sim.configure({ seed: 42, throttleRate: 0.5, stopWhenNotRunning: 'status' });
      const results: string[] = [];
      for (let i = 0; i < 30; i++) results.push((await stop(versionArn())).error ?? 'ok');
      return results;
    };
    sim.addModel(versionArn(), { status: 'STOPPED' });
    const first = await outcomes();
    const second = await outcomes();
    expect(second).toEqual(first);
    const throttled = first.filter((r) => r === 'ThrottlingException').length;
    expect(throttled).toBeGreaterThan(5);
    expect(throttled).toBeLessThan(25);
  });

  test('serverErrorRate 1 answers 500 InternalServerError and changes nothing', async () => {
    sim.addModel(versionArn(), { status: 'STOPPED' });
    sim.configure({ serverErrorRate: 1 });
    expect(await del(versionArn())).toEqual({ error: 'InternalServerError', httpStatus: 500 });
    expect(sim.status(versionArn())).toBe('STOPPED');
    expect(sim.calls[0].fault).toBe('serverErrorRate');
  });

  test('tpsLimit throttles calls beyond the limit within one second, per operation', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING', stopDurationMs: FOREVER });
    sim.configure({ tpsLimit: { StopProjectVersion: 3 } });
    const results = await Promise.all(Array.from({ length: 5 }, () => stop(versionArn())));
    expect(results.filter((r) => r.status === 'STOPPING')).toHaveLength(3);
    expect(results.filter((r) => r.error === 'ThrottlingException')).toHaveLength(2);
    expect(sim.calls.filter((c) => c.fault === 'tpsLimit')).toHaveLength(2);
    // Another operation has its own budget.
    expect(await del(versionArn())).toEqual({ error: 'ResourceInUseException', httpStatus: 400 });
  });

  test('tpsLimit admits calls again once the second has passed', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING', stopDurationMs: FOREVER });
    sim.configure({ tpsLimit: 1 });
    expect(await stop(versionArn())).toMatchObject({ status: 'STOPPING' });
    expect(await stop(versionArn())).toMatchObject({ error: 'ThrottlingException' });
    await sleep(1_010);
    expect(await stop(versionArn())).toMatchObject({ status: 'STOPPING' });
  });

  test('latencyMs holds every response, successes and errors alike', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING', stopDurationMs: FOREVER });
    sim.configure({ latencyMs: 120 });
    for (const call of [() => stop(versionArn()), () => del(versionArn())]) {
      const began = Date.now();
      await call();
      expect(Date.now() - began).toBeGreaterThanOrEqual(115);
    }
    expect(sim.calls.map((c) => c.httpStatus)).toEqual([200, 400]);
  });
});

describe('records and events', () => {
  test('records each call with time, operation, ARN, region, statuses around it and the answer', async () => {
    sim.addModel(versionArn(), { status: 'RUNNING', stopDurationMs: FOREVER });
    await stop(versionArn());
    await del(versionArn());
    await stop(versionArn('other'));
    const [first, second] = sim.calls;
    expect(first).toEqual(expect.objectContaining({
      operation: 'StopProjectVersion',
      arn: versionArn(),
      region: REGION,
      statusBefore: 'RUNNING',
      statusAfter: 'STOPPING',
      httpStatus: 200,
      status: 'STOPPING',
    }));
    expect(first.error).toBeUndefined();
    expect(second).toEqual(expect.objectContaining({
      operation: 'DeleteProjectVersion', statusBefore: 'STOPPING', statusAfter: 'STOPPING', httpStatus: 400, error: 'ResourceInUseException',
    }));
    expect(second.status).toBeUndefined();
    expect(second.at).toBeGreaterThanOrEqual(first.at);
    expect(sim.callsFor(versionArn())).toEqual([first, second]);
    expect(sim.callsFor(versionArn('other'))).toEqual([expect.objectContaining({ error: 'ResourceNotFoundException', statusBefore: undefined })]);
  });

  test('emits a call event for every record, as it happens', async () => {
    const seen: CallRecord[] = [];
    sim.on('call', (call) => seen.push(call));
    sim.addModel(versionArn(), { status: 'STOPPED' });
    await stop(versionArn());
    await del(versionArn());
    expect(seen).toEqual(sim.calls);
    expect(seen).toHaveLength(2);
  });

  test('emits transitions with their cause, ending with to: undefined when the model is gone', async () => {
    const transitions = recordTransitions();
    sim.addModel(versionArn(), { status: 'RUNNING', stopDurationMs: 10, deleteDurationMs: 10 });
    await stop(versionArn());
    await sim.waitForStatus(versionArn(), 'STOPPED', 1_000);
    await del(versionArn());
    await sim.waitForStatus(versionArn(), undefined, 1_000);
    expect(transitions.map((t) => [t.from, t.to, t.cause])).toEqual([
      ['RUNNING', 'STOPPING', 'StopProjectVersion'],
      ['STOPPING', 'STOPPED', 'timer'],
      ['STOPPED', 'DELETING', 'DeleteProjectVersion'],
      ['DELETING', undefined, 'timer'],
    ]);
    expect(transitions.every((t) => t.arn === versionArn())).toBe(true);
  });

  test('models() summarises every model in every region, with its pending transition', () => {
    sim.addModel(versionArn('a'), { status: 'STOPPING', stopDurationMs: FOREVER });
    sim.addModel(versionArn('b', 'p2', 'eu-west-1'), { status: 'RUNNING' });
    expect(sim.models()).toEqual([
      { arn: versionArn('a'), region: REGION, projectName: 'proj', versionName: 'a', status: 'STOPPING', pending: { to: 'STOPPED', dueAt: expect.any(Number) } },
      { arn: versionArn('b', 'p2', 'eu-west-1'), region: 'eu-west-1', projectName: 'p2', versionName: 'b', status: 'RUNNING' },
    ]);
  });

  test('addModel refuses an ARN Rekognition would not accept, and a model that already exists', () => {
    expect(() => sim.addModel('arn:aws:rekognition:us-east-1:1:project/p', { status: 'RUNNING' })).toThrow(/Not a model version ARN/);
    sim.addModel(versionArn(), { status: 'RUNNING' });
    expect(() => sim.addModel(versionArn(), { status: 'STOPPED' })).toThrow(/already exists/);
  });

  test('close() cancels pending transitions and stops serving', async () => {
    sim.addModel(versionArn(), { status: 'STOPPING', stopDurationMs: 20 });
    await sim.close();
    await sleep(50);
    expect(sim.status(versionArn())).toBe('STOPPING');
    await expect(fetch(sim.endpoint, { method: 'POST' })).rejects.toThrow();
  });
});

/** Durations long enough that a model's own timed transition never happens during the test. */
function slow() {
  return { stopDurationMs: FOREVER, startDurationMs: FOREVER, trainingDurationMs: FOREVER, copyDurationMs: FOREVER, deleteDurationMs: FOREVER };
}

function recordTransitions(): TransitionEvent[] {
  const transitions: TransitionEvent[] = [];
  sim.on('transition', (t) => transitions.push(t));
  return transitions;
}
