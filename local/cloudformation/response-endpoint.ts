import { randomBytes } from 'crypto';
import * as fs from 'fs';
import { createServer, Server } from 'https';
import { AddressInfo } from 'net';
import { RESPONSE_ENDPOINT_CA_CERT, RESPONSE_ENDPOINT_KEY } from './response-endpoint-certificate';

/**
 * Stands in for the S3 bucket behind CloudFormation's presigned ResponseURLs: hands out
 * presigned-looking HTTPS URLs and records the PUTs the handler sends to them. It serves HTTPS
 * with a test-only self-signed certificate, which function processes trust (NODE_EXTRA_CA_CERTS).
 */

/** One response the handler sent. */
export interface ReceivedResponse {
  readonly requestId: string;
  readonly method: string;
  readonly contentType: string | undefined;
  readonly bytes: number;
  readonly body: {
    readonly Status: 'SUCCESS' | 'FAILED';
    readonly Reason?: string;
    readonly PhysicalResourceId: string;
    readonly StackId: string;
    readonly RequestId: string;
    readonly LogicalResourceId: string;
    readonly [key: string]: unknown;
  };
  /** When it arrived (epoch ms). */
  readonly at: number;
}

export class CfnResponseEndpoint {
  static async start(): Promise<CfnResponseEndpoint> {
    const endpoint = new CfnResponseEndpoint();
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  public readonly responses: ReceivedResponse[] = [];
  private readonly server: Server;
  private readonly waiters = new Map<string, Array<(r: ReceivedResponse) => void>>();

  private constructor() {
    const tls = { cert: fs.readFileSync(RESPONSE_ENDPOINT_CA_CERT), key: fs.readFileSync(RESPONSE_ENDPOINT_KEY) };
    this.server = createServer(tls, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const requestId = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop() ?? '');
        const response: ReceivedResponse = {
          requestId,
          method: req.method ?? '',
          contentType: req.headers['content-type'],
          bytes: raw.length,
          body: JSON.parse(raw.toString('utf8')),
          at: Date.now(),
        };
        this.responses.push(response);
        for (const resolve of this.waiters.get(requestId) ?? []) {
          resolve(response);
        }
        this.waiters.delete(requestId);
        res.end();
      });
    });
  }

  /** A presigned-looking URL for `requestId`, dated now; its signature is a fresh secret. */
  public presignedUrl(requestId: string): { url: string; signature: string } {
    const { port } = this.server.address() as AddressInfo;
    const signature = randomBytes(32).toString('hex');
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': date,
      'X-Amz-Expires': '7200',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Credential': `AKIALOCAL/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
      'X-Amz-Signature': signature,
    });
    return { url: `https://127.0.0.1:${port}/cloudformation-custom-resource-response/${encodeURIComponent(requestId)}?${query}`, signature };
  }

  /** The first response to `requestId`; rejects after `timeoutMs`. */
  public waitFor(requestId: string, timeoutMs: number): Promise<ReceivedResponse> {
    const received = this.responses.find((r) => r.requestId === requestId);
    if (received) {
      return Promise.resolve(received);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to ${requestId} within ${timeoutMs} ms`)), timeoutMs);
      const waiters = this.waiters.get(requestId) ?? [];
      waiters.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.waiters.set(requestId, waiters);
    });
  }

  /** Every response to `requestId` (a correct handler sends exactly one). */
  public responsesTo(requestId: string): ReceivedResponse[] {
    return this.responses.filter((r) => r.requestId === requestId);
  }

  public close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
