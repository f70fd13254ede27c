/**
 * Output selection for the commands whose results are lists, as WP-CLI and gh do it: `--format
 * table|json|csv|tsv|yaml` prints the rows of the result (and nothing else on stdout), `--fields` picks
 * and orders their columns, and the TTY rule — with no --format, a command whose human output is tables
 * prints plain tab-separated rows without a header (no box drawing, no colour) when stdout is not a
 * terminal. Every serialisation is here: the box-drawn table, JSON, CSV (RFC 4180), TSV and YAML (a
 * list of flat mappings).
 */
import Table from 'cli-table3'
import {stripVTControlCharacters} from 'node:util'

import {usageError} from '../errors.js'
import {terminalWidth} from './progress.js'

export const FORMATS = ['table', 'json', 'csv', 'tsv', 'yaml'] as const
export type Format = (typeof FORMATS)[number]

/** One value of a row: numbers and booleans stay typed in JSON and YAML. */
export type Cell = boolean | number | string | null | undefined
export type Row = Readonly<Record<string, Cell>>

/** The rows, how, and which columns in which order. */
export interface RowsOutput {
  kind: 'rows'
  format: Format
  /** A header line (csv, tsv, table); the implicit TSV of a pipe has none, as gh prints none. */
  header: boolean
  fields: readonly string[]
}

/** The command's own report (or, under --json, its result document). */
export type OutputMode = RowsOutput | {kind: 'report'}

export interface OutputRequest {
  /** --format. */
  format?: Format
  /** --fields, as typed: `slug,count`. */
  fields?: string
  /** --json is given: the whole result document, which --format and --fields cannot shape. */
  json: boolean
  /** Every field of a row, in the default order. */
  valid: readonly string[]
  /** The human output is tables: with no --format, a pipe gets TSV rows instead (false: the report stays). */
  rowsInPipe: boolean
  /** Where the rows go (default process.stdout). */
  stdout?: {isTTY?: boolean}
}

/** Whether a person is reading: stdout is a terminal. */
export function isTerminal(stream: {isTTY?: boolean} = process.stdout): boolean {
  return Boolean(stream.isTTY)
}

/** Text for stdout without colour codes when stdout is not a terminal (chalk's level follows stderr). */
export function plainInPipe(text: string, stream: {isTTY?: boolean} = process.stdout): string {
  return isTerminal(stream) ? text : stripVTControlCharacters(text)
}

/**
 * What to print, decided before anything is sent (a bad --fields is exit 2 at once):
 * - --format → the rows in that format, with a header;
 * - no --format, stdout not a terminal, and tables for output (or --fields given) → TSV rows, no header;
 * - --fields alone on a terminal → a table of those columns;
 * - otherwise the command's report.
 */
export function chooseOutput(request: OutputRequest): OutputMode {
  if (request.json && (request.format !== undefined || request.fields !== undefined)) {
    throw usageError(
      `${request.format === undefined ? '--fields' : '--format'} cannot be used with --json: --json prints the whole result document, --format its rows.`,
      'Use --format json for the rows as a JSON array, or --json alone for the full result.',
    )
  }

  const fields = request.fields === undefined ? [...request.valid] : parseFields(request.fields, request.valid)
  if (request.format !== undefined) return {kind: 'rows', format: request.format, header: true, fields}
  if (request.json) return {kind: 'report'}
  const terminal = isTerminal(request.stdout)
  if (!terminal && (request.rowsInPipe || request.fields !== undefined)) return {kind: 'rows', format: 'tsv', header: false, fields}
  if (request.fields !== undefined) return {kind: 'rows', format: 'table', header: true, fields}
  return {kind: 'report'}
}

/** `slug, count` → the fields in that order (duplicates once); an unknown one is exit 2 naming the valid ones. */
export function parseFields(raw: string, valid: readonly string[]): string[] {
  const asked = raw
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean)
  if (asked.length === 0) throw usageError(`--fields needs at least one field: ${valid.join(', ')}.`, undefined, 'unknown_field')
  const unknown = asked.filter((field) => !valid.includes(field))
  if (unknown.length > 0) {
    const names = unknown.map((field) => `"${field}"`).join(', ')
    throw usageError(`Unknown ${unknown.length === 1 ? 'field' : 'fields'} ${names} for --fields: the fields are ${valid.join(', ')}.`, undefined, 'unknown_field')
  }

  return [...new Set(asked)]
}

/** The rows in the chosen format, without a final newline ('' when there is nothing to print: TSV without header, no rows). */
export function formatRows(rows: readonly Row[], output: Omit<RowsOutput, 'kind'>, options: {width?: number} = {}): string {
  const {fields, header} = output
  switch (output.format) {
    case 'json': {
      return JSON.stringify(
        rows.map((row) => Object.fromEntries(fields.map((field) => [field, row[field] ?? null]))),
        null,
        2,
      )
    }

    case 'yaml': {
      return toYaml(rows, fields)
    }

    case 'csv': {
      return lines([...(header ? [fields] : []), ...rows.map((row) => fields.map((field) => plainText(row[field])))].map((cells) => cells.map((cell) => csvCell(cell)).join(',')))
    }

    case 'tsv': {
      return lines([...(header ? [fields] : []), ...rows.map((row) => fields.map((field) => plainText(row[field])))].map((cells) => cells.map((cell) => tsvCell(cell)).join('\t')))
    }

    case 'table': {
      return table(rows, fields, options.width ?? terminalWidth())
    }
  }
}

const lines = (items: string[]): string => items.join('\n')

/** A value as text for csv and tsv: empty for none, `true`/`false`, numbers as JavaScript writes them. */
function plainText(value: Cell): string {
  return value === null || value === undefined ? '' : String(value)
}

/** RFC 4180: quoted when it holds a comma, a quote, a line break or edge spaces; quotes doubled. */
function csvCell(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** A TSV field cannot hold a tab or a line break: they are written \t, \n and \r, and a backslash \\. */
function tsvCell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\t', String.raw`\t`).replaceAll('\n', String.raw`\n`).replaceAll('\r', String.raw`\r`)
}

/**
 * Box-drawn, no colour (it may be piped), numbers right-aligned, booleans yes/no, nothing as `-`. Wider
 * than `width`, the widest columns are cut down and their text wrapped.
 */
function table(rows: readonly Row[], fields: readonly string[], width: number): string {
  const body = rows.map((row) => fields.map((field) => tableText(row[field])))
  const natural = fields.map((field, i) => Math.max(field.length, ...body.map((cells) => longestLine(cells[i]!))) + 2)
  const colWidths = fitColumns(natural, width - (fields.length + 1))
  const numeric = fields.map((field) => rows.length > 0 && rows.every((row) => row[field] === null || row[field] === undefined || typeof row[field] === 'number'))
  const fitted = colWidths.some((w, i) => w < natural[i]!)
  const out = new Table({
    head: [...fields],
    style: {head: [], border: [], 'padding-left': 1, 'padding-right': 1},
    colAligns: numeric.map((right) => (right ? 'right' : 'left')),
    ...(fitted ? {colWidths, wordWrap: true, wrapOnWordBoundary: true} : {}),
  })
  for (const cells of body) out.push(cells)
  return out.toString()
}

function tableText(value: Cell): string {
  if (value === null || value === undefined || value === '') return '-'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  // A tab would break the columns' alignment.
  return String(value).replaceAll('\t', ' ').replaceAll('\r', '')
}

const longestLine = (text: string): number => Math.max(...text.split('\n').map((line) => [...line].length))

/** Shrinks the widest columns (never below 8) until the sum fits `room`. */
function fitColumns(natural: readonly number[], room: number): number[] {
  const widths = [...natural]
  let excess = widths.reduce((sum, w) => sum + w, 0) - room
  while (excess > 0) {
    const widest = Math.max(...widths)
    if (widest <= 8) break
    const i = widths.indexOf(widest)
    const next = Math.max(8, ...widths.filter((w) => w < widest))
    const cut = Math.min(excess, widest - next || 1)
    widths[i] = widest - cut
    excess -= cut
  }

  return widths
}

/** A YAML sequence of flat mappings; `[]` when there are no rows. */
function toYaml(rows: readonly Row[], fields: readonly string[]): string {
  if (rows.length === 0) return '[]'
  return rows.map((row) => fields.map((field, i) => `${i === 0 ? '- ' : '  '}${yamlKey(field)}: ${yamlScalar(row[field])}`).join('\n')).join('\n')
}

const yamlKey = (key: string): string => (/^[A-Za-z_][\w-]*$/.test(key) ? key : yamlString(key))

export function yamlScalar(value: Cell): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan'
  return yamlString(value)
}

/** YAML 1.1 and 1.2 read these plain words as booleans or null. */
const RESERVED = /^(?:~|null|true|false|yes|no|on|off|y|n|<<|=)$/i
/** Printable characters a plain scalar may hold (no tabs, line breaks, controls, BOM or line separators). */
const PRINTABLE = /^[\u0020-\u007E\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]*$/

/** Plain when a YAML reader gives back the same string; otherwise double-quoted (JSON's escapes are YAML's). */
function yamlString(text: string): string {
  const plain =
    text !== '' &&
    PRINTABLE.test(text) &&
    !RESERVED.test(text) &&
    // Indicators that start something else: a sequence, a mapping, a comment, an anchor, a tag, a quote …
    !/^[-?:,[\]{}#&*!|>'"%@`\s]/.test(text) &&
    // Numbers, dates and times (YAML 1.1 reads 1:30 as a number, 2026-01-01 as a date).
    !/^[+.]?\d|^[-+]?\.(?:inf|nan)$/i.test(text) &&
    !/:\s|\s#|:$|\s$/.test(text)
  if (plain) return text
  return JSON.stringify(text).replaceAll(/[\u007F-\u009F\u2028\u2029\uFEFF]/g, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}
