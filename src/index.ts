export * from './custom-labels-model-lifecycle';
export * from './model-teardown-action';
