import * as http from 'http';
import { AddressInfo } from 'net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { MAX_RESPONSE_BYTES, putResponse, responseBody } from '../../lambda/teardown/cfn-response';

const event = {
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
  RequestId: 'req-1',
  LogicalResourceId: 'Model',
} as CloudFormationCustomResourceEvent;
const noSleep = async () => undefined;

describe('responseBody', () => {
  test('echoes the ids CloudFormation needs', () => {
    expect(JSON.parse(responseBody(event, 'SUCCESS', 'phys', 'ok'))).toEqual({
      Status: 'SUCCESS',
      Reason: 'ok',
      PhysicalResourceId: 'phys',
      NoEcho: false,
      StackId: event.StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'Model',
    });
  });

  test('shortens a long reason so the whole response stays within 4096 bytes', () => {
    const longId = 'p'.repeat(2048);
    const body = responseBody(event, 'FAILED', longId, 'é"'.repeat(5000));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    const parsed = JSON.parse(body);
    expect(parsed.PhysicalResourceId).toBe(longId);
    expect(parsed.Reason.endsWith('…')).toBe(true);
    expect(parsed.Reason.length).toBeGreaterThan(100);
  });
});

describe('putResponse', () => {
  let server: http.Server;
  let url: string;
  let answers: number[];
  const received: Array<{ method?: string; contentType?: string; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method, contentType: req.headers['content-type'], body });
        const answer = answers.shift() ?? 200;
        if (answer === -1) {
          // Promise a body, send part of it, then close the connection cleanly.
          res.writeHead(200, { 'content-length': '100' });
          res.write('partial', () => res.socket?.end());
          return;
        }
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket/key?X-Amz-Signature=secret`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    answers = [];
  });

  test('PUTs the body with the empty content type the presigned URL is signed for', async () => {
    await putResponse(url, '{"Status":"SUCCESS"}', noSleep);
    expect(received).toEqual([{ method: 'PUT', contentType: '', body: '{"Status":"SUCCESS"}' }]);
  });

  test('tries again when the URL answers an error', async () => {
    answers = [503, 500];
    await putResponse(url, 'x', noSleep);
    expect(received).toHaveLength(3);
  });

  test('gives up after three attempts, with an error that does not show the URL', async () => {
    answers = [500, 500, 500];
    await expect(putResponse(url, 'x', noSleep)).rejects.toThrow(/^the response URL answered HTTP 500$/);
    expect(received).toHaveLength(3);
  });

  test('takes an answer cut short by a clean close as a failure, not as success or a hang', async () => {
    answers = [-1, -1, -1];
    await expect(putResponse(url, 'x', noSleep)).rejects.toThrow(/^the response URL closed the connection before its answer ended$/);
    expect(received).toHaveLength(3);
  });

  test('reports an unreachable URL by its error code only', async () => {
    await expect(putResponse('http://127.0.0.1:1/x?X-Amz-Signature=secret', 'x', noSleep))
      .rejects.toThrow(/^could not send the response \(ECONNREFUSED\)$/);
  });
});
