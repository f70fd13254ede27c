/**
 * `igny8 auth status`: what a profile holds and where its credentials come from, verified against the
 * backend (listing the sites proves the credentials; an expired access token is refreshed on the way).
 */
import type {Profile, ProfileStore} from '../config/profile-store.js'
import {CliError, ExitCode} from '../errors.js'
import type {HttpSettings} from '../http/http-client.js'
import {openBackend} from './backend-context.js'

export interface AuthStatus {
  profile: string
  apiUrl: string | null
  authMethod: 'jwt' | 'api-key' | null
  credentialSource: 'profile' | 'env' | null
  user: {id?: number; email: string} | null
  site: {id: number; name: string; domain?: string | null} | null
  integrationId: number | null
  wordpressUrl: string | null
  wpUser: string | null
  tokenExpiresAt: string | null
  refreshTokenExpiresAt: string | null
  valid: boolean
  error?: {code: string; message: string; exitCode: number; hint?: string}
}

export async function authStatus(
  store: ProfileStore,
  name: string,
  options: {http: HttpSettings; allowHttp: boolean; notice: (message: string) => void; apiUrl?: string},
): Promise<AuthStatus> {
  const context = await openBackend({store, profileName: name, apiUrlFlag: options.apiUrl, allowHttp: options.allowHttp, http: options.http, notice: options.notice})
  await context.client.listSites()
  const profile = store.get(name)
  const secrets = context.credentialSource === 'profile' ? profile?.secrets : undefined
  return {
    profile: name,
    apiUrl: context.apiUrl,
    authMethod: context.authMethod,
    credentialSource: context.credentialSource,
    user: context.user ?? null,
    ...storedSettings(profile),
    tokenExpiresAt: secrets?.accessTokenExpiresAt ?? null,
    refreshTokenExpiresAt: secrets?.refreshTokenExpiresAt ?? null,
    valid: true,
  }
}

/** The same report for a profile whose check failed (used by --all, which reports every profile). */
export function failedStatus(store: ProfileStore, name: string, error: CliError): AuthStatus {
  const profile = store.get(name)
  return {
    profile: name,
    apiUrl: profile?.apiUrl ?? null,
    authMethod: profile?.authMethod ?? null,
    credentialSource: error.exitCode === ExitCode.notConnected ? null : 'profile',
    user: profile?.user ?? null,
    ...storedSettings(profile),
    tokenExpiresAt: profile?.secrets?.accessTokenExpiresAt ?? null,
    refreshTokenExpiresAt: profile?.secrets?.refreshTokenExpiresAt ?? null,
    valid: false,
    error: error.toJSON(),
  }
}

/** The site, integration and WordPress settings a profile holds, as both reports show them. */
function storedSettings(profile: Profile | undefined): Pick<AuthStatus, 'site' | 'integrationId' | 'wordpressUrl' | 'wpUser'> {
  return {
    site: profile?.site ?? null,
    integrationId: profile?.integrationId ?? null,
    wordpressUrl: profile?.wordpressUrl ?? null,
    wpUser: profile?.wpUser ?? null,
  }
}

/** Removes every secret of a profile, keeping its non-secret settings. */
export async function logout(store: ProfileStore, names: string[]): Promise<string[]> {
  const done: string[] = []
  for (const name of names) {
    // eslint-disable-next-line no-await-in-loop
    await store.update(name, (current) => {
      if (!current) return current
      done.push(name)
      const {secrets: _secrets, ...rest} = current
      return rest
    })
  }

  return done
}
