// One setting of a compose service as the docker option it amounts to, and where the file says it
// (settings.ts finds them; mount-settings.ts and network-settings.ts add their kinds).
import type { Violation } from '../../policy/violation.js';
import type { Path } from '../../yaml/index.js';

export interface Place {
  readonly path: Path;
  /** Where an inherited setting comes from, for the message; undefined for the service's own. */
  readonly origin: string | undefined;
  /** The setting in the file's words (`network_mode: host`), for the message (wording.ts). */
  readonly shown?: string;
  /** Written in a file merged beneath this one (ComposeProject beneath): that file's own judging reports it. */
  readonly layered?: boolean;
}

export type Setting = Place & ({ readonly flag: string; readonly value: string } | { readonly violation: Violation });
