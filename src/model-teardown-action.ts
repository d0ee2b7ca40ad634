/**
 * What the teardown does to the model when its resource is deleted (stack delete, removal of the
 * construct, or replacement by a new model ARN).
 */
export enum ModelTeardownAction {
  /**
   * Stop the model if it runs, wait while it is stopping, then delete the model version and wait
   * until it is gone, so that a project in the same stack can be deleted after it.
   */
  DELETE = 'DELETE',

  /**
   * Only stop the model, so it no longer bills, and keep the trained version. The role is granted
   * `rekognition:StopProjectVersion` only. The version stays, so a project in the same stack
   * cannot be deleted.
   */
  STOP = 'STOP',
}
