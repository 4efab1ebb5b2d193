// @arethetypeswrong/cli on a tarball, its problems as readable lines.
import { join } from 'node:path';
import { describeRun, packageRoot, run } from './helpers';
import type { RunResult } from './helpers';

const ATTW = join(packageRoot, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

/** attw's names for its problem kinds (the CLI's table headings). */
const ATTW_TITLES: Record<string, string> = {
  NoResolution: 'Resolution failed',
  UntypedResolution: 'Could not find types',
  FalseCJS: 'Masquerading as CJS',
  FalseESM: 'Masquerading as ESM',
  CJSResolvesToESM: 'ESM (dynamic import only)',
  FallbackCondition: 'Used fallback condition',
  CJSOnlyExportsDefault: 'CJS default export',
  NamedExports: 'Missing named exports',
  FalseExportDefault: 'Incorrect default export',
  MissingExportEquals: 'Missing `export =`',
  UnexpectedModuleSyntax: 'Unexpected module syntax',
  InternalResolutionError: 'Internal resolution error',
};

/** attw's `node16` profile: every resolution mode but node10 (moduleResolution: node). */
const IGNORED_RESOLUTIONS = ['node10'];

function describeAttwProblem(p: Record<string, any>): string {
  const title = ATTW_TITLES[p.kind] ?? p.kind;
  const where = [
    p.entrypoint && `entrypoint ${p.entrypoint}`,
    p.resolutionKind && `resolution ${p.resolutionKind}`,
    p.typesFileName && `types ${p.typesFileName.replace(/^\/node_modules\//, '')}`,
    p.implementationFileName && `implementation ${p.implementationFileName.replace(/^\/node_modules\//, '')}`,
    p.fileName && `file ${p.fileName.replace(/^\/node_modules\//, '')}`,
    p.missing && `missing ${JSON.stringify(p.missing)}`,
    p.error && `error ${p.error}`,
  ].filter(Boolean);
  return `- ${title} (${p.kind})${where.length ? `: ${where.join(', ')}` : ''}\n  https://github.com/arethetypeswrong/arethetypeswrong.github.io/blob/main/docs/problems/${p.kind}.md`;
}

/**
 * Runs `attw <tgz> --format json --profile node16`; returns the problems outside the profile's
 * ignored resolutions (as the CLI's exit code counts them), one line each with attw's name.
 */
export async function attw(tgz: string): Promise<{ problems: string[]; run: RunResult }> {
  const r = await run(process.execPath, [ATTW, tgz, '--format', 'json', '--profile', 'node16'], { cwd: packageRoot, timeoutMs: 90_000 });
  let analysis: { problems?: Record<string, any>[] };
  try {
    analysis = (JSON.parse(r.stdout) as { analysis: { problems?: Record<string, any>[] } }).analysis;
  } catch {
    throw new Error(describeRun(`attw ${tgz}`, r));
  }
  const problems = (analysis.problems ?? []).filter((p) => !('resolutionKind' in p) || !IGNORED_RESOLUTIONS.includes(p.resolutionKind));
  return { problems: problems.map(describeAttwProblem), run: r };
}
