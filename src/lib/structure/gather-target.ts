/**
 * Which WordPress a single-site `structure gather` or `structure push` reads: --wp-url > IGNY8_WP_URL >
 * the WordPress URL of the `--site`'s integration > the profile's. When none is configured at all, the
 * WordPress URL of the configured integration is asked of the backend, so a CI job set up by the
 * environment alone (IGNY8_API_URL, IGNY8_API_KEY, IGNY8_INTEGRATION_ID) needs no --wp-url.
 */
import type {BackendContext} from '../connection/backend-context.js'

import {type ChosenSite, integrationTarget, requireWordPressUrl} from '../connection/site-target.js'
import {isCliError} from '../errors.js'
import {type GatherFlagValues, type GatherInputContext, type GatherInputs, resolveGatherInputs, resolveSiteGatherInputs} from './gather-inputs.js'

export interface WordPressTargetOptions {
  flags: GatherFlagValues
  context: GatherInputContext
  /** `--site`, resolved with connection/site-target.ts chooseSiteById(). */
  site?: ChosenSite
  /** Opens the backend (once): asked only when no WordPress URL is configured anywhere. */
  backend: () => Promise<BackendContext>
}

export interface WordPressTarget {
  inputs: GatherInputs
  /** Where the WordPress URL came from when the backend gave it: `integration 103 of site 3`. */
  origin?: string
}

export async function resolveWordPressTarget(options: WordPressTargetOptions): Promise<WordPressTarget> {
  const {context, flags, site} = options
  if (site) {
    const {target} = site
    const env = process.env.IGNY8_WP_URL || undefined
    if (flags['wp-url'] === undefined && env && target.wordpressUrl && env !== target.wordpressUrl) {
      context.notice(`IGNY8_WP_URL overrides the WordPress URL of site ${target.site.id} (${target.wordpressUrl}).`)
    }

    const named = flags['wp-url'] ?? env
    const url = named ?? requireWordPressUrl(target)
    return {
      inputs: await resolveSiteGatherInputs(flags, context, {url, own: site.own}, true),
      origin: named ? undefined : `integration ${target.integrationId} of site ${target.site.id}`,
    }
  }

  try {
    return {inputs: await resolveGatherInputs(flags, context)}
  } catch (error) {
    if (!isCliError(error) || error.code !== 'missing_wp_url') throw error
    const configured = await configuredIntegrationUrl(options.backend)
    if (!configured) throw error
    return {inputs: await resolveGatherInputs({...flags, 'wp-url': configured.url}, context), origin: `integration ${configured.integrationId}`}
  }
}

/** The WordPress URL of the integration the configuration names; undefined without credentials or an integration id. */
async function configuredIntegrationUrl(open: () => Promise<BackendContext>): Promise<{integrationId: number; url: string} | undefined> {
  let backend: BackendContext
  try {
    backend = await open()
  } catch (error) {
    if (isCliError(error) && error.code === 'not_connected') return undefined
    throw error
  }

  if (backend.integrationId === undefined) return undefined
  const target = await integrationTarget(backend.client, backend.integrationId)
  return {integrationId: target.integrationId, url: requireWordPressUrl(target)}
}
