// The global setup's results, in a test file.
import { inject } from 'vitest';
import type { PublishedContext } from './helpers';

export function context(): PublishedContext {
  return inject('published');
}
