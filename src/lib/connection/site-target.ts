/**
 * A site of the login, by id → its WordPress integration and that integration's WordPress URL, as the
 * backend has them (docs/backend-contract.md, Integrations list). One place for `--site` of `structure
 * gather`, `structure push` and `content-types show`, for `structure push --all-sites`, and for the fleet
 * mode of `integration check`. The integration is the site's first WordPress row, as the IGNY8 plugin
 * takes it; the WordPress URL is the integration's `external_site_url`, else `site_url`, else the site's
 * `wp_url`, else `https://<site domain>`.
 */
import type {BackendClient} from '../backend/client.js'
import type {BackendContext} from './backend-context.js'

import {type Integration, integrationSiteId, integrationWordPressUrl, type Site} from '../backend/contract.js'
import {CliError, ExitCode, notConnectedError, usageError} from '../errors.js'
import {normalizeDomain} from './site-selection.js'

export interface SiteTarget {
  site: Site
  integration: Integration
  integrationId: number
  /** Undefined when neither the integration nor the site says where WordPress is. */
  wordpressUrl: string | undefined
}

export interface SiteTargetOptions {
  /** The sites the login sees, when the caller has listed them already (a fleet lists them once). */
  sites?: readonly Site[]
  /** An integration chosen by flag or environment: used instead of the site's, and checked to belong to it. */
  integrationId?: number
}

/**
 * Resolves a site id of the login. Unknown site (or not visible to this login) → exit 2 listing the
 * sites it sees; no WordPress integration → exit 3 with a hint; an `integrationId` of another site → exit 2.
 */
export async function resolveSiteTarget(client: BackendClient, siteId: number, options: SiteTargetOptions = {}): Promise<SiteTarget> {
  const sites = options.sites ?? (await client.listSites())
  const site = sites.find((candidate) => candidate.id === siteId)
  if (!site) throw siteNotFound(siteId, sites)
  const integration = options.integrationId === undefined ? await findSiteIntegration(client, site) : await client.getIntegration(options.integrationId)
  const owner = integrationSiteId(integration)
  if (owner !== undefined && owner !== site.id) {
    throw usageError(
      `Integration ${integration.id} belongs to site ${owner}, not to site ${site.id} "${site.name}".`,
      'Leave out --integration (and IGNY8_INTEGRATION_ID) to use the site\'s own integration, or pass the --site it belongs to.',
      'integration_site_mismatch',
    )
  }

  return {site, integration, integrationId: integration.id, wordpressUrl: siteWordPressUrl(integration, site)}
}

/** A site named on the command line (`--site ID`), and whether the configured credentials are its own. */
export interface ChosenSite {
  target: SiteTarget
  own: boolean
}

/**
 * `--site ID` of a single-site command: the site, its integration — or `integrationId` when one is chosen
 * by --integration or IGNY8_INTEGRATION_ID (they win) — its WordPress URL, and whether the profile's or
 * the environment's WordPress credentials may be used there.
 */
export async function chooseSiteById(backend: Pick<BackendContext, 'authMethod' | 'client' | 'profile'>, siteId: number, integrationId?: number): Promise<ChosenSite> {
  const sites = await backend.client.listSites()
  const target = await resolveSiteTarget(backend.client, siteId, {sites, integrationId})
  return {target, own: isOwnSite(target.site, {profileSiteId: backend.profile?.site?.id, authMethod: backend.authMethod, visibleSites: sites.length})}
}

/** The site's WordPress integration: the first row, as the IGNY8 plugin takes it; none → exit 3. */
export async function findSiteIntegration(client: BackendClient, site: Site): Promise<Integration> {
  const [integration] = await client.listIntegrations(site.id)
  if (integration) return integration
  throw notConnectedError(
    `Site ${site.id} "${site.name}" has no WordPress integration.`,
    'Connect the IGNY8 WordPress plugin on that site, or add its WordPress integration in the IGNY8 app.',
    'no_integration',
  )
}

/** Where WordPress is: the integration's URL, else the site's `wp_url`, else `https://<domain>`. */
export function siteWordPressUrl(integration: Integration, site?: Site): string | undefined {
  const domain = site?.domain ? normalizeDomain(site.domain) : undefined
  return integrationWordPressUrl(integration) ?? site?.wp_url ?? (domain ? `https://${domain}` : undefined)
}

/** The WordPress URL, or exit 3 saying where to set it. */
export function requireWordPressUrl(target: Pick<SiteTarget, 'integration' | 'wordpressUrl'>): string {
  if (target.wordpressUrl) return target.wordpressUrl
  throw notConnectedError(
    `Integration ${target.integration.id} has no WordPress URL (external_site_url).`,
    'Set the site URL of the integration in the IGNY8 app, or reconnect the IGNY8 plugin from that WordPress.',
    'missing_wp_url',
  )
}

/**
 * The WordPress URL of an integration chosen by id (IGNY8_INTEGRATION_ID, --integration or the profile),
 * for runs that name no WordPress URL: a CI job configured by the environment alone. The site is read
 * only when the integration has no URL of its own.
 */
export async function integrationTarget(client: BackendClient, integrationId: number): Promise<Omit<SiteTarget, 'site'> & {site?: Site}> {
  const integration = await client.getIntegration(integrationId)
  let wordpressUrl = integrationWordPressUrl(integration)
  let site: Site | undefined
  const siteId = integrationSiteId(integration)
  if (!wordpressUrl && siteId !== undefined) {
    site = (await client.listSites()).find((candidate) => candidate.id === siteId)
    wordpressUrl = siteWordPressUrl(integration, site)
  }

  return {site, integration, integrationId: integration.id, wordpressUrl}
}

/**
 * Whether the profile's (or the environment's) WordPress credentials and site API key belong to this
 * site: the profile's own site, or the one site a site API key sees. Any other site is read
 * anonymously, so no secret of one site is ever sent to another.
 */
export function isOwnSite(site: Pick<Site, 'id'>, context: {profileSiteId?: number; authMethod: 'jwt' | 'api-key'; visibleSites: number}): boolean {
  return context.profileSiteId === site.id || (context.authMethod === 'api-key' && context.visibleSites === 1)
}

function siteNotFound(siteId: number, sites: readonly Site[]): CliError {
  const shown = sites.slice(0, 20).map((site) => `${site.id} "${site.name}"${site.domain ? ` (${site.domain})` : ''}`)
  const list = sites.length === 0 ? 'it sees none' : `it sees ${shown.join('; ')}${sites.length > 20 ? `; … and ${sites.length - 20} more` : ''}`
  return new CliError(`Site ${siteId} is not a site this login can see (${list}).`, {
    code: 'site_not_found',
    exitCode: ExitCode.usage,
    hint: 'Pass --site with one of those ids (`igny8 integration check --all-sites` lists every site with its integration). A site API key sees only its own site: log in with an email and password to reach the others.',
  })
}
