/**
 * The environment the AWS SDK needs to talk to the local simulator from this process: an
 * endpoint and static fake credentials (the simulator checks the signature's scope, not its key).
 */
export function pointSdkAt(rekognitionEndpoint: string): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_REKOGNITION: rekognitionEndpoint,
    AWS_ACCESS_KEY_ID: 'AKIALOCALBENCH',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_SESSION_TOKEN: 'local-session',
    AWS_REGION: 'us-east-1',
    // The SDK warns about Node 20 (the Node the benchmarks run on here) unless this is exactly 'true'.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
}

/** Wall-clock ms with sub-millisecond resolution, comparable with Date.now(). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
