/**
 * The model versions and their state machine: what Stop, Delete, Start, Describe and the tag
 * operations do to and say about each model, and the timed transitions that follow. Knows nothing
 * of HTTP.
 *
 * Models are regional, as in AWS: a call signed for one region sees only the models whose ARN
 * names that region, and a model elsewhere is answered exactly as one that does not exist.
 */
import { ServiceError } from './errors';
import {
  DeleteWhenDeleting,
  ModelDurations,
  ModelOptions,
  ModelStatus,
  ModelSummary,
  StopWhenNotRunning,
  StopWhenStarting,
  TransitionEvent,
  MODEL_STATUSES,
} from './types';
import {
  PROJECT_VERSION_ARN_PATTERN,
  tagMapViolations,
  VersionArnParts,
  versionArnParts,
} from './validation';

/** Durations of models that set none of their own. */
export const DEFAULT_DURATIONS: ModelDurations = {
  stopDurationMs: 100,
  startDurationMs: 100,
  trainingDurationMs: 200,
  copyDurationMs: 150,
  deleteDurationMs: 100,
};

/**
 * Tags one model may hold: Rekognition's quota per resource (AWS's tagging guidance), fewer than
 * the 200 one TagResource may carry.
 */
export const TAGS_PER_MODEL_MAX = 50;

/** The undocumented behaviours the store follows. */
export interface ModelSwitches {
  stopWhenNotRunning: StopWhenNotRunning;
  stopWhenStarting: StopWhenStarting;
  deleteWhenDeleting: DeleteWhenDeleting;
}

/** Statuses that move on by themselves: after which duration, to what (undefined = gone), and to what on failure. */
const TIMED: Partial<Record<ModelStatus, {
  readonly duration: keyof ModelDurations;
  readonly to: ModelStatus | undefined;
  readonly failure?: { readonly to: ModelStatus; readonly when: 'startFails' | 'trainingFails' | 'copyFails' };
}>> = {
  STOPPING: { duration: 'stopDurationMs', to: 'STOPPED' },
  STARTING: { duration: 'startDurationMs', to: 'RUNNING', failure: { to: 'FAILED', when: 'startFails' } },
  TRAINING_IN_PROGRESS: { duration: 'trainingDurationMs', to: 'TRAINING_COMPLETED', failure: { to: 'TRAINING_FAILED', when: 'trainingFails' } },
  COPYING_IN_PROGRESS: { duration: 'copyDurationMs', to: 'COPYING_COMPLETED', failure: { to: 'COPYING_FAILED', when: 'copyFails' } },
  DELETING: { duration: 'deleteDurationMs', to: undefined },
};

/** Delete is refused while the model runs or works on something. */
const DELETE_REFUSED = new Set<ModelStatus>(['RUNNING', 'STARTING', 'STOPPING', 'TRAINING_IN_PROGRESS', 'COPYING_IN_PROGRESS']);
/** Start accepts models that are trained and idle, or whose last start failed. */
const STARTABLE = new Set<ModelStatus>(['TRAINING_COMPLETED', 'STOPPED', 'FAILED', 'COPYING_COMPLETED']);
/** Start on a model that is busy is refused as in use; on one that can never run, as invalid. */
const START_BUSY = new Set<ModelStatus>(['RUNNING', 'STARTING', 'STOPPING', 'TRAINING_IN_PROGRESS', 'COPYING_IN_PROGRESS', 'DELETING']);

interface Model {
  readonly arn: string;
  readonly parts: VersionArnParts;
  readonly options: ModelOptions;
  readonly durations: ModelDurations;
  /** Order of addition: Describe lists newest first and pages by it. */
  status: ModelStatus;
  minInferenceUnits?: number;
  maxInferenceUnits?: number;
  /** Keyed case-sensitively, in the order keys were first added. A Map, so `__proto__` is a key like any other. */
  readonly tags: Map<string, string>;
  pending?: { readonly to: ModelStatus | undefined; readonly dueAt: number; readonly timer: NodeJS.Timeout };
}

/** The models of every region, keyed by version ARN. */
export class ModelStore {
  private readonly models = new Map<string, Model>();
  private closed = false;

  constructor(
    private readonly clock: () => number,
    private readonly onTransition: (event: TransitionEvent) => void,
    private switches: ModelSwitches,
    private durations: ModelDurations,
  ) {}

  /** Changes the undocumented behaviours for calls from now on. */
  setSwitches(switches: Partial<ModelSwitches>): void {
    this.switches = { ...this.switches, ...definedOnly(switches) };
  }

  /** Changes the durations of models added from now on. */
  setDefaultDurations(durations: Partial<ModelDurations>): void {
    this.durations = { ...this.durations, ...definedOnly(durations) };
  }

  add(arn: string, options: ModelOptions): void {
    if (this.closed) throw new Error('The simulator is closed');
    if (arn.length < 20 || arn.length > 2048 || !PROJECT_VERSION_ARN_PATTERN.test(arn)) {
      throw new Error(`Not a model version ARN Rekognition would accept: ${arn}`);
    }
    if (!MODEL_STATUSES.includes(options.status)) {
      throw new Error(`Unknown model status: ${options.status}`);
    }
    if (this.models.has(arn)) {
      throw new Error(`A model with this ARN already exists: ${arn}`);
    }
    const tags = options.tags ?? {};
    const problems = tagMapViolations(tags);
    if (problems.length > 0) {
      throw new Error(`Tags TagResource would refuse: ${problems.join('; ')}`);
    }
    if (Object.keys(tags).length > TAGS_PER_MODEL_MAX) {
      throw new Error(`A model may hold at most ${TAGS_PER_MODEL_MAX} tags, got ${Object.keys(tags).length}`);
    }
    const parts = versionArnParts(arn);
    const model: Model = {
      arn,
      parts,
      options,
      durations: { ...this.durations, ...definedOnly(pickDurations(options)) },
      status: options.status,
      tags: new Map(Object.entries(tags)),
    };
    if (options.status === 'RUNNING' || options.status === 'STARTING') {
      model.minInferenceUnits = options.minInferenceUnits ?? 1;
    }
    this.models.set(arn, model);
    this.schedule(model);
  }

  status(arn: string): ModelStatus | undefined {
    return this.models.get(arn)?.status;
  }

  /** The model's tags, whatever region asks; undefined when there is no such model. */
  tags(arn: string): Readonly<Record<string, string>> | undefined {
    const model = this.models.get(arn);
    return model ? Object.freeze(Object.fromEntries(model.tags)) : undefined;
  }

  summaries(): ModelSummary[] {
    return [...this.models.values()].map((m) => ({
      arn: m.arn,
      region: m.parts.region,
      projectName: m.parts.projectName,
      versionName: m.parts.versionName,
      status: m.status,
      ...(m.pending ? { pending: { to: m.pending.to, dueAt: m.pending.dueAt } } : {}),
    }));
  }

  /** StopProjectVersion: returns the Status to answer, or throws the error to answer. */
  stop(arn: string, region: string): ModelStatus {
    const model = this.find(arn, region);
    switch (model.status) {
      case 'RUNNING':
        this.transition(model, 'STOPPING', 'StopProjectVersion');
        return 'STOPPING';
      case 'STOPPING':
        return 'STOPPING';
      case 'STARTING':
        if (this.switches.stopWhenStarting === 'stops') {
          this.transition(model, 'STOPPING', 'StopProjectVersion');
          return 'STOPPING';
        }
        return this.stopNotRunning(model);
      default:
        return this.stopNotRunning(model);
    }
  }

  /** DeleteProjectVersion: returns the Status to answer, or throws the error to answer. */
  delete(arn: string, region: string): ModelStatus {
    const model = this.find(arn, region);
    if (DELETE_REFUSED.has(model.status)) {
      throw new ServiceError('ResourceInUseException', `Cannot delete the model version while its status is ${model.status}.`);
    }
    if (model.status === 'DELETING') {
      switch (this.switches.deleteWhenDeleting) {
        case 'ResourceInUseException':
          throw new ServiceError('ResourceInUseException', 'The model version is already being deleted.');
        case 'ResourceNotFoundException':
          throw notFound();
        default:
          return 'DELETING';
      }
    }
    this.transition(model, 'DELETING', 'DeleteProjectVersion');
    return 'DELETING';
  }

  /** StartProjectVersion: returns the Status to answer, or throws the error to answer. */
  start(arn: string, region: string, minInferenceUnits: number, maxInferenceUnits?: number): ModelStatus {
    const model = this.find(arn, region);
    if (START_BUSY.has(model.status)) {
      throw new ServiceError('ResourceInUseException', `Cannot start the model version while its status is ${model.status}.`);
    }
    if (!STARTABLE.has(model.status)) {
      throw new ServiceError('InvalidParameterException', `A model version with status ${model.status} cannot be started.`);
    }
    model.minInferenceUnits = minInferenceUnits;
    model.maxInferenceUnits = maxInferenceUnits;
    this.transition(model, 'STARTING', 'StartProjectVersion');
    return 'STARTING';
  }

  // The tag operations act on a model in any status. A DELETING model still exists (Describe lists
  // it) and AWS answers for a resource until it is gone, so it is tagged like any other; its tags
  // go with it when the deletion completes.

  /**
   * TagResource: sets each tag, overwriting the value of a key the model has. All or nothing: tags
   * that would leave the model with more than {@link TAGS_PER_MODEL_MAX} change nothing.
   */
  tag(arn: string, region: string, tags: Readonly<Record<string, string>>): void {
    const model = this.find(arn, region);
    const entries = Object.entries(tags);
    const total = model.tags.size + entries.filter(([key]) => !model.tags.has(key)).length;
    if (total > TAGS_PER_MODEL_MAX) {
      throw new ServiceError(
        'ServiceQuotaExceededException',
        `The resource would have ${total} tags; a resource can have at most ${TAGS_PER_MODEL_MAX}.`,
      );
    }
    for (const [key, value] of entries) model.tags.set(key, value);
  }

  /** UntagResource: removes the keys the model has; a key it does not have is no error. */
  untag(arn: string, region: string, keys: readonly string[]): void {
    const model = this.find(arn, region);
    for (const key of keys) model.tags.delete(key);
  }

  /** ListTagsForResource: every tag of the model, `{}` when it has none. */
  listTags(arn: string, region: string): Record<string, string> {
    return Object.fromEntries(this.find(arn, region).tags);
  }

  /** Cancels every pending transition; the store answers nothing afterwards. */
  close(): void {
    this.closed = true;
    for (const model of this.models.values()) {
      if (model.pending) clearTimeout(model.pending.timer);
      model.pending = undefined;
    }
  }

  private stopNotRunning(model: Model): ModelStatus {
    switch (this.switches.stopWhenNotRunning) {
      case 'status':
        return model.status;
      case 'InvalidParameterException':
        throw new ServiceError('InvalidParameterException', `The model version is not running (status ${model.status}).`);
      default:
        throw new ServiceError('ResourceInUseException', `The model version is not running (status ${model.status}).`);
    }
  }

  /** The model the caller can see: it exists and lives in the region the call was signed for. */
  private find(arn: string, region: string): Model {
    const model = this.models.get(arn);
    if (!model || model.parts.region !== region) {
      throw notFound();
    }
    return model;
  }

  /** Moves the model to `to` (undefined = gone), reports it, and arms the next timed transition. */
  private transition(model: Model, to: ModelStatus | undefined, cause: TransitionEvent['cause']): void {
    if (model.pending) clearTimeout(model.pending.timer);
    model.pending = undefined;
    const from = model.status;
    if (to === undefined) {
      this.models.delete(model.arn);
    } else {
      model.status = to;
      if (to === 'STOPPED' || to === 'FAILED') {
        model.minInferenceUnits = undefined;
        model.maxInferenceUnits = undefined;
      }
      this.schedule(model);
    }
    this.onTransition({ arn: model.arn, from, to, at: this.clock(), cause });
  }

  private schedule(model: Model): void {
    const timed = TIMED[model.status];
    if (!timed || this.closed) return;
    const fails = timed.failure !== undefined && model.options[timed.failure.when] === true;
    const to = fails ? timed.failure!.to : timed.to;
    const delay = model.durations[timed.duration];
    const timer = setTimeout(() => this.transition(model, to, 'timer'), delay);
    // The simulator must never keep a test run (or a demo that finished) alive.
    timer.unref();
    model.pending = { to, dueAt: this.clock() + delay, timer };
  }
}

function notFound(): ServiceError {
  return new ServiceError('ResourceNotFoundException', 'The resource specified in the request cannot be found.');
}

function pickDurations(options: ModelOptions): Partial<ModelDurations> {
  const { stopDurationMs, startDurationMs, trainingDurationMs, copyDurationMs, deleteDurationMs } = options;
  return { stopDurationMs, startDurationMs, trainingDurationMs, copyDurationMs, deleteDurationMs };
}

/** Drops undefined members, so spreading a partial never overwrites a value with undefined. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
