import { Template } from './template';

/**
 * Which resources each resource depends on: those it names with Ref, Fn::GetAtt or Fn::Sub, and
 * its DependsOn (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html:
 * "CloudFormation creates resources in parallel" unless a dependency orders them; they are
 * deleted in the reverse order). Parameters and pseudo parameters are not resources.
 */
export class DependencyGraph {
  /** Builds the graph of `template`'s resources; throws on a circular dependency, as CloudFormation does. */
  static of(template: Template): DependencyGraph {
    const ids = new Set(Object.keys(template.Resources));
    const dependencies = new Map<string, Set<string>>();
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const found = new Set<string>();
      collectReferences(resource.Properties, ids, found);
      for (const target of resource.DependsOn === undefined ? [] : [resource.DependsOn].flat()) {
        found.add(target);
      }
      found.delete(logicalId);
      dependencies.set(logicalId, found);
    }
    const graph = new DependencyGraph(dependencies);
    graph.checkAcyclic();
    return graph;
  }

  private constructor(private readonly dependencies: Map<string, Set<string>>) {}

  /** The resources `logicalId` depends on directly. */
  public dependenciesOf(logicalId: string): string[] {
    return [...(this.dependencies.get(logicalId) ?? [])];
  }

  /** The resources that depend directly on `logicalId`. */
  public dependentsOf(logicalId: string): string[] {
    return [...this.dependencies].filter(([, deps]) => deps.has(logicalId)).map(([id]) => id);
  }

  private checkAcyclic(): void {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, path: string[]) => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') {
        throw new Error(`Template format error: Circular dependency between resources: [${path.join(', ')}]`);
      }
      state.set(id, 'visiting');
      for (const dep of this.dependencies.get(id) ?? []) visit(dep, [...path, dep]);
      state.set(id, 'done');
    };
    for (const id of this.dependencies.keys()) visit(id, [id]);
  }
}

function collectReferences(value: unknown, ids: Set<string>, found: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectReferences(v, ids, found));
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key === 'Ref' && typeof v === 'string' && ids.has(v)) {
      found.add(v);
    } else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(v) ? String(v[0]) : String(v).split('.')[0];
      if (ids.has(target)) found.add(target);
    } else if (key === 'Fn::Sub') {
      const template = Array.isArray(v) ? String(v[0]) : String(v);
      for (const [, name] of template.matchAll(/\$\{([^!}][^}.]*)[^}]*\}/g)) {
        if (ids.has(name)) found.add(name);
      }
    }
    collectReferences(v, ids, found);
  }
}

/**
 * Runs `run` for each of `ids` once every id it waits for (among `ids`) has finished, as many at
 * once as are ready. With `stopOnFailure`, a failure starts nothing new, and the runs under way
 * finish; the ids never started are returned as `notStarted`.
 */
export async function runInOrder(
  ids: string[],
  waitsFor: (id: string) => string[],
  run: (id: string) => Promise<boolean>,
  options: { stopOnFailure: boolean },
): Promise<{ failed: string[]; notStarted: string[] }> {
  const pending = new Set(ids);
  const failed: string[] = [];
  const running = new Map<string, Promise<void>>();
  while (pending.size > 0 || running.size > 0) {
    const stop = options.stopOnFailure && failed.length > 0;
    if (!stop) {
      for (const id of [...pending]) {
        if (waitsFor(id).every((dep) => !pending.has(dep) && !running.has(dep))) {
          pending.delete(id);
          running.set(id, run(id).then((ok) => {
            if (!ok) failed.push(id);
          }, () => {
            failed.push(id);
          }).finally(() => {
            running.delete(id);
          }));
        }
      }
    }
    if (running.size === 0) {
      break;
    }
    await Promise.race(running.values());
  }
  return { failed, notStarted: [...pending] };
}
