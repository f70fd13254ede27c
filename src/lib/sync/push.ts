import type {z} from 'zod'

/**
 * `structure push`: a payload from a file (validated before anything is sent) or from a gather, sent to
 * update-structure — or, with --dry-run, compared with what the backend holds and not sent.
 */
import fs from 'node:fs/promises'

import type {BackendClient} from '../backend/client.js'

import {type StructurePayload, structurePayloadSchema, type UpdateStructureData} from '../backend/contract.js'
import {CliError, ExitCode, isCliError} from '../errors.js'
import {describeNetworkError} from '../http/network-error.js'
import {jsonSyntaxProblem} from '../input/json-error.js'
import {readStdin} from '../input/secret.js'
import {type DiffEntry, diffStructure, STRUCTURE_KINDS} from './diff.js'

export interface PushResult {
  integrationId: number
  response: UpdateStructureData
  payload: StructurePayload
}

export interface DryRunResult {
  integrationId: number
  dryRun: true
  payload: StructurePayload
  diff: DiffEntry[]
}

/** Reads a saved payload (a file, or `-` for stdin) and validates it with the contract's schema. */
export async function loadPayloadFile(file: string): Promise<StructurePayload> {
  const name = file === '-' ? 'stdin' : file
  let text: string
  if (file === '-') {
    text = await readStdin('the structure JSON')
  } else {
    try {
      text = await fs.readFile(file, 'utf8')
    } catch (error) {
      throw new CliError(`Cannot read the structure file ${file}: ${readProblem(error)}.`, {
        code: 'structure_file_unreadable',
        exitCode: ExitCode.usage,
        hint: 'Write one with `igny8 structure gather --output FILE`.',
      })
    }
  }

  let json: unknown
  // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse refuses.
  const source = text.replace(/^\uFEFF/, '')
  try {
    json = JSON.parse(source)
  } catch (error) {
    const problem = source.trim() === '' ? (file === '-' ? 'nothing but white space was read' : 'the file is empty') : jsonSyntaxProblem(source, error)
    throw new CliError(`The structure in ${name} is not valid JSON: ${problem}.`, {
      code: 'structure_invalid',
      exitCode: ExitCode.usage,
      hint: 'The file must be the update-structure body that `igny8 structure gather --output FILE` writes.',
    })
  }

  // `structure gather --json` adds the run's warnings; they are not part of the payload.
  if (json && typeof json === 'object' && !Array.isArray(json) && 'warnings' in json) {
    const {warnings: _warnings, ...rest} = json as Record<string, unknown>
    json = rest
  }

  // JSON.parse keeps a "__proto__" key as an own property, but validation and any later copy would drop it
  // silently (unchecked): refuse it instead.
  const protoPath = findProtoKey(json)
  if (protoPath) {
    throw new CliError(`Invalid structure in ${name}: ${protoPath}: "__proto__" is not accepted as a key.`, {code: 'structure_invalid', exitCode: ExitCode.usage})
  }

  const parsed = structurePayloadSchema.safeParse(json)
  if (!parsed.success) {
    throw new CliError(`Invalid structure in ${name}: ${describePayloadIssues(parsed.error)}.`, {
      code: 'structure_invalid',
      exitCode: ExitCode.usage,
      hint: 'The file must be the update-structure body that `igny8 structure gather --output FILE` writes.',
    })
  }

  const unsendable = unserializablePath(parsed.data)
  if (unsendable) {
    throw new CliError(`Invalid structure in ${name}: ${unsendable}: nested too deeply to be sent.`, {code: 'structure_invalid', exitCode: ExitCode.usage})
  }

  return parsed.data
}

/** Why a file could not be read, in words (one line): `no such file`, `permission denied` … */
function readProblem(error: unknown): string {
  const {code, message} = error as NodeJS.ErrnoException
  switch (code) {
    case 'ENOENT': {
      return 'no such file'
    }

    case 'EACCES':
    case 'EPERM': {
      return 'permission denied'
    }

    case 'EISDIR': {
      return 'it is a folder, not a file'
    }

    case 'ENOTDIR': {
      return 'a part of the path is not a folder'
    }

    default: {
      // eslint-disable-next-line no-control-regex -- one line: no control characters from the system's words
      return (code ?? String(message)).replaceAll(/[\u0000-\u001F\u007F\s]+/g, ' ').trim()
    }
  }
}

/** Whether `value` can be turned back into JSON (one nested thousands deep cannot). */
function fits(value: unknown): boolean {
  try {
    JSON.stringify(value)
    return true
  } catch {
    return false
  }
}

/** Extra fields pass validation as they are; one nested thousands deep cannot be turned back into JSON. */
function unserializablePath(payload: StructurePayload): string | undefined {
  if (fits(payload)) return undefined
  for (const [key, value] of Object.entries(payload)) {
    if (key !== 'post_types' && key !== 'taxonomies') {
      if (!fits(value)) return payloadPath([key])
      continue
    }

    for (const [slug, item] of Object.entries(value as Record<string, Record<string, unknown>>)) {
      for (const [field, inner] of Object.entries(item)) if (!fits(inner)) return payloadPath([key, slug, field])
    }
  }

  return '(top level)'
}

/** `post_types.product.count`; a key that is not a plain word is quoted (`post_types[" "]`); `(top level)` for none. */
export function payloadPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (typeof segment === 'string' && /^[\w-]+$/.test(segment)) out += out ? `.${segment}` : segment
    else out += `[${JSON.stringify(String(segment))}]`
  }

  return out || '(top level)'
}

/** Every issue with its field path (`post_types.product.count: …`, or `(top level): …`). */
function describePayloadIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((issue) => {
    const where = payloadPath(issue.path)
    // zod reports a bad record key with the record's own message ("expected an object keyed by …").
    const message = issue.code === 'invalid_key' ? 'not a WordPress slug (lowercase letters, digits, "-" and "_", at most 64)' : issue.message
    return `${where}: ${message}`
  })
  return lines.join('; ') + (error.issues.length > max ? ` (and ${error.issues.length - max} more)` : '')
}

/** Where a "__proto__" key sits in the levels whose keys validation copies: the top, the kinds, the items. */
function findProtoKey(value: unknown, at: string[] = []): string | undefined {
  if (!value || typeof value !== 'object' || at.length > 2) return undefined
  for (const [key, child] of Object.entries(value)) {
    if (key === '__proto__') return payloadPath([...at, key])
    const found = findProtoKey(child, [...at, key])
    if (found) return found
  }

  return undefined
}

export async function pushStructure(client: BackendClient, integrationId: number, payload: StructurePayload): Promise<PushResult> {
  try {
    const response = await client.updateStructure(integrationId, payload)
    return {integrationId, response, payload}
  } catch (error) {
    throw outcomeUnknown(error) ?? error
  }
}

/**
 * A push whose answer was lost (5xx, a dropped connection, a timeout, an unreadable 2xx) may have been
 * stored all the same: say so instead of letting "failed" read as "nothing changed".
 */
function outcomeUnknown(error: unknown): CliError | undefined {
  if (!isCliError(error)) return undefined
  const lost = describeNetworkError(error.cause, '')?.kind
  const unknown =
    error.code === 'backend_error' ||
    error.code === 'backend_timeout' ||
    error.code === 'unexpected_response' ||
    (error.code === 'backend_unreachable' && (lost === 'reset' || lost === 'timeout'))
  if (!unknown) return undefined
  const said = /[.!?]$/.test(error.message) ? error.message : `${error.message}.`
  return new CliError(`${said} Whether the backend stored the structure is unknown.`, {
    code: error.code,
    exitCode: error.exitCode,
    hint: 'Pushing again is safe (it replaces what is stored); `igny8 content-types show` shows what the backend holds now.',
    requestId: error.requestId,
    cause: error.cause,
  })
}

/**
 * The refusal of an incomplete gather (gather.ts `report.incomplete`): the push replaces what the backend
 * stores, so the collections that did not answer would be erased there.
 */
export function incompleteStructureError(host: string, incomplete: readonly string[]): CliError {
  return new CliError(
    `Not pushed: the structure read from ${host} is incomplete (${incomplete.join('; ')}). Pushing it would erase what IGNY8 stores for what is missing.`,
    {
      code: 'structure_incomplete',
      exitCode: ExitCode.wordpress,
      hint: 'Nothing was sent. Push again once WordPress answers every collection; `igny8 structure gather` shows what fails.',
    },
  )
}

export async function dryRunPush(client: BackendClient, integrationId: number, payload: StructurePayload): Promise<DryRunResult> {
  const stored = await client.contentTypes(integrationId)
  return {integrationId, dryRun: true, payload, diff: diffStructure({post_types: stored.post_types ?? {}, taxonomies: stored.taxonomies ?? {}}, payload)}
}

/** Counts the backend reports that do not match what was sent: worth a warning, never hidden. */
export function countMismatches(result: PushResult): string[] {
  const notes: string[] = []
  const expected = {post_types: Object.keys(result.payload.post_types).length, taxonomies: Object.keys(result.payload.taxonomies).length}
  const reported = {post_types: result.response.post_types_count, taxonomies: result.response.taxonomies_count}
  for (const kind of STRUCTURE_KINDS) {
    if (expected[kind] !== reported[kind]) notes.push(`the backend reports ${reported[kind]} ${kind.replace('_', ' ')} stored, but ${expected[kind]} were sent`)
  }

  return notes
}
