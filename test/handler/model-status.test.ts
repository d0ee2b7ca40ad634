import { ProjectVersionStatus } from '@aws-sdk/client-rekognition';
import { isSettled, mayRun, STATUS_MEANINGS } from '../../lambda/teardown/model-status';
import { MODEL_STATUSES } from '../../local/rekognition';

/** What each model status means for the teardown, against the statuses Rekognition's SDK defines. */

const sdkStatuses = Object.values(ProjectVersionStatus).sort();

test('every status the SDK defines has one meaning for the teardown, and no other status has one', () => {
  expect(Object.keys(STATUS_MEANINGS).sort()).toEqual(sdkStatuses);
});

test('the simulator models exactly the statuses the SDK defines', () => {
  expect([...MODEL_STATUSES].sort()).toEqual(sdkStatuses);
});

test('a model needs a Stop only while it runs or starts; Delete is expected to pass only for settled ones', () => {
  expect(sdkStatuses.filter(mayRun)).toEqual(['RUNNING', 'STARTING']);
  expect(sdkStatuses.filter(isSettled)).toEqual([
    'COPYING_COMPLETED', 'COPYING_FAILED', 'DEPRECATED', 'EXPIRED', 'FAILED', 'STOPPED', 'TRAINING_COMPLETED', 'TRAINING_FAILED',
  ]);
  // The teardown's own states are no status of Rekognition's.
  expect(['BUSY', 'UNKNOWN', 'GONE', 'toString'].map((s) => [mayRun(s), isSettled(s)])).toEqual([[false, false], [false, false], [false, false], [false, false]]);
});
