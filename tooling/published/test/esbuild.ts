// esbuild for the browser, as an app would bundle the installed packages: platform browser
// (the `browser` export condition and package.json `browser` fields), ESM, everything bundled
// (tfjs included). Failures are returned, not thrown, with Node built-ins told apart.
import { isBuiltin } from 'node:module';
import * as esbuild from 'esbuild';

export interface BundleResult {
  ok: boolean;
  /** errors other than Node built-ins that could not be resolved */
  errors: string[];
  /** `importer imports "fs"` for each Node built-in the bundle would need */
  builtins: string[];
  warnings: string[];
  metafile?: esbuild.Metafile;
}

export function formatMessage(m: esbuild.Message): string {
  const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '';
  const notes = m.notes.map((n) => `\n    note: ${n.text}`).join('');
  return `${at}${m.text}${notes}`;
}

/** The Node built-in a "Could not resolve" error is about, if it is one. */
function builtinOf(m: esbuild.Message): string | undefined {
  const spec = /^Could not resolve "([^"]+)"/.exec(m.text)?.[1];
  return spec !== undefined && isBuiltin(spec) ? spec : undefined;
}

export async function bundleForBrowser(options: { absWorkingDir: string; entryPoints: string[]; outdir: string; splitting?: boolean }): Promise<BundleResult> {
  const classify = (errors: esbuild.Message[], warnings: esbuild.Message[], metafile?: esbuild.Metafile): BundleResult => {
    const builtins: string[] = [];
    const other: string[] = [];
    for (const e of errors) {
      const b = builtinOf(e);
      if (b !== undefined) builtins.push(`${e.location?.file ?? '?'}:${e.location?.line ?? '?'} imports "${b}"`);
      else other.push(formatMessage(e));
    }
    // imports esbuild left in the output (none is external here, but check anyway)
    for (const [file, input] of Object.entries(metafile?.inputs ?? {})) {
      for (const imp of input.imports) if (imp.external && isBuiltin(imp.path)) builtins.push(`${file} imports "${imp.path}" (left external)`);
    }
    return { ok: errors.length === 0, errors: other, builtins, warnings: warnings.map(formatMessage), metafile };
  };
  try {
    const r = await esbuild.build({
      absWorkingDir: options.absWorkingDir,
      entryPoints: options.entryPoints,
      outdir: options.outdir,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      splitting: options.splitting ?? false,
      metafile: true,
      write: true,
      logLevel: 'silent',
    });
    return classify(r.errors, r.warnings, r.metafile);
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    if (Array.isArray(failure.errors)) return classify(failure.errors, failure.warnings ?? []);
    return { ok: false, errors: [String((e as Error).stack ?? e)], builtins: [], warnings: [] };
  }
}
