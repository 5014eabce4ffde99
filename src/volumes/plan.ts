// Which named volumes a run makes that its run user could not write: docker creates a new
// volume at the container's create and copies the image folder under it in, owner and mode
// included (moby daemon/volumes_unix.go populateVolumes; container CopyImagePathContent), and
// does so again at every create while the volume is empty. Over a root-owned image folder
// (nginx's /var/lib/nginx) the user sdocker injects cannot write it. sdocker gives such a
// volume's root folder to the run user between create and start (own.ts); only volumes that do
// not exist before the run, only under a user sdocker chose, and only the root folder.
import { namedVolumes } from '../docker/volumes.js';
import type { OptionView, RuleContext } from '../policy/context.js';
import { runUser } from '../policy/inject/user.js';

export interface NewVolume {
  readonly name: string;
  /** Where the container mounts it. */
  readonly target: string;
}

export interface VolumesToOwn {
  readonly volumes: readonly NewVolume[];
  /** The run user as the run sets it (`65534:65534`, or a name the image's /etc/passwd knows). */
  readonly user: string;
}

export function volumesToOwn(view: OptionView, ctx: RuleContext): VolumesToOwn | undefined {
  const { user, from } = runUser(view, ctx);
  if (from !== 'profile' || user === undefined) return undefined;
  const volumes = namedVolumes(view.values('volume'), view.values('mount'))
    .filter((v) => !v.readOnly && ctx.facts.volumes?.get(v.name) === false)
    .map(({ name, target }) => ({ name, target }));
  // Two mounts of one new volume: its root is given once, at the first.
  const unique = volumes.filter((v, i) => volumes.findIndex((o) => o.name === v.name) === i);
  return unique.length === 0 ? undefined : { volumes: unique, user };
}
