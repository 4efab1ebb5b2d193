// Debian's Chromium (never a downloaded browser), started headless by playwright-core as root and
// without network: the launch the browser tests share (apps/e2e, tooling/published's smoke test).
// Imported as '@basiskit/test-utils/chromium' (playwright-core stays out of the other helpers).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Chromium's flags: new headless mode, no sandbox (root in a container), no GPU, no network of its own. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Options of {@link launchChromium}. */
export interface LaunchChromiumOptions {
  /** Who needs the browser, for the error when it is missing. Default 'the browser tests'. */
  who?: string;
  /** Milliseconds the launch may take. Default 60,000. */
  timeout?: number;
  /** Page size. Default playwright's (1280 x 720). */
  viewport?: { width: number; height: number };
  /** Whether downloads are accepted (page.waitForEvent('download')). Default false. */
  acceptDownloads?: boolean;
  /** Flags added to {@link CHROMIUM_ARGS}, e.g. {@link WEBGPU_ARGS}. Default none. */
  args?: readonly string[];
}

/**
 * Flags that give headless Chromium a WebGPU adapter without a GPU: SwiftShader's Vulkan
 * (`navigator.gpu.requestAdapter()` reports architecture 'swiftshader'; Debian's Chromium 156
 * needs only `--enable-unsafe-webgpu` for that, the adapter flag makes the choice explicit).
 */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] as const;

/** A running Chromium: its persistent context, and `close()`, which also removes its profile folder. */
export interface LaunchedChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** The error message when Chromium is not installed at {@link CHROMIUM} (undefined when it is). */
export function chromiumMissing(who = 'the browser tests'): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  return (
    `Chromium is not installed at ${CHROMIUM} (${who} need it). basiskit's browser tests use Debian's Chromium and never download a browser; ` +
    'install it with `apt-get update && apt-get install -y --no-install-recommends chromium` (.ci/run does this in CI).'
  );
}

/** Starts Debian's Chromium headless in a fresh profile folder; throws with the apt command when it is missing. */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<LaunchedChromium> {
  const missing = chromiumMissing(options.who);
  if (missing) throw new Error(missing);
  const userDataDir = mkdtempSync(join(tmpdir(), 'basiskit-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      ignoreDefaultArgs: ['--headless'],
      args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
      timeout: options.timeout ?? 60_000,
      ...(options.viewport ? { viewport: options.viewport } : {}),
      acceptDownloads: options.acceptDownloads ?? false,
    });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
