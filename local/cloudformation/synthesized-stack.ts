import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, cx_api, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Template, validateTemplate } from './template';

/**
 * What `cdk deploy` hands CloudFormation for one stack: the synthesized template (what users
 * deploy) and the folders of its file assets (the code the Lambda functions run).
 */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: Template;
  /** The folder of each file asset, by the S3 object key the template names it with. */
  readonly assetDirs: ReadonlyMap<string, string>;
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * Properties to set on resources of the synthesized template, by logical id, over what the
   * app synthesized (for example `MaxWaitSeconds: 3`, below what the construct allows, so a
   * test of a wait that runs out takes seconds).
   */
  readonly propertyOverrides?: Record<string, Record<string, unknown>>;
}

/** Synthesizes `stack`'s app (the app's outdir holds the assets) and reads the stack's template. */
export function synthesize(stack: Stack, options: SynthesizeOptions = {}): SynthesizedStack {
  // The assembly of the stack's own stage: the app's, or a Stage's nested one.
  const assembly = Stage.of(stack)!.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const template = JSON.parse(JSON.stringify(artifact.template)) as Template;
  validateTemplate(template);
  for (const [logicalId, properties] of Object.entries(options.propertyOverrides ?? {})) {
    const resource = template.Resources[logicalId];
    if (!resource) {
      throw new Error(`propertyOverrides names ${logicalId}, which is not a resource of ${stack.stackName} (its resources: ${Object.keys(template.Resources).join(', ')})`);
    }
    (resource as { Properties?: Record<string, unknown> }).Properties = { ...resource.Properties, ...properties };
  }
  return { stackName: stack.stackName, template, assetDirs: fileAssetDirs(assembly, artifact) };
}

/** The logical id of `construct`'s CloudFormation resource (the construct itself, or its default child). */
export function logicalIdOf(construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource of its own`);
  }
  return Stack.of(element).resolve(element.logicalId) as string;
}

/** The folder of each file asset of the stack, by the S3 object key it is published to. */
function fileAssetDirs(assembly: cx_api.CloudAssembly, artifact: cx_api.CloudFormationStackArtifact): Map<string, string> {
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
