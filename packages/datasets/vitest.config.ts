import { basiskitVitestConfig } from '@basiskit/vitest-config';

export default basiskitVitestConfig();
