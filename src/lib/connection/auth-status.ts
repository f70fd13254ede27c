/**
 * `igny8 auth status`: what a profile holds and where its credentials come from, verified against the
 * backend (listing the sites proves the credentials; an expired access token is refreshed on the way).
 */
import type {Site} from '../backend/contract.js'
import type {Profile, ProfileStore} from '../config/profile-store.js'
import type {HttpSettings} from '../http/http-client.js'

import {CliError, ExitCode} from '../errors.js'
import {type BackendContext, type CredentialSource, openBackend, resolveApiUrlSetting, resolveIntegrationSetting, type ValueSource} from './backend-context.js'

/**
 * Where a value shown came from: a flag, the environment, the profile, the built-in default, or the
 * backend (the site of a site API key from the environment, as listing the sites with it shows).
 */
export type StatusSource = 'backend' | ValueSource

export interface AuthStatusSources {
  apiUrl: StatusSource | null
  credentials: CredentialSource | null
  user: StatusSource | null
  site: StatusSource | null
  integrationId: StatusSource | null
  wordpressUrl: StatusSource | null
  wpUser: StatusSource | null
}

/** What a command of this profile would use now — flags and the environment included — and where each value came from. */
export interface AuthStatus {
  profile: string
  apiUrl: string | null
  authMethod: 'jwt' | 'api-key' | null
  credentialSource: 'profile' | 'env' | null
  /** The IGNY8 user of the credentials: none for a site API key. */
  user: {id?: number; email: string} | null
  site: {id: number; name: string; domain?: string | null} | null
  integrationId: number | null
  wordpressUrl: string | null
  wpUser: string | null
  tokenExpiresAt: string | null
  refreshTokenExpiresAt: string | null
  sources: AuthStatusSources
  valid: boolean
  error?: {code: string; message: string; exitCode: number; hint?: string}
}

type Notice = (message: string) => void
/** For a failed report: openBackend() has said its notices already. */
const quiet: Notice = () => {}

export async function authStatus(
  store: ProfileStore,
  name: string,
  options: {http: HttpSettings; allowHttp: boolean; notice: Notice; apiUrl?: string},
): Promise<AuthStatus> {
  const context = await openBackend({store, profileName: name, apiUrlFlag: options.apiUrl, allowHttp: options.allowHttp, http: options.http, notice: options.notice})
  const sites = await context.client.listSites()
  const profile = store.get(name)
  const secrets = context.credentialSource === 'profile' ? profile?.secrets : undefined
  const site = effectiveSite(context, sites, profile, options.notice)
  const wordpress = wordPressSettings(profile, name, options.notice)
  const user = context.user ?? null
  return {
    profile: name,
    apiUrl: context.apiUrl,
    authMethod: context.authMethod,
    credentialSource: context.credentialSource,
    user,
    site: site.value,
    integrationId: context.integrationId ?? null,
    wordpressUrl: wordpress.url.value,
    wpUser: wordpress.user.value,
    tokenExpiresAt: secrets?.accessTokenExpiresAt ?? null,
    refreshTokenExpiresAt: secrets?.refreshTokenExpiresAt ?? null,
    sources: {
      apiUrl: context.apiUrlSource ?? null,
      credentials: context.credentialSource,
      user: user ? context.credentialSource : null,
      site: site.source,
      integrationId: context.integrationId === undefined ? null : (context.integrationSource ?? null),
      wordpressUrl: wordpress.url.source,
      wpUser: wordpress.user.source,
    },
    valid: true,
  }
}

/**
 * The same report for a profile whose check failed (used by --all, which reports every profile): what
 * would be used, as far as it is known without the backend.
 */
export function failedStatus(store: ProfileStore, name: string, error: CliError): AuthStatus {
  const profile = store.get(name)
  const apiUrl = orStored(() => resolveApiUrlSetting(undefined, profile, quiet), profile?.apiUrl)
  const integration = orStored(() => resolveIntegrationSetting(undefined, profile, quiet), profile?.integrationId)
  const {authMethod, credentialSource, site, user} = failedCredentials(profile, error)
  const wordpress = wordPressSettings(profile, name, quiet)
  const secrets = credentialSource === 'profile' ? profile?.secrets : undefined
  return {
    profile: name,
    apiUrl: apiUrl?.value ?? null,
    authMethod,
    credentialSource,
    user,
    site,
    integrationId: integration?.value ?? null,
    wordpressUrl: wordpress.url.value,
    wpUser: wordpress.user.value,
    tokenExpiresAt: secrets?.accessTokenExpiresAt ?? null,
    refreshTokenExpiresAt: secrets?.refreshTokenExpiresAt ?? null,
    sources: {
      apiUrl: apiUrl?.source ?? null,
      credentials: credentialSource,
      user: user ? credentialSource : null,
      site: site ? 'profile' : null,
      integrationId: integration?.value === undefined ? null : integration.source,
      wordpressUrl: wordpress.url.source,
      wpUser: wordpress.user.source,
    },
    valid: false,
    error: error.toJSON(),
  }
}

/**
 * The site the credentials act for. A site API key from the environment: its own site, as the backend
 * lists it (a site key sees only its site), not the profile's. Other credentials from the environment:
 * the profile's site when they can see it. The profile's credentials: the profile's site.
 */
function effectiveSite(context: BackendContext, sites: Site[], profile: Profile | undefined, notice: Notice): {value: AuthStatus['site']; source: StatusSource | null} {
  const stored = profile?.site
  if (context.credentialSource === 'profile') return stored ? {value: stored, source: 'profile'} : {value: null, source: null}
  if (context.authMethod === 'api-key' && sites.length === 1) {
    const own = sites[0]!
    if (stored && stored.id !== own.id) {
      const others = context.integrationSource === 'profile' ? `; the profile's integration (${context.integrationId}) and WordPress settings are that site's` : ''
      notice(`IGNY8_API_KEY is the key of site ${own.id} "${own.name}", not of the profile's site ${stored.id} "${stored.name}"${others}.`)
    }

    return {value: {id: own.id, name: own.name, domain: own.domain ?? null}, source: 'backend'}
  }

  if (!stored) return {value: null, source: null}
  if (sites.some((candidate) => candidate.id === stored.id)) return {value: stored, source: 'profile'}
  notice(`The credentials from the environment cannot see the profile's site ${stored.id} "${stored.name}".`)
  return {value: null, source: null}
}

/** IGNY8_WP_URL > the profile's WordPress URL; IGNY8_WP_USER > its WordPress user (as `structure gather` takes them). */
function wordPressSettings(profile: Profile | undefined, name: string, notice: Notice): {url: {value: string | null; source: StatusSource | null}; user: {value: string | null; source: StatusSource | null}} {
  return {
    url: envOrStored({envName: 'IGNY8_WP_URL', stored: profile?.wordpressUrl, what: 'WordPress URL', profileName: name}, notice),
    user: envOrStored({envName: 'IGNY8_WP_USER', stored: profile?.wpUser, what: 'WordPress user', profileName: name}, notice),
  }
}

function envOrStored(
  {envName, profileName, stored, what}: {envName: string; profileName: string; stored: string | undefined; what: string},
  notice: Notice,
): {value: string | null; source: StatusSource | null} {
  const env = process.env[envName]
  if (env) {
    // The words of BaseCommand.setting(), so a command that reads both says it once.
    if (stored !== undefined && stored !== env) notice(`${envName} overrides the ${what} stored in profile "${profileName}".`)
    return {value: env, source: 'env'}
  }

  return stored === undefined ? {value: null, source: null} : {value: stored, source: 'profile'}
}

/** Whose credentials a failed check used, as far as it is known without the backend. */
function failedCredentials(profile: Profile | undefined, error: CliError): Pick<AuthStatus, 'authMethod' | 'credentialSource' | 'site' | 'user'> {
  const env = environmentCredentials()
  if (env) {
    // A key from the environment belongs to a site only the backend can name, and has no user.
    return env.authMethod === 'api-key'
      ? {authMethod: 'api-key', credentialSource: 'env', site: null, user: null}
      : {authMethod: 'jwt', credentialSource: 'env', site: profile?.site ?? null, user: {email: env.email}}
  }

  return {
    authMethod: profile?.authMethod ?? null,
    credentialSource: error.exitCode === ExitCode.notConnected ? null : 'profile',
    site: profile?.site ?? null,
    user: profile?.user ?? null,
  }
}

/** The credentials openBackend() takes from the environment before the profile's, if any. */
function environmentCredentials(): {authMethod: 'api-key'} | {authMethod: 'jwt'; email: string} | undefined {
  if (process.env.IGNY8_API_KEY) return {authMethod: 'api-key'}
  if (process.env.IGNY8_EMAIL && process.env.IGNY8_PASSWORD) return {authMethod: 'jwt', email: process.env.IGNY8_EMAIL}
  return undefined
}

/** A setting resolved as openBackend() does; a bad value in the environment (the failure reported) falls back to the profile's. */
function orStored<V>(resolve: () => {value: V; source: ValueSource}, stored: V | undefined): {value: V; source: ValueSource} | undefined {
  try {
    return resolve()
  } catch {
    return stored === undefined ? undefined : {value: stored, source: 'profile'}
  }
}

/** Removes every secret of a profile, keeping its non-secret settings. */
export async function logout(store: ProfileStore, names: string[]): Promise<string[]> {
  const done: string[] = []
  for (const name of names) {
    // eslint-disable-next-line no-await-in-loop -- each update takes the file lock; one at a time
    await store.update(name, (current) => {
      if (!current) return current
      done.push(name)
      const {secrets: _secrets, ...rest} = current
      return rest
    })
  }

  return done
}
