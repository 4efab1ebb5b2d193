export { default } from '@basiskit/eslint-config';
