import { libraryConfig } from '@basiskit/tsup-config';

export default libraryConfig({ entry: { index: 'src/index.ts', testing: 'src/testing.ts' } });
