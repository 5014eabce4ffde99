// A string-slice flag's value as pflag splits it (spf13/pflag string_slice.go readAsCSV: one
// record of Go's encoding/csv, default options): `-c a.yml,b.yml` is two files, `"a,b.yml"` one.
import { SdockerError, EXIT_USAGE } from '../common/errors.js';

export function readCsv(value: string, flag: string): string[] {
  if (value === '') return [];
  // Go's reader returns the first record only; a line break would hide files from one reading or the other.
  if (/[\r\n]/.test(value)) throw bad(flag, value, 'holds a line break');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (value[i] === '"') {
      i += 1;
      for (;;) {
        const quote = value.indexOf('"', i);
        if (quote === -1) throw bad(flag, value, 'has an unclosed quote');
        field += value.slice(i, quote);
        i = quote + 1;
        if (value[i] !== '"') break;
        field += '"';
        i += 1;
      }
      if (i < value.length && value[i] !== ',') throw bad(flag, value, 'has text after a closing quote');
    } else {
      const comma = value.indexOf(',', i);
      field = value.slice(i, comma === -1 ? undefined : comma);
      if (field.includes('"')) throw bad(flag, value, 'has a quote inside a field');
      i += field.length;
    }
    fields.push(field);
    if (i >= value.length) return fields;
    i += 1;
  }
}

function bad(flag: string, value: string, why: string): SdockerError {
  return new SdockerError(`sdocker: ${flag} '${value}' ${why}; docker reads it as CSV: write one file per ${flag}`, EXIT_USAGE);
}

/** One file as a -c value pflag reads back as that file alone. */
export function csvField(value: string): string {
  return /[",]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
