import { ModelAnswer } from '../lambda/teardown/model-api';
import { DEFAULT_PACING } from '../lambda/teardown/schedule';
import { TeardownDeps, TeardownModelApi } from '../lambda/teardown/teardown';

/** A clock that only moves when the code under test sleeps. */
export class VirtualClock {
  public time = 1_700_000_000_000;
  public readonly sleeps: number[] = [];
  public readonly now = () => this.time;
  public readonly sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.time += ms;
  };
}

type Operation = 'StopProjectVersion' | 'DeleteProjectVersion';

/** One call the scripted API received. */
interface ScriptedCall {
  readonly operation: Operation;
  readonly at: number;
  readonly answer: ModelAnswer;
}

/**
 * Answers each operation from its own script, in order; the last answer repeats. An answer may be
 * a function of the virtual time, for models whose state changes while the teardown waits.
 */
export class ScriptedModelApi implements TeardownModelApi {
  public readonly maxCallMs = 1_000;
  public readonly calls: ScriptedCall[] = [];
  private readonly scripts: Record<Operation, Array<ModelAnswer | ((at: number) => ModelAnswer)>>;

  constructor(
    private readonly clock: VirtualClock,
    script: { stop?: Array<ModelAnswer | ((at: number) => ModelAnswer)>; delete?: Array<ModelAnswer | ((at: number) => ModelAnswer)> },
  ) {
    this.scripts = {
      StopProjectVersion: script.stop ?? [],
      DeleteProjectVersion: script.delete ?? [],
    };
  }

  public stopProjectVersion(): Promise<ModelAnswer> {
    return this.answer('StopProjectVersion');
  }

  public deleteProjectVersion(): Promise<ModelAnswer> {
    return this.answer('DeleteProjectVersion');
  }

  public operations(): string[] {
    return this.calls.map((c) => c.operation === 'StopProjectVersion' ? 'stop' : 'delete');
  }

  private async answer(operation: Operation): Promise<ModelAnswer> {
    const script = this.scripts[operation];
    if (script.length === 0) {
      throw new Error(`unexpected ${operation}`);
    }
    const next = script.length > 1 ? script.shift()! : script[0];
    const answer = typeof next === 'function' ? next(this.clock.time) : next;
    this.calls.push({ operation, at: this.clock.time, answer });
    return answer;
  }
}

/** Shorthands for answers. */
export const status = (value: string): ModelAnswer => ({ status: value });
export const error = (name: string, httpStatus = name === 'InternalServerError' || name === 'ThrottlingException' ? 500 : 400): ModelAnswer =>
  ({ error: name, message: `simulated ${name}`, httpStatus });

/** Teardown dependencies on the virtual clock, with log lines collected. */
export function virtualDeps(clock: VirtualClock, api: TeardownModelApi, logs: Array<Record<string, unknown>> = []): TeardownDeps {
  return {
    api,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    pacing: DEFAULT_PACING,
    log: (entry) => logs.push(entry),
  };
}
