// The output formats by name (-f NAME). The CLI's -f check and its help text are made from this
// table; a new format is one row and one file.
import { jsonPrinter } from './json.js';
import type { Printer, PrinterKind, PrinterSinks } from './printer.js';
import { textPrinter } from './text.js';

export type { Printer, PrinterKind, PrinterSinks, Sink, NamedMap, EffectKind } from './printer.js';

export const PRINTERS: Readonly<Record<string, PrinterKind>> = {
  text: textPrinter,
  json: jsonPrinter,
};

export const DEFAULT_FORMAT = 'text';

export function printerNames(): string[] {
  return Object.keys(PRINTERS);
}

export function isFormat(name: string): boolean {
  return Object.hasOwn(PRINTERS, name);
}

/** The printer for a format name already checked with isFormat. */
export function createPrinter(name: string, sinks: PrinterSinks): Printer {
  return PRINTERS[name].create(sinks);
}
