// CIS 4.7 "update instructions are not used alone": a RUN that refreshes the package index
// without installing anything is a layer the builder caches; a later `RUN apt-get install` then
// reuses the stale index (and fails once the mirror drops the versions it names). The check
// reads each RUN's own command, split into simple commands, and asks what the package manager
// was told to do. docker-bench-security's 4.7 (ff26d67 tests/4_container_images.sh) greps the
// truncated `docker history` table (45 characters of CREATED BY) for "update": it flags
// `apt-get update && apt-get install` (the form CIS recommends), `update-ca-certificates` and
// `apk add --update`, and misses an update after the 45th character.
import type { Finding, ImageSnapshot } from '../types.js';
import { readStep, runCommand, shortText } from './image-history.js';

type Action = 'refresh' | 'upgrade' | 'install';

interface Manager {
  readonly refresh: readonly string[];
  /** Upgrade every installed package: fetches and installs, but from a layer the builder caches. */
  readonly upgrade: readonly string[];
  readonly install: readonly string[];
}

const APT: Manager = { refresh: ['update'], upgrade: ['upgrade', 'dist-upgrade', 'full-upgrade'], install: ['install', 'reinstall', 'build-dep'] };
// yum/dnf `update` is `upgrade` (it installs); their index refresh is makecache / check-update.
const YUM: Manager = { refresh: ['makecache', 'check-update'], upgrade: ['update', 'upgrade', 'update-minimal', 'distro-sync'], install: ['install', 'reinstall', 'groupinstall', 'localinstall'] };

const MANAGERS: Readonly<Record<string, Manager>> = {
  'apt-get': APT,
  apt: APT,
  aptitude: APT,
  apk: { refresh: ['update'], upgrade: ['upgrade'], install: ['add', 'fix'] },
  yum: YUM,
  dnf: YUM,
  microdnf: YUM,
  tdnf: YUM,
  zypper: { refresh: ['refresh', 'ref'], upgrade: ['update', 'up', 'dist-upgrade', 'dup', 'patch'], install: ['install', 'in'] },
};

/** The package-manager actions of one shell command line, each with the simple command it came from. */
export function packageActions(command: string): { action: Action; said: string }[] {
  const actions: { action: Action; said: string }[] = [];
  for (const simple of command.split(/&&|\|\||[;|&\n()]/)) {
    const words = simple.trim().split(/\s+/).filter((word) => word !== '');
    // Leading `VAR=value` assignments and sudo/env wrappers do not change the command.
    while (words.length > 0 && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '') || ['sudo', 'env', 'exec', 'command'].includes(words[0] ?? ''))) words.shift();
    const manager = MANAGERS[(words[0] ?? '').replace(/^.*\//, '')];
    if (manager === undefined) continue;
    const args = positionals(words.slice(1));
    const verb = args[0] ?? '';
    const action = actionOf(manager, verb, args.length > 1);
    if (action !== undefined) actions.push({ action, said: words.join(' ') });
  }
  return actions;
}

// Options whose value is the next word (apt-get -o, apk -X, yum --enablerepo ...): not a verb.
const VALUE_OPTIONS = new Set(['-o', '-c', '-t', '--option', '--config-file', '--target-release', '-X', '--repository', '-p', '--root', '--enablerepo', '--disablerepo', '--setopt', '--installroot', '-R']);

function positionals(words: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith('-')) found.push(word);
  }
  return found;
}

function actionOf(manager: Manager, verb: string, hasPackages: boolean): Action | undefined {
  if (manager.install.includes(verb)) return 'install';
  // `yum update nginx` / `apk upgrade musl` upgrade named packages: an install of those.
  if (manager.upgrade.includes(verb)) return hasPackages ? 'install' : 'upgrade';
  if (manager.refresh.includes(verb)) return 'refresh';
  return undefined;
}

const CHECK = 'image-update-only';
const CIS = '4.7';

export function updateOnlyFindings(image: ImageSnapshot): Finding[] {
  const target = { kind: 'image', name: image.ref } as const;
  const findings: Finding[] = [];
  image.history.forEach((entry, index) => {
    const step = readStep(entry);
    if (step.instruction !== 'RUN') return;
    const actions = packageActions(runCommand(step.text));
    if (actions.length === 0 || actions.some((a) => a.action === 'install')) return;
    const said = shortText(actions.map((a) => a.said).join(' && '), 80);
    const evidence = `history[${index}].CreatedBy runs ${JSON.stringify(said)} and installs nothing`;
    if (actions.some((a) => a.action === 'upgrade')) {
      findings.push({ target, check: CHECK, cis: CIS, result: 'info', evidence, message: 'a RUN upgrades packages on its own: the builder caches that layer, so rebuilds keep the old packages unless built with --no-cache --pull' });
    } else {
      findings.push({ target, check: CHECK, cis: CIS, result: 'warn', evidence, message: 'a RUN refreshes the package index and installs nothing: later installs use the cached, stale index; refresh and install in the same RUN' });
    }
  });
  if (findings.length > 0) return findings;
  return [{ target, check: CHECK, cis: CIS, result: 'pass', message: 'no RUN refreshes or upgrades packages without installing in the same step', evidence: `history: ${image.history.length} entries` }];
}
