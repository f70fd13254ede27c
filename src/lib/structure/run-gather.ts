/**
 * One gather from command flags: resolve the inputs (flag > env > profile), make the HTTP client and read
 * the site. Shared by `structure gather`, `structure push` and the drift/round-trip checks.
 */
import type {Profile} from '../config/profile-store.js'
import {createHttp, type HttpSettings} from '../http/http-client.js'
import {gatherStructure, type GatherResult} from './gather.js'
import {type GatherFlagValues, type GatherInputContext, resolveGatherInputs} from './gather-inputs.js'

export interface RunGatherContext extends GatherInputContext {
  profile?: Profile
  http: HttpSettings
  /** Wraps the network part (a spinner). */
  around?: <R>(text: string, work: () => Promise<R>) => Promise<R>
}

export async function runGather(flags: GatherFlagValues, context: RunGatherContext): Promise<GatherResult> {
  const inputs = await resolveGatherInputs(flags, context)
  const http = createHttp(context.http)
  const around = context.around ?? (<R>(_text: string, work: () => Promise<R>) => work())
  return around(`Reading the structure of ${inputs.siteUrl.host}`, () => gatherStructure({...inputs, http}))
}
