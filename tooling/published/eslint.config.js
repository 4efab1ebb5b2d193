import base from '@basiskit/eslint-config';

export default [
  ...base,
  {
    // consumers print their results; the global setup prints where the scratch project is
    files: ['fixtures/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // the browser page's modules run in Chromium
    files: ['fixtures/browser/**'],
    languageOptions: { globals: { window: 'readonly', console: 'readonly' } },
  },
];
