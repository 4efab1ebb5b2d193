// The README's examples run against the built package (turbo's test task builds first).
import { describeReadme } from '@basiskit/test-utils';

await describeReadme(import.meta.url);
