// Files the image's package manager installed, from its own records inside the image, so that
// a file it installed unchanged is told from one the image's builder wrote:
// - dpkg: /var/lib/dpkg/info/PKG[:ARCH].md5sums, one "<md5>  <path>" line per file it unpacked
//   (dpkg-deb builds them from the package's DEBIAN/md5sums; conffiles are not in them, and files
//   a maintainer script generates at install time, such as ssh host keys or the snakeoil key,
//   are in no package's list);
// - apk: /lib/apk/db/installed (apk-tools' installed database: `P:` package, `F:` folder, `R:`
//   file, `Z:` "Q1" + base64 of the file's sha1), also at /usr/lib/apk/db/installed (apk-tools 3).
// rpm's database (Berkeley DB, sqlite or ndb) is not read: an rpm image's files are judged as
// any file is.

/** One installed file: its absolute path, the package, and `md5:<hex>` or `sha1:<hex>`. */
export type PackagedFile = readonly [path: string, pkg: string, digest: string];

export interface PackageRecords {
  readonly manager: 'dpkg' | 'apk';
  readonly files: readonly PackagedFile[];
}

const DPKG_MD5SUMS = /^\/var\/lib\/dpkg\/info\/([^/]+)\.md5sums$/;
const APK_INSTALLED = new Set(['/lib/apk/db/installed', '/usr/lib/apk/db/installed']);

/** Whether a path is a package database this file reads (the reader keeps more of such a file). */
export function isPackageDatabase(path: string): boolean {
  return DPKG_MD5SUMS.test(path) || APK_INSTALLED.has(path);
}

/** The installed files a package database file lists, or undefined when it is not one. */
export function packageRecords(path: string, content: Buffer): PackageRecords | undefined {
  const dpkg = DPKG_MD5SUMS.exec(path);
  if (dpkg !== null) return { manager: 'dpkg', files: md5sums((dpkg[1] ?? '').replace(/:[^:]*$/, ''), content.toString('utf8')) };
  if (APK_INSTALLED.has(path)) return { manager: 'apk', files: apkInstalled(content.toString('utf8')) };
  return undefined;
}

function md5sums(pkg: string, text: string): PackagedFile[] {
  const files: PackagedFile[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{32}) [ *](.+)$/.exec(line);
    if (m !== null) files.push([`/${(m[2] ?? '').replace(/^\/+/, '')}`, pkg, `md5:${m[1]}`]);
  }
  return files;
}

/** Records are separated by blank lines; within one, R: names a file of the last F: folder and its Z: follows it. */
function apkInstalled(text: string): PackagedFile[] {
  const files: PackagedFile[] = [];
  let pkg = '';
  let folder = '';
  let file: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '') [pkg, folder, file] = ['', '', undefined];
    const value = line.slice(2);
    if (line.startsWith('P:')) pkg = value;
    else if (line.startsWith('F:')) folder = value;
    else if (line.startsWith('R:')) file = `/${folder === '' ? '' : `${folder}/`}${value}`;
    else if (line.startsWith('Z:Q1') && file !== undefined && pkg !== '') {
      files.push([file, pkg, `sha1:${Buffer.from(value.slice(2), 'base64').toString('hex')}`]);
      file = undefined;
    }
  }
  return files;
}

export interface Owner {
  readonly manager: PackageRecords['manager'];
  readonly pkg: string;
}

/** Installed files by path, with the digest each was installed with. */
export class PackageIndex {
  private readonly byPath = new Map<string, { owner: Owner; digest: string }[]>();

  /**
   * `resolve` maps a listed path to where it is in the image (folders' symlinks followed); it is
   * asked once per folder (a Debian image lists ~20,000 files in ~2,000 folders).
   */
  constructor(records: readonly PackageRecords[], resolve: (path: string) => string = (path) => path) {
    const folders = new Map<string, string>();
    for (const { manager, files } of records) {
      for (const [path, pkg, digest] of files) {
        const slash = path.lastIndexOf('/');
        const folder = path.slice(0, slash) || '/';
        let real = folders.get(folder);
        if (real === undefined) folders.set(folder, (real = resolve(folder)));
        const at = `${real === '/' ? '' : real}${path.slice(slash)}`;
        const list = this.byPath.get(at) ?? [];
        list.push({ owner: { manager, pkg }, digest });
        this.byPath.set(at, list);
      }
    }
  }

  /** The package that installed this file with exactly these contents (one of its digests), if any. */
  owner(path: string, digests: readonly string[]): Owner | undefined {
    return this.byPath.get(path)?.find((entry) => digests.includes(entry.digest))?.owner;
  }

  get size(): number {
    return this.byPath.size;
  }
}
