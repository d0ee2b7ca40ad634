import * as fs from 'fs';
import * as path from 'path';
import { Stack, cx_api } from 'aws-cdk-lib';
import { MODEL_RESOURCE_TYPE } from '../../src/teardown-contract';
import { DeployedFunction } from '../lambda/lambda-process';

/**
 * Reads what `cdk deploy` would deploy from a synthesized cloud assembly: the teardown
 * function's bundled code asset and configuration, and each model's custom resource.
 */

/** A custom resource of the template, as CloudFormation would send it to its function. */
export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
  /** The resource's ServiceTimeout, in seconds. */
  readonly serviceTimeoutSeconds: number;
}

/** The teardown as deployed from one stack. */
export interface DeployedTeardown {
  /** The stack's name, as CloudFormation's stack id carries it. */
  readonly stackName: string;
  readonly function: DeployedFunction;
  readonly models: TemplateResource[];
  readonly template: { Resources: Record<string, { Type: string; Properties?: any; DependsOn?: string[] }> };
}


/** Synthesizes `stack`'s app and finds its teardown function and model resources. */
export function deployedTeardown(stack: Stack): DeployedTeardown {
  const assembly = (stack.node.root as any).synth() as cx_api.CloudAssembly;
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const template = artifact.template as DeployedTeardown['template'];
  const resources = Object.entries(template.Resources);

  const functions = resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function');
  if (functions.length !== 1) {
    throw new Error(`expected one function in ${stack.stackName}, found ${functions.length}`);
  }
  const [functionId, fn] = functions[0];
  const models = resources
    .filter(([, r]) => r.Type === MODEL_RESOURCE_TYPE)
    .map(([logicalId, r]) => {
      const { ServiceToken: _, ServiceTimeout, ...properties } = r.Properties;
      return { logicalId, type: r.Type, properties, serviceTimeoutSeconds: Number(ServiceTimeout ?? 3600) };
    });

  return {
    stackName: stack.stackName,
    template,
    models,
    function: {
      codeDir: codeAssetDir(assembly, artifact, fn.Properties.Code.S3Key),
      handler: fn.Properties.Handler,
      functionArn: `arn:aws:lambda:${stack.region}:${stack.account}:function:${functionId}`,
      timeoutMs: (fn.Properties.Timeout ?? 3) * 1000,
      environment: fn.Properties.Environment?.Variables ?? {},
    },
  };
}

/** The folder of the file asset whose S3 object key is `objectKey`, from the asset manifest. */
function codeAssetDir(assembly: cx_api.CloudAssembly, artifact: cx_api.CloudFormationStackArtifact, objectKey: string): string {
  const dir = fileAssetDirs(assembly, artifact).get(objectKey);
  if (dir === undefined) {
    throw new Error(`no file asset with object key ${objectKey} in the cloud assembly`);
  }
  return dir;
}

/** The folder of each file asset of the stack, by the S3 object key it is published to. */
export function fileAssetDirs(assembly: cx_api.CloudAssembly, artifact: cx_api.CloudFormationStackArtifact): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const dependency of artifact.dependencies) {
    if (!(dependency instanceof cx_api.AssetManifestArtifact)) {
      continue;
    }
    const manifest = JSON.parse(fs.readFileSync(dependency.file, 'utf8'));
    for (const asset of Object.values<any>(manifest.files ?? {})) {
      for (const destination of Object.values<any>(asset.destinations)) {
        dirs.set(destination.objectKey, path.join(assembly.directory, asset.source.path));
      }
    }
  }
  return dirs;
}
