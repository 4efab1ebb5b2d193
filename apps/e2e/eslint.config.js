import base from '@basiskit/eslint-config';

export default [...base, { files: ['test/**'], rules: { 'no-console': 'off' } }];
