export * from './functions';
export * from './modules';
