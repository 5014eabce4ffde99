// One line of doctor's report: what was checked, how it stands, and what to do about it.
export type Level = 'ok' | 'warn' | 'fail';

export interface Check {
  readonly item: string;
  readonly level: Level;
  readonly text: string;
}

export function check(item: string, level: Level, text: string): Check {
  return { item, level, text };
}
