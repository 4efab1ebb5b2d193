// The tarballs as npm would publish them: they pack, carry no `workspace:` ranges, and
// @arethetypeswrong/cli and publint find nothing wrong with them.
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, test } from 'vitest';
import { context } from './context';
import { attw } from './attw';
import { PACKAGES, describeRun } from './helpers';
import type { PackedPackage } from './helpers';

function packed(short: string): PackedPackage & { tgz: string; extracted: string } {
  const p = context().packages.find((q) => q.short === short)!;
  if (p.error || !p.tgz || !p.extracted) throw new Error(`${p.name} was not packed, so this check could not run:\n${p.error}`);
  return p as PackedPackage & { tgz: string; extracted: string };
}

describe.each(PACKAGES.map((short) => ({ short, name: `@basiskit/${short}` })))('tarball of $name', ({ short, name }) => {
  test(`pnpm pack packs ${name}`, () => {
    const p = context().packages.find((q) => q.short === short)!;
    expect(p.error, p.error).toBeUndefined();
    expect(p.manifest?.name).toBe(name);
  });

  test(`${name}: the packed package.json has no workspace: ranges`, () => {
    const m = packed(short).manifest!;
    const left: string[] = [];
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
      for (const [dep, range] of Object.entries((m[field] ?? {}) as Record<string, string>)) {
        if (String(range).startsWith('workspace:')) left.push(`${field}.${dep}: ${range}`);
      }
    }
    expect(left, `ranges pnpm pack did not rewrite:\n${left.join('\n')}`).toEqual([]);
  });

  test(`${name}: attw (node16 profile) reports no problems`, async () => {
    const { tgz } = packed(short);
    const { problems, run: r } = await attw(tgz);
    expect(problems, `attw found ${problems.length} problem(s) in ${name}:\n${problems.join('\n')}`).toEqual([]);
    expect(r.code, describeRun(`attw ${tgz}`, r)).toBe(0);
  }, 120_000);

  test(`${name}: publint reports no errors or warnings`, async () => {
    const { extracted } = packed(short);
    const { messages, pkg } = await publint({ pkgDir: extracted, pack: false, level: 'suggestion' });
    const lines = messages.map((m) => `- ${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code} (${m.code})`);
    const bad = messages.filter((m) => m.type === 'error' || m.type === 'warning');
    expect(
      bad.map((m) => m.code),
      `publint on the packed ${name}: ${bad.length} error(s)/warning(s)\n${lines.join('\n')}`,
    ).toEqual([]);
  });
});
