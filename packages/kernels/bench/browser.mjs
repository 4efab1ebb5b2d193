/* global window */
// Headless runner of bench/browser/page.ts: bundles it with esbuild, serves it, runs it in Debian's
// Chromium with SwiftShader's WebGPU adapter and prints ms per forward + backward.
// Usage: cd packages/kernels && node bench/browser.mjs
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// playwright-core is test-utils' dependency (the browser helpers' home)
const require = createRequire(new URL('../../../tooling/test-utils/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const dir = mkdtempSync(join(tmpdir(), 'basiskit-bench-webgpu-'));
await build({
  entryPoints: [fileURLToPath(new URL('./browser/page.ts', import.meta.url))],
  bundle: true,
  format: 'esm',
  outfile: join(dir, 'page.js'),
  logLevel: 'error',
});
writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="page.js"></script>');
const server = createServer((req, res) => {
  const file = req.url === '/' ? 'index.html' : req.url.slice(1);
  let body;
  try {
    body = readFileSync(join(dir, file));
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body);
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const profile = mkdtempSync(join(tmpdir(), 'basiskit-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  ignoreDefaultArgs: ['--headless'],
  args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
});
try {
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: 600_000 });
  const rows = await page.evaluate(() => window.__bench);
  if (typeof rows === 'string') throw new Error(rows);
  console.log('WebGPU (SwiftShader), ms per step ([8, 197, 768] forward + backward unless the name says otherwise)');
  for (const [name, ms] of rows) console.log(`${name.padEnd(36)} ${ms.toFixed(1)}`);
} finally {
  await context.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
