// Says whether a package.json dependency spec is a bounded semver range from the registry.
// Refused, with the reason: git, GitHub shorthand, URL, file: and link: specs (their content is
// not a registry version the lockfile can pin by integrity), dist-tags such as `latest`, and
// ranges with no upper bound (`*`, `x`, `>=1.0.0`), which accept any future major.
const PART = String.raw`(?:0|[1-9]\d*|[xX*])`;
const VERSION = String.raw`v?${PART}(?:\.${PART}){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?`;
const COMPARATOR = new RegExp(String.raw`^(\^|~>?|>=|<=|>|<|=)?(${VERSION})$`);

/** @returns {string | null} why the spec is refused, or null when it is a bounded registry range */
export function refuseSpec(spec) {
  if (spec.startsWith('npm:')) {
    const at = spec.lastIndexOf('@');
    return at > 4 ? refuseSpec(spec.slice(at + 1)) : 'an npm: alias without a version range';
  }
  if (/^(git\+|git:|github:|gitlab:|bitbucket:|gist:)|\.git(#|$)/.test(spec)) return 'a git dependency';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return 'a URL';
  if (/^(file|link|workspace|portal):/.test(spec) || /^(\.{0,2}\/|~\/)/.test(spec)) return 'a local path';
  if (/^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec)) return 'GitHub shorthand (a git dependency)';
  const sets = spec.split('||').map((s) => s.trim());
  for (const set of sets) {
    if (set === '') return 'an empty range (any version)';
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(set);
    const comparators = hyphen ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`] : set.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/);
    const parsed = comparators.map((c) => COMPARATOR.exec(c));
    if (parsed.some((p) => p === null)) return /^[A-Za-z][\w.-]*$/.test(spec) ? `a dist-tag ("${spec}")` : 'not a semver range';
    const bounded = parsed.some(([, op = '', version]) => {
      const wild = /^v?[xX*]/.test(version);
      if (op === '<' || op === '<=') return true;
      if (op === '>' || op === '>=') return false;
      return !wild; // exact, ^, ~ or a partial like 1.x: bounded unless the major itself is a wildcard
    });
    if (!bounded) return `a range with no upper bound ("${set}")`;
  }
  return null;
}
