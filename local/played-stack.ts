import { OWN_STACK_ID_VARIABLE } from '../src/teardown-contract';
import { DeployedTeardown } from './cloudformation/cloud-assembly';
import { LocalCloudFormation } from './cloudformation/event-player';
import { CloudFormationQueryApi } from './cloudformation/query-api';
import { CfnResponseEndpoint } from './cloudformation/response-endpoint';
import { LocalLambdaService } from './lambda/local-lambda-service';
import { RekognitionSimulator } from './rekognition';

/**
 * One synthesized stack whose custom-resource events are sent one at a time: its function on a
 * Lambda service of its own, the event player, and the read API through which the function sees
 * the stack as the player shows it. IAM is not played here (see LocalAws for that).
 */
export interface PlayedStack {
  readonly lambda: LocalLambdaService;
  readonly cloudFormation: LocalCloudFormation;
  readonly stackApi: CloudFormationQueryApi;
}

export async function startPlayedStack(
  deployed: DeployedTeardown,
  sim: RekognitionSimulator,
  responses: CfnResponseEndpoint,
  runBudgetMs?: number,
): Promise<PlayedStack> {
  const environment: Record<string, string> = { AWS_ENDPOINT_URL_REKOGNITION: sim.endpoint };
  const lambda = await LocalLambdaService.start([deployed.function], { budgetMs: runBudgetMs, environment });
  const cloudFormation = new LocalCloudFormation(deployed, lambda, responses);
  const stackApi = await CloudFormationQueryApi.start(cloudFormation);
  // Read by each run as it starts, so the endpoint may be added after the service.
  environment.AWS_ENDPOINT_URL_CLOUDFORMATION = stackApi.endpoint;
  // What CloudFormation resolves the function's `Ref: AWS::StackId` to: the played stack's id.
  environment[OWN_STACK_ID_VARIABLE] = cloudFormation.stackId;
  return { lambda, cloudFormation, stackApi };
}

/** Stops what {@link startPlayedStack} started, once every run has ended. */
export async function closePlayedStack(played: PlayedStack): Promise<void> {
  await played.lambda.idle();
  await Promise.all([played.lambda.close(), played.stackApi.close()]);
}
