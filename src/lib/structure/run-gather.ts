/**
 * One gather from command flags: resolve the inputs (flag > env > profile), make the HTTP client and read
 * the site. Shared by `structure gather`, `structure push` and the drift/round-trip checks.
 */
import type {Profile} from '../config/profile-store.js'

import {createHttp, type HttpSettings} from '../http/http-client.js'
import {type GatherFlagValues, type GatherInputContext, type GatherInputs, resolveGatherInputs} from './gather-inputs.js'
import {type GatherResult, gatherStructure} from './gather.js'

export interface RunGatherContext extends GatherInputContext {
  profile?: Profile
  http: HttpSettings
  /** Wraps the network part (a spinner). */
  around?: <R>(text: string, work: () => Promise<R>) => Promise<R>
}

export async function runGather(flags: GatherFlagValues, context: RunGatherContext): Promise<GatherResult> {
  return gatherWith(await resolveGatherInputs(flags, context), context)
}

/** One gather of inputs already resolved (`--site`: see ./gather-target.ts); `partial` as in GatherOptions. */
export async function gatherWith(inputs: GatherInputs, context: Pick<RunGatherContext, 'around' | 'http'>, options: {partial?: boolean} = {}): Promise<GatherResult> {
  const http = createHttp(context.http)
  const around = context.around ?? (<R>(_text: string, work: () => Promise<R>) => work())
  return around(`Reading the structure of ${inputs.siteUrl.host}`, () => gatherStructure({...inputs, http, partial: options.partial}))
}
