/**
 * The IGNY8 WordPress plugin's `GET /wp-json/igny8/v1/site-metadata/`
 * (docs/backend-contract.md, WordPress plugin site metadata): post types and taxonomies with the counts
 * the plugin computes inside WordPress (cached there for 300 s), authorised by the site API key as
 * `Authorization: Bearer` and `X-IGNY8-API-KEY`.
 */
import {z} from 'zod'

import type {RestRoot} from './rest-root.js'

import {describeIssues} from '../backend/contract.js'
import {CliError, ExitCode} from '../errors.js'
import {registerSecret} from '../secrets.js'
import {contentType, describeWpError, isJson, parseJsonBody, sentence, type WordPressTransport, wpErrorOf} from './transport.js'

export const PLUGIN_NAMESPACE = 'igny8/v1'
export const SITE_METADATA_ROUTE = 'igny8/v1/site-metadata/'

/** PHP counts arrive as numbers or numeric strings (`wp_count_terms` returned strings for years). */
const countSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)])
const itemSchema = z.looseObject({label: z.string(), count: countSchema})

export const siteMetadataSchema = z.looseObject({
  success: z.literal(true),
  data: z.looseObject({
    post_types: z.record(z.string(), itemSchema),
    taxonomies: z.record(z.string(), itemSchema),
    generated_at: z.union([z.number(), z.string()]).optional(),
    site_url: z.string().optional(),
    wordpress_version: z.string().optional(),
    plugin_connection_enabled: z.boolean().optional(),
    two_way_sync_enabled: z.boolean().optional(),
  }),
})
export type SiteMetadata = z.infer<typeof siteMetadataSchema>['data']

export type SiteMetadataOutcome = {ok: true; metadata: SiteMetadata; url: string} | {ok: false; error: CliError}

/** Reads the plugin's metadata; every failure is returned (the caller may fall back to core REST). */
export async function readSiteMetadata(transport: WordPressTransport, root: RestRoot, apiKey: string): Promise<SiteMetadataOutcome> {
  registerSecret(apiKey)
  const url = root.route(SITE_METADATA_ROUTE)
  const what = `The IGNY8 plugin (${url})`
  try {
    const response = await transport.get(url, {accept: 'application/json', authorization: `Bearer ${apiKey}`, 'x-igny8-api-key': apiKey})
    if (!isJson(response)) {
      return failure(`${what} answered ${response.status} ${contentType(response) || 'without a Content-Type'}, not JSON.`, 'plugin_unavailable', ExitCode.wordpress)
    }

    const body = parseJsonBody(response, what)
    if (response.status < 200 || response.status >= 300) {
      const error = wpErrorOf(body) ?? {code: `http_${response.status}`, message: ''}
      const said = `${response.status} ${describeWpError(error)}`
      if (response.status === 401 || response.status === 403) {
        return failure(`${what} rejected the site API key (${said}).`, 'plugin_auth_rejected', ExitCode.auth, 'Check the key with `igny8 auth status`, or set IGNY8_API_KEY.')
      }

      if (error.code === 'rest_no_route') {
        return failure(`The IGNY8 plugin is not active on this site (${said}).`, 'plugin_not_installed', ExitCode.wordpress, 'Install and activate the IGNY8 plugin, or use --source rest.')
      }

      return failure(sentence(`${what} failed: ${said}`), 'plugin_error', ExitCode.wordpress)
    }

    const parsed = siteMetadataSchema.safeParse(body)
    if (!parsed.success) return failure(`${what} answered in an unexpected shape: ${describeIssues(parsed.error)}.`, 'plugin_bad_shape', ExitCode.unexpected)
    return {ok: true, metadata: parsed.data.data, url}
  } catch (error) {
    if (error instanceof CliError) return {ok: false, error}
    throw error
  }
}

function failure(message: string, code: string, exitCode: CliError['exitCode'], hint?: string): SiteMetadataOutcome {
  return {ok: false, error: new CliError(message, {code, exitCode, hint})}
}
