// Every service as compose will build it, for deciding what hardening is missing: the file's
// merge keys resolved (the yaml merged view), then `extends` followed through services of the
// same file and of other files, chains included, merged as compose merges (merge.ts). A key
// tagged `!reset` is absent from the result and one tagged `!override` replaces the base's
// (compose-go loader/reset.go; compose v1 cannot read these tags at all). A base service of
// the same file is taken as hardened (`settle`): what harden adds to it is inherited too.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ComposeDocument } from '../../yaml/index.js';
import { mergeServices } from './merge.js';

type Data = Record<string, unknown>;

interface LoadedFile {
  readonly services: Readonly<Record<string, unknown>>;
  readonly doc: ComposeDocument;
}

export class ServiceModels {
  private readonly files = new Map<string, LoadedFile>();
  private readonly settled = new Map<string, Data>();

  constructor(private readonly doc: ComposeDocument) {
    this.files.set(doc.file, { services: servicesOf(doc), doc });
  }

  /** The service of the main file as compose resolves it. */
  model(name: string): Data {
    return this.resolve(this.doc.file, name, []);
  }

  /** What a service of the main file will be once hardened: services extending it inherit that. */
  settle(name: string, data: Data): void {
    this.settled.set(`${this.doc.file}#${name}`, data);
  }

  /** The main file's services, each after the services of the same file it extends. */
  order(): string[] {
    const services = servicesOf(this.doc);
    const names = new Set(Object.keys(services));
    // Sets: a 1,000-service file asked `includes` a million times.
    const out = new Set<string>();
    const visit = (name: string, path: readonly string[]): void => {
      if (out.has(name) || path.includes(name)) return;
      const target = extendsTarget(services[name], this.doc.file);
      if (target?.file === this.doc.file && names.has(target.service)) visit(target.service, [...path, name]);
      out.add(name);
    };
    for (const name of names) visit(name, []);
    return [...out];
  }

  private load(file: string): LoadedFile | undefined {
    const known = this.files.get(file);
    if (known !== undefined) return known;
    try {
      const doc = new ComposeDocument(readFileSync(file, 'utf8'), file);
      const loaded = { services: servicesOf(doc), doc };
      this.files.set(file, loaded);
      return loaded;
    } catch {
      // An unreadable base is reported by the refusal checks (project.ts); here it adds nothing.
      return undefined;
    }
  }

  private resolve(file: string, name: string, chain: readonly string[]): Data {
    const key = `${file}#${name}`;
    const settled = this.settled.get(key);
    if (settled !== undefined) return settled;
    const loaded = this.load(file);
    const raw = loaded?.services[name];
    const own = isMapping(raw) ? { ...raw } : {};
    const tags = loaded?.doc.tags(['services', name]) ?? {};
    const reset = Object.keys(tags).filter((k) => tags[k] === '!reset');
    for (const k of reset) delete own[k];
    const target = extendsTarget(raw, file);
    delete own['extends'];
    if (target === undefined || chain.includes(key) || !isMapping(this.load(target.file)?.services[target.service])) return own;
    const base = { ...this.resolve(target.file, target.service, [...chain, key]) };
    for (const k of reset) delete base[k];
    return mergeServices(base, own, new Set(Object.keys(tags).filter((k) => tags[k] === '!override')));
  }
}

function isMapping(value: unknown): value is Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function servicesOf(doc: ComposeDocument): Readonly<Record<string, unknown>> {
  const services = doc.data['services'];
  return isMapping(services) ? services : {};
}

/** `extends: NAME` or `extends: {service, file}` (a file relative to the one that names it). */
function extendsTarget(service: unknown, file: string): { file: string; service: string } | undefined {
  const value = isMapping(service) ? service['extends'] : undefined;
  if (typeof value === 'string') return { file, service: value };
  if (!isMapping(value) || typeof value['service'] !== 'string') return undefined;
  return { file: typeof value['file'] === 'string' ? resolve(dirname(file), value['file']) : file, service: value['service'] };
}
