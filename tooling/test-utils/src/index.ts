export * from './compare';
export * from './conformance';
export * from './leak';
export * from './readme';
export * from './module_grads';
