export * from './custom-labels-model-lifecycle';
export * from './model-run-scheduler';
export * from './model-teardown-action';
