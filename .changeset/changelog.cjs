// Changelog lines for `changeset version`: @changesets/cli/changelog's format (the summary after
// the commit that added the changeset), with the commit linked to the repository. Offline: the
// commit comes from git, no GitHub API (unlike @changesets/changelog-github).
// Options (config.json): { "repo": "https://github.com/<owner>/<name>" }.

function commitLink(commit, options) {
  if (!commit) return '';
  const repo = options?.repo?.replace(/\/+$/, '');
  const short = commit.slice(0, 7);
  return repo ? `[${short}](${repo}/commit/${commit})` : short;
}

/** @type {import('@changesets/types').GetReleaseLine} */
async function getReleaseLine(changeset, _type, options) {
  const [firstLine, ...futureLines] = changeset.summary.split('\n').map((l) => l.trimEnd());
  const link = commitLink(changeset.commit, options);
  let line = `- ${link ? `${link}: ` : ''}${firstLine}`;
  if (futureLines.length > 0) line += `\n${futureLines.map((l) => `  ${l}`).join('\n')}`;
  return line;
}

/** @type {import('@changesets/types').GetDependencyReleaseLine} */
async function getDependencyReleaseLine(changesets, dependenciesUpdated, options) {
  if (dependenciesUpdated.length === 0) return '';
  const links = changesets.map((c) => commitLink(c.commit, options)).filter(Boolean);
  const head = `- Updated dependencies${links.length > 0 ? ` [${links.join(', ')}]` : ''}`;
  return [head, ...dependenciesUpdated.map((d) => `  - ${d.name}@${d.newVersion}`)].join('\n');
}

module.exports = { default: { getReleaseLine, getDependencyReleaseLine } };
