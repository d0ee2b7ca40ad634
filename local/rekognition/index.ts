/**
 * A local Amazon Rekognition simulator (Custom Labels model versions) speaking the real awsJson1_1
 * protocol, for end-to-end tests, demos and benchmarks of code that uses the AWS SDK.
 */
export * from './types';
export { ServiceError } from './errors';
export { DEFAULT_DURATIONS, TAGS_PER_MODEL_MAX } from './models';
export { RekognitionSimulator } from './simulator';
export { TAG_KEY_PATTERN, TAG_VALUE_PATTERN } from './validation';
