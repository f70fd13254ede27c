import type {Profile} from '../config/profile-store.js'
import type {HttpSettings} from '../http/http-client.js'

/**
 * `igny8 connect`: authenticate (JWT login or site API key), pick the site, find its WordPress
 * integration and work out the WordPress URL. Returns the profile to store and the public result;
 * the command only gathers inputs and prints.
 */
import {BackendClient, jwtExpiry} from '../backend/client.js'
import {type Integration, integrationWordPressUrl, type Site} from '../backend/contract.js'
import {CliError, ExitCode} from '../errors.js'
import {assertCredentialTransport} from '../http/transport-policy.js'
import {chooseSite, normalizeDomain} from './site-selection.js'

export type ConnectCredentials = {kind: 'password'; email: string; password: string} | {kind: 'api-key'; key: string}

export interface ConnectInput {
  apiUrl: string
  credentials: ConnectCredentials
  siteQuery?: string
  integrationId?: number
  wordpressUrl?: string
  wpUser?: string
  wpAppPassword?: string
  allowHttp: boolean
  previous?: Profile
  /**
   * What to take from the profile when nothing else says (see reuseOf): its site when the login sees it,
   * then that site's integration when it still exists, then the WordPress URL stored with that integration.
   */
  reuse?: Reuse
  http: HttpSettings
  ask?: (question: string) => Promise<string>
  progress?: (message: string) => void
}

/** The stored choices a new login of the same profile keeps (`igny8 connect` again after a session expired). */
export interface Reuse {
  siteId?: number
  integrationId?: number
  wordpressUrl?: string
}

export interface ConnectResult {
  profile: string
  apiUrl: string
  authMethod: 'jwt' | 'api-key'
  user: {id?: number; email: string; username?: string; role?: string} | null
  site: {id: number; name: string; domain: string | null}
  integrationId: number
  wordpressUrl: string | null
  integration: {active: boolean | null; syncEnabled: boolean | null; syncStatus: string | null}
}

export async function connect(profileName: string, input: ConnectInput): Promise<{profile: Profile; result: ConnectResult}> {
  assertCredentialTransport(input.apiUrl, 'IGNY8 credentials', input.allowHttp)
  const progress = input.progress ?? (() => {})
  const client = new BackendClient({
    apiUrl: input.apiUrl,
    auth: input.credentials.kind === 'api-key' ? {kind: 'api-key', key: input.credentials.key} : {kind: 'none'},
    http: input.http,
  })

  let user: ConnectResult['user'] = null
  let tokens: {access: string; refresh: string} | undefined
  if (input.credentials.kind === 'password') {
    const login = await client.login(input.credentials.email, input.credentials.password)
    client.useTokens(login.access, login.refresh)
    tokens = {access: login.access, refresh: login.refresh}
    user = {id: login.user.id, email: login.user.email, username: login.user.username, role: login.user.role}
    progress(`Logged in to ${client.apiUrl} as ${login.user.email}.`)
  }

  const sites = await client.listSites()
  const site = await pickSite(sites, input)
  if (input.credentials.kind === 'api-key') progress(`The site API key was accepted (${client.apiKeyScheme ?? 'Bearer'} scheme).`)
  const {integration, wordpressUrl} = await pickIntegration(client, site, input, {profileName, progress})

  const {previous} = input
  const sameWordPress = previous?.wordpressUrl !== undefined && previous.wordpressUrl === wordpressUrl
  const wpUser = input.wpUser ?? (sameWordPress ? previous?.wpUser : undefined)
  const wpAppPassword = input.wpAppPassword ?? (sameWordPress && wpUser === previous?.wpUser ? previous?.secrets?.wpAppPassword : undefined)

  const profile: Profile = {
    apiUrl: client.apiUrl,
    authMethod: input.credentials.kind === 'password' ? 'jwt' : 'api-key',
    user: user ? {id: user.id, email: user.email} : null,
    site: {id: site.id, name: site.name, domain: site.domain ?? null},
    integrationId: integration.id,
    ...(wordpressUrl ? {wordpressUrl} : {}),
    ...(wpUser ? {wpUser} : {}),
    secrets: {
      ...(tokens
        ? {
            accessToken: tokens.access,
            refreshToken: tokens.refresh,
            accessTokenExpiresAt: jwtExpiry(tokens.access),
            refreshTokenExpiresAt: jwtExpiry(tokens.refresh),
          }
        : {}),
      ...(input.credentials.kind === 'api-key' ? {apiKey: input.credentials.key, apiKeyScheme: client.apiKeyScheme} : {}),
      ...(wpAppPassword ? {wpAppPassword} : {}),
    },
  }

  return {
    profile,
    result: {
      profile: profileName,
      apiUrl: client.apiUrl,
      authMethod: profile.authMethod!,
      user,
      site: {id: site.id, name: site.name, domain: site.domain ?? null},
      integrationId: integration.id,
      wordpressUrl: wordpressUrl ?? null,
      integration: {
        active: integration.is_active ?? null,
        syncEnabled: integration.sync_enabled ?? null,
        syncStatus: integration.sync_status ?? null,
      },
    },
  }
}

/** --site (or IGNY8_SITE) when given; else the profile's site when this login sees it; else chooseSite(). */
async function pickSite(sites: Site[], input: ConnectInput): Promise<Site> {
  const {reuse} = input
  const stored = input.siteQuery === undefined && reuse?.siteId !== undefined ? sites.find((candidate) => candidate.id === reuse.siteId) : undefined
  return (
    stored ??
    chooseSite({
      sites,
      query: input.siteQuery,
      apiKey: input.credentials.kind === 'api-key' ? input.credentials.key : undefined,
      ask: input.ask,
    })
  )
}

/**
 * The site's WordPress integration — the one chosen by flag or environment, else the profile's when
 * the site is the profile's and still has it — and its WordPress URL: --wp-url, else the one stored
 * with that integration, else what the backend knows.
 */
async function pickIntegration(
  client: BackendClient,
  site: Site,
  input: ConnectInput,
  {profileName, progress}: {profileName: string; progress: (message: string) => void},
): Promise<{integration: Integration; wordpressUrl: string | undefined}> {
  const reuse = input.reuse?.siteId === site.id ? input.reuse : undefined
  const integration = await findIntegration(client, site, input.integrationId, reuse?.integrationId)
  const known = integrationWordPressUrl(integration) ?? site.wp_url ?? (site.domain ? `https://${normalizeDomain(site.domain)}` : undefined)
  const stored = reuse?.integrationId === integration.id ? reuse.wordpressUrl : undefined
  if (reuse && input.siteQuery === undefined) {
    progress(`Reusing site ${site.id} "${site.name}" and integration ${integration.id}${stored ? ` (WordPress ${stored})` : ''} of profile "${profileName}"; --site, --integration and --wp-url choose others.`)
  }

  if (input.wordpressUrl === undefined && stored && known && stored !== known) {
    progress(`IGNY8 says integration ${integration.id} is at ${known}; the profile's ${stored} is kept (pass --wp-url to change it).`)
  }

  return {integration, wordpressUrl: input.wordpressUrl ?? stored ?? known}
}

async function findIntegration(client: BackendClient, site: Site, integrationId: number | undefined, preferred?: number): Promise<Integration> {
  if (integrationId !== undefined) {
    const integration = await client.getIntegration(integrationId)
    if (integration.platform.toLowerCase() !== 'wordpress') {
      throw new CliError(`Integration ${integrationId} is a ${integration.platform} integration, not WordPress.`, {
        code: 'not_wordpress_integration',
        exitCode: ExitCode.usage,
      })
    }

    return integration
  }

  const integrations = await client.listIntegrations(site.id)
  const chosen = integrations.find((row) => row.id === preferred) ?? integrations.find((row) => row.is_active !== false) ?? integrations[0]
  if (!chosen) {
    throw new CliError(`Site "${site.name}" (id ${site.id}) has no WordPress integration.`, {
      code: 'no_integration',
      exitCode: ExitCode.notConnected,
      hint: 'Install the IGNY8 WordPress plugin on the site and connect it with the site API key, or add the integration in the IGNY8 app.',
    })
  }

  return chosen
}
