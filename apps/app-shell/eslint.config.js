import base from '@basiskit/eslint-config';

export default [...base, { ignores: ['dist/**'] }];
