import { rekognitionModelApi } from '../../lambda/teardown/rekognition-model-api';

const ARN = 'arn:aws:rekognition:us-east-9:123456789012:project/birds/version/v1/1700000000000';

test('answers a host name that does not exist (a region with no endpoint) with its network code, so the teardown fails at once', async () => {
  const saved = { ...process.env };
  // `.invalid` never resolves (RFC 6761): what the real SDK meets for a region that does not exist.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_REKOGNITION: 'https://rekognition.us-east-9.invalid',
    AWS_ACCESS_KEY_ID: 'AKIALOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
  });
  try {
    const answer = await rekognitionModelApi('us-east-9').stopProjectVersion(ARN);
    expect(answer).toMatchObject({ code: 'ENOTFOUND', httpStatus: undefined });
  } finally {
    process.env = saved;
  }
});
