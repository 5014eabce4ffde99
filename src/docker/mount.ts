// `--mount` as the docker CLI reads it (docker/cli opts/mount.go MountOpt.Set, v28): one
// encoding/csv record, keys folded to lower case with Go's strings.ToLower (go-case.ts: `İ` is
// `i` there), the type's value too, other values as written; for a key given twice (or by two
// aliases: source/src) the last one wins.
import { goLower } from './go-case.js';
import { parseBool } from './parse.js';

export interface MountFields {
  /** Lower-cased, as the CLI sends it; `volume` when not given. */
  readonly type: string;
  readonly source: string | undefined;
  readonly target: string;
  readonly readOnly: boolean;
  /** `volume-opt` keys and values, as written (the local driver reads them case-sensitively). */
  readonly volumeOpts: ReadonlyMap<string, string>;
  readonly volumeDriver: string | undefined;
  /** `bind-recursive=writable` keeps the mounts below a read-only bind writable (docker >= 25). */
  readonly recursiveWritable: boolean;
}

const SOURCE = new Set(['source', 'src']);
const TARGET = new Set(['target', 'dst', 'destination']);

export function readMount(text: string): MountFields {
  let type = 'volume';
  let source: string | undefined;
  let target = '';
  let readOnly = false;
  let volumeDriver: string | undefined;
  let recursiveWritable = false;
  const volumeOpts = new Map<string, string>();
  for (const field of csvRecord(text)) {
    const eq = field.indexOf('=');
    // docker 28 errors on a key with spaces; trimming only ever makes sdocker see more.
    const key = goLower((eq === -1 ? field : field.slice(0, eq)).trim());
    const value = eq === -1 ? '' : field.slice(eq + 1);
    if (key === 'type') type = goLower(value);
    else if (SOURCE.has(key)) source = value;
    else if (TARGET.has(key)) target = value;
    // A bare `readonly`, or strconv.ParseBool of its value; a value it rejects is docker's error.
    else if (key === 'readonly' || key === 'ro') readOnly = eq === -1 || parseBool(value) === true;
    else if (key === 'volume-driver') volumeDriver = value;
    // Values of bind-recursive are matched exactly (`WRITABLE` is an error there).
    else if (key === 'bind-recursive') recursiveWritable = value === 'writable';
    else if (key === 'volume-opt') {
      const inner = value.indexOf('=');
      const name = inner === -1 ? value : value.slice(0, inner);
      if (name !== '') volumeOpts.set(name, inner === -1 ? '' : value.slice(inner + 1));
    }
  }
  return { type, source, target, readOnly, volumeOpts, volumeDriver, recursiveWritable };
}

/**
 * The fields of the first record, as Go's encoding/csv Reader.Read returns them: lines that
 * are empty are skipped, a record ends at an unquoted newline (`\r\n` counts as `\n`), and a
 * field that starts with `"` is quoted (`""` is a quote inside it). The CLI reads that one
 * record: `type=bind,source=/\n,source=/home/me` binds `/` (measured on docker 28.2).
 * Input Go rejects (a quote inside an unquoted field) makes docker fail; any reading will do there.
 */
export function csvRecord(text: string): string[] {
  const normal = text.replaceAll('\r\n', '\n');
  let i = 0;
  while (normal[i] === '\n') i += 1;
  const fields: string[] = [];
  for (;;) {
    let field = '';
    if (normal[i] === '"') {
      i += 1;
      while (i < normal.length) {
        if (normal[i] === '"' && normal[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (normal[i] === '"') {
          i += 1;
          break;
        } else {
          field += normal[i] as string;
          i += 1;
        }
      }
    }
    while (i < normal.length && normal[i] !== ',' && normal[i] !== '\n') {
      field += normal[i] as string;
      i += 1;
    }
    fields.push(field);
    if (normal[i] !== ',') return fields;
    i += 1;
  }
}
