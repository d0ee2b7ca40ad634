import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { ProviderFrameworkTeardown } from './provider-framework-teardown';
import { LOCAL_ENV, modelArn } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';

/** The stacks the template benchmarks synthesize: N models, each built one of a few ways. */

export type Build = 'construct' | 'provider-framework' | 'bare-cfn-resource';

/** A fresh app with one stack holding `models` models built the `build` way. */
export function modelStack(build: Build, models: number): { app: App; stack: Stack; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  // Stack traces in construct metadata cost synth time and vary with the call site: off for all.
  const app = new App({ outdir, stackTraces: false });
  const stack = new Stack(app, 'Bench', { env: LOCAL_ENV });
  for (let i = 0; i < models; i++) {
    const projectVersionArn = modelArn(`v${i}`);
    switch (build) {
      case 'construct':
        new CustomLabelsModelLifecycle(stack, `Model${i}`, { projectVersionArn });
        break;
      case 'provider-framework':
        new ProviderFrameworkTeardown(stack, `Model${i}`, { projectVersionArn });
        break;
      case 'bare-cfn-resource':
        new CfnResource(stack, `Model${i}`, { type: 'Custom::RekognitionCustomLabelsModel', properties: { ProjectVersionArn: projectVersionArn } });
        break;
    }
  }
  return { app, stack, outdir };
}

/** Synthesizes the app and returns its stack's template; the cloud assembly is removed. */
export function synthTemplate(app: App, stack: Stack, outdir: string): { Resources: Record<string, { Type: string }> } {
  try {
    return app.synth().getStackArtifact(stack.artifactId).template;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
