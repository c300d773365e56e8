// `config = { key = value; ... }`: a script's settings, written as bpftrace (≥ 0.21) writes
// them. gotrace knows `missing_probes`: what a function spec that matches nothing in the
// binary does ("error", the default; "warn": a warning, and the spec is left out; "ignore":
// left out, said only under -v), so that one tool can cover functions that only some
// programs link in (an unused method is not in the binary).
import type * as ast from './ast.js';
import { diag } from './catalog/index.js';
import type { Diagnostic } from './diagnostics.js';
import type { IToken } from 'chevrotain';
import { join, type Span } from './source.js';
import * as T from './tokens.js';

export type MissingProbes = 'error' | 'warn' | 'ignore';

export interface ScriptConfig {
  missingProbes: MissingProbes;
}

interface Setting {
  choices: readonly string[];
  apply(c: ScriptConfig, value: string): void;
}

const SETTINGS: Readonly<Record<string, Setting>> = {
  missing_probes: {
    choices: ['error', 'warn', 'ignore'],
    apply: (c, v) => void (c.missingProbes = v as MissingProbes),
  },
};

/** A `config = { ... }` block's settings, from its key and value tokens (ast-builder.ts). */
export function configSettings(keys: IToken[], values: IToken[], at: (t: IToken) => Span): ast.ConfigSetting[] {
  return keys.flatMap((k, i) => {
    const v = values[i];
    if (!v) return [];
    const value = v.tokenType === T.StringLit ? String(v.payload ?? '') : v.tokenType === T.IntLit ? Number(v.image) : v.image;
    return [{ kind: 'ConfigSetting' as const, span: join(at(k), at(v)), key: k.image, value, valueSpan: at(v) }];
  });
}

const where = (s: Span) => {
  const pos = s.file.position(s.start);
  return `${s.file.name}:${pos.line}:${pos.col}`;
};

export const DEFAULT_CONFIG: Readonly<ScriptConfig> = { missingProbes: 'error' };

/** The script's settings (defaults for those it does not set), and what is wrong with them.
 *  A setting from an imported file is overridden by the importing script's. */
export function readConfig(program: ast.Program): { config: ScriptConfig; diagnostics: Diagnostic[] } {
  const config: ScriptConfig = { ...DEFAULT_CONFIG };
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, ast.ConfigSetting>();
  for (const s of program.config ?? []) {
    const setting = SETTINGS[s.key];
    if (!setting) {
      diagnostics.push(diag('GT2370', s.span, { key: s.key, known: Object.keys(SETTINGS).join(', ') }));
      continue;
    }
    const before = seen.get(s.key);
    if (before && before.span.file === s.span.file) diagnostics.push(diag('GT2372', s.span, { key: s.key, at: where(before.span) }));
    seen.set(s.key, s);
    const value = String(s.value);
    if (!setting.choices.includes(value)) {
      const choices = setting.choices.map((c) => `"${c}"`).join(', ');
      diagnostics.push(diag('GT2371', s.valueSpan, { key: s.key, choices, value: JSON.stringify(value) }));
      continue;
    }
    setting.apply(config, value);
  }
  return { config, diagnostics };
}
