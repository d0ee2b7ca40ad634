import { ModelApi } from '../../lambda/teardown/model-api';

/**
 * The handler's real Rekognition adapter with an SDK client of its own, as each concurrent run
 * has in Lambda (one process per run). The adapter keeps one client per region in module state,
 * so a fresh copy of the module is loaded for each teardown; the SDK itself stays cached.
 */
const ADAPTER = require.resolve('../../lambda/teardown/rekognition-model-api');

export function freshModelApi(region: string): ModelApi {
  delete require.cache[ADAPTER];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const adapter = require(ADAPTER) as typeof import('../../lambda/teardown/rekognition-model-api');
  return adapter.rekognitionModelApi(region);
}
