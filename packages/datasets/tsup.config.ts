import { libraryConfig } from '@basiskit/tsup-config';

export default libraryConfig();
