export * from './compare';
export * from './conformance';
export * from './leak';
export * from './grad_check';
export * from './readme';
