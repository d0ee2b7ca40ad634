/**
 * A local Amazon Rekognition simulator (Custom Labels model versions) speaking the real awsJson1_1
 * protocol, for end-to-end tests, demos and benchmarks of code that uses the AWS SDK.
 */
export * from './types';
export { ServiceError } from './errors';
export { DEFAULT_DURATIONS, TAGS_PER_MODEL_MAX } from './models';
export { seededRandom } from '../random';
export { RekognitionSimulator } from './simulator';
export type { RequestAuthorizer, ResolvedSimulatorOptions } from './simulator';
export { PROJECT_ARN_PATTERN, PROJECT_VERSION_ARN_PATTERN, TAG_KEY_PATTERN, TAG_VALUE_PATTERN } from './validation';
