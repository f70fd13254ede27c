/**
 * `structure push`: a payload from a file (validated before anything is sent) or from a gather, sent to
 * update-structure — or, with --dry-run, compared with what the backend holds and not sent.
 */
import fs from 'node:fs/promises'

import type {BackendClient} from '../backend/client.js'
import {describeIssues, type StructurePayload, structurePayloadSchema, type UpdateStructureData} from '../backend/contract.js'
import {CliError, ExitCode} from '../errors.js'
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
      throw new CliError(`Cannot read the structure file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
        code: 'structure_file_unreadable',
        exitCode: ExitCode.usage,
        hint: 'Write one with `igny8 structure gather --output FILE`.',
      })
    }
  }

  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new CliError(`The structure in ${name} is not valid JSON: ${(error as Error).message}.`, {code: 'structure_invalid', exitCode: ExitCode.usage})
  }

  // `structure gather --json` adds the run's warnings; they are not part of the payload.
  if (json && typeof json === 'object' && !Array.isArray(json) && 'warnings' in json) {
    const {warnings: _warnings, ...rest} = json as Record<string, unknown>
    json = rest
  }

  const parsed = structurePayloadSchema.safeParse(json)
  if (!parsed.success) {
    throw new CliError(`Invalid structure in ${name}: ${describeIssues(parsed.error)}.`, {
      code: 'structure_invalid',
      exitCode: ExitCode.usage,
      hint: 'The file must be the update-structure body that `igny8 structure gather --output FILE` writes.',
    })
  }

  return parsed.data
}

export async function pushStructure(client: BackendClient, integrationId: number, payload: StructurePayload): Promise<PushResult> {
  const response = await client.updateStructure(integrationId, payload)
  return {integrationId, response, payload}
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
