import type {Profile, ProfileStore} from '../config/profile-store.js'
import type {HttpSettings} from '../http/http-client.js'

/**
 * Turns a profile plus the environment into a ready BackendClient: which API URL, which credentials
 * (env IGNY8_API_KEY, env IGNY8_EMAIL + IGNY8_PASSWORD, or the stored ones), where they came from, and
 * how refreshed tokens are written back. Commands call this through BaseCommand.openBackend().
 */
import {type AuthUpdate, type BackendAuth, BackendClient, type BackendClientOptions, jwtExpiry, normalizeApiUrl} from '../backend/client.js'
import {DEFAULT_API_URL} from '../backend/contract.js'
import {CliError, ExitCode} from '../errors.js'
import {assertCredentialTransport} from '../http/transport-policy.js'
import {registerSecret} from '../secrets.js'
import {reconnectCommand} from './reconnect.js'

export type CredentialSource = 'profile' | 'env'
export type AuthMethod = 'jwt' | 'api-key'
/** Where a setting's value came from: a flag, the environment, the profile, or the built-in default. */
export type ValueSource = 'flag' | 'env' | 'profile' | 'default'
export interface Sourced<V> {
  value: V
  source: ValueSource
}

export interface BackendContext {
  client: BackendClient
  apiUrl: string
  /** --api-url > IGNY8_API_URL > the profile's > the default. */
  apiUrlSource?: ValueSource
  authMethod: AuthMethod
  credentialSource: CredentialSource
  profileName: string
  profile: Profile | undefined
  /** Logged in from IGNY8_EMAIL/IGNY8_PASSWORD in this run. */
  user?: {id?: number; email: string} | null
  /** --integration > IGNY8_INTEGRATION_ID > the profile's. */
  integrationId?: number
  /** Where `integrationId` came from (`default`: nowhere, there is none). */
  integrationSource?: ValueSource
  /** With `deferLogin`: the IGNY8_EMAIL/IGNY8_PASSWORD login still to make before any authenticated request. */
  login?: () => Promise<void>
}

export interface OpenBackendOptions {
  store: ProfileStore
  profileName: string
  apiUrlFlag?: string
  integrationFlag?: number
  allowHttp: boolean
  http: HttpSettings
  notice: (message: string) => void
  /** Leave the IGNY8_EMAIL/IGNY8_PASSWORD login to `context.login()` (a health check times it as its own step). */
  deferLogin?: boolean
}

export async function openBackend(options: OpenBackendOptions): Promise<BackendContext> {
  const {store, profileName, notice} = options
  const profile = store.get(profileName)
  const {value: apiUrl, source: apiUrlSource} = resolveApiUrlSetting(options.apiUrlFlag, profile, notice)
  const envKey = process.env.IGNY8_API_KEY
  const envEmail = process.env.IGNY8_EMAIL
  const envPassword = process.env.IGNY8_PASSWORD
  const stored = profile?.secrets ?? {}
  const storedHasCredentials = Boolean(stored.apiKey || stored.refreshToken)

  let auth: BackendAuth
  let credentialSource: CredentialSource
  let authMethod: AuthMethod
  let pendingLogin: {email: string; password: string} | undefined
  if (envKey) {
    registerSecret(envKey)
    auth = {kind: 'api-key', key: envKey}
    credentialSource = 'env'
    authMethod = 'api-key'
    if (storedHasCredentials) notice(`IGNY8_API_KEY overrides the credentials stored in profile "${profileName}".`)
  } else if (envEmail && envPassword) {
    registerSecret(envPassword)
    auth = {kind: 'none'}
    pendingLogin = {email: envEmail, password: envPassword}
    credentialSource = 'env'
    authMethod = 'jwt'
    if (storedHasCredentials) notice(`IGNY8_EMAIL/IGNY8_PASSWORD override the credentials stored in profile "${profileName}".`)
  } else if (profile?.authMethod === 'api-key' && stored.apiKey) {
    auth = {kind: 'api-key', key: stored.apiKey, scheme: stored.apiKeyScheme}
    credentialSource = 'profile'
    authMethod = 'api-key'
  } else if (profile?.authMethod === 'jwt' && stored.accessToken && stored.refreshToken) {
    auth = {kind: 'jwt', access: stored.accessToken, refresh: stored.refreshToken, accessExpiresAt: stored.accessTokenExpiresAt}
    credentialSource = 'profile'
    authMethod = 'jwt'
  } else {
    throw notConnected(profileName, profile)
  }

  assertCredentialTransport(apiUrl, 'IGNY8 credentials', options.allowHttp)
  const client = new BackendClient({
    apiUrl,
    auth,
    http: options.http,
    ...(credentialSource === 'profile' ? storedCredentialHooks(store, profileName, profile) : {}),
  })

  const {value: integrationId, source: integrationSource} = resolveIntegrationSetting(options.integrationFlag, profile, notice)
  const context: BackendContext = {
    client,
    apiUrl,
    apiUrlSource,
    authMethod,
    credentialSource,
    profileName,
    profile,
    // A key has no user, and another login than the profile's is not the profile's user.
    user: credentialSource === 'profile' ? profile?.user : null,
    integrationId,
    integrationSource,
  }
  if (pendingLogin) {
    const {email, password} = pendingLogin
    const login = async (): Promise<void> => {
      const result = await client.login(email, password)
      client.useTokens(result.access, result.refresh)
      context.user = {id: result.user.id, email: result.user.email}
      context.login = undefined
    }

    if (options.deferLogin) context.login = login
    else await login()
  }

  return context
}

/**
 * For the profile's own credentials: refreshed tokens (and the accepted key scheme) are saved back, and
 * credentials that expire or are rejected are renewed by this profile's own `igny8 connect` line.
 */
function storedCredentialHooks(store: ProfileStore, profileName: string, profile: Profile | undefined): Pick<BackendClientOptions, 'onAuthUpdate' | 'reconnectCommand'> {
  return {
    async onAuthUpdate(update) {
      await store.update(profileName, (current) => (current ? applyAuthUpdate(current, update) : current))
    },
    reconnectCommand: reconnectCommand(profileName, profile),
  }
}

export function resolveIntegrationId(flag: number | undefined, profile: Profile | undefined, notice: (message: string) => void): number | undefined {
  return resolveIntegrationSetting(flag, profile, notice).value
}

/** --integration > IGNY8_INTEGRATION_ID > the profile's, and which of them it was. */
export function resolveIntegrationSetting(flag: number | undefined, profile: Profile | undefined, notice: (message: string) => void): Sourced<number | undefined> {
  if (flag !== undefined) return {value: flag, source: 'flag'}
  const raw = process.env.IGNY8_INTEGRATION_ID
  if (raw) {
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) {
      throw new CliError(`IGNY8_INTEGRATION_ID must be a positive integer, got "${raw}".`, {code: 'usage', exitCode: ExitCode.usage})
    }

    const id = Number(raw)
    if (profile?.integrationId !== undefined && profile.integrationId !== id) notice(`IGNY8_INTEGRATION_ID overrides the integration stored in the profile (${profile.integrationId}).`)
    return {value: id, source: 'env'}
  }

  return profile?.integrationId === undefined ? {value: undefined, source: 'default'} : {value: profile.integrationId, source: 'profile'}
}

/** The integration to act on, or exit 3 saying how to choose one. */
export function requireIntegration(context: BackendContext): number {
  if (context.integrationId !== undefined) return context.integrationId
  throw new CliError('No WordPress integration is chosen.', {
    code: 'no_integration',
    exitCode: ExitCode.notConnected,
    hint: 'Pass --integration ID or --site ID, set IGNY8_INTEGRATION_ID, or run `igny8 connect` to store one in the profile.',
  })
}

export function resolveApiUrl(flag: string | undefined, profile: Profile | undefined, notice: (message: string) => void): string {
  return resolveApiUrlSetting(flag, profile, notice).value
}

/** --api-url > IGNY8_API_URL > the profile's > the default, and which of them it was. */
export function resolveApiUrlSetting(flag: string | undefined, profile: Profile | undefined, notice: (message: string) => void): Sourced<string> {
  if (flag) return {value: normalizeApiUrl(flag), source: 'flag'}
  const env = process.env.IGNY8_API_URL
  if (env) {
    const url = normalizeApiUrl(env)
    if (profile?.apiUrl && profile.apiUrl !== url) notice(`IGNY8_API_URL overrides the API URL stored in the profile (${profile.apiUrl}).`)
    return {value: url, source: 'env'}
  }

  return profile?.apiUrl ? {value: normalizeApiUrl(profile.apiUrl), source: 'profile'} : {value: normalizeApiUrl(DEFAULT_API_URL), source: 'default'}
}

export function applyAuthUpdate(profile: Profile, update: AuthUpdate): Profile {
  const secrets = {...profile.secrets}
  if (update.kind === 'jwt') {
    secrets.accessToken = update.access
    secrets.refreshToken = update.refresh
    secrets.accessTokenExpiresAt = update.accessExpiresAt ?? jwtExpiry(update.access)
    secrets.refreshTokenExpiresAt = update.refreshExpiresAt ?? jwtExpiry(update.refresh)
  } else {
    secrets.apiKeyScheme = update.scheme
  }

  return {...profile, secrets}
}

function notConnected(profileName: string, profile: Profile | undefined): CliError {
  const message = profile
    ? `Profile "${profileName}" holds no IGNY8 credentials (logged out?).`
    : `Not connected: there is no profile "${profileName}".`
  return new CliError(message, {
    code: 'not_connected',
    exitCode: ExitCode.notConnected,
    hint: `Run \`${reconnectCommand(profileName, profile)}\`, or set IGNY8_API_KEY (or IGNY8_EMAIL and IGNY8_PASSWORD).`,
  })
}
