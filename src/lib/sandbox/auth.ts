import type {SandboxStore} from './store.js'

/**
 * Who is calling (docs/backend-contract.md, Authentication): a site API key (`Bearer <key>` and/or
 * `ApiKey <key>`, per the configured schemes) authenticates as the account owner scoped to that key's
 * site; otherwise a `Bearer` JWT access token. Order as documented: API key first, then JWT. The scheme
 * is recorded for the request log, never the value.
 */
import {API_KEY_SCHEMES, type ApiKeyScheme} from '../backend/contract.js'
import {ApiError, type Principal, type RequestContext} from './http.js'
import {looksLikeJwt, type TokenService} from './tokens.js'

const EDITOR_OR_ABOVE = new Set(['developer', 'owner', 'admin', 'editor', 'system_bot'])

const unauthorized = (message: string): ApiError => new ApiError(401, message, {headers: {'WWW-Authenticate': 'Bearer realm="api"'}})

export class Authenticator {
  constructor(
    private readonly store: SandboxStore,
    private readonly tokens: TokenService,
    private readonly apiKeySchemes: readonly ApiKeyScheme[],
  ) {}

  authenticate(ctx: RequestContext): Principal {
    const header = ctx.req.headers.authorization?.trim()
    if (!header) throw unauthorized('Authentication credentials were not provided.')
    const [rawScheme = '', ...rest] = header.split(/\s+/)
    const scheme = API_KEY_SCHEMES.find((known) => known.toLowerCase() === rawScheme.toLowerCase()) ?? rawScheme
    ctx.log.authScheme = scheme
    const credential = rest.join(' ')
    if (!credential || rest.length > 1) throw unauthorized('Invalid token header.')

    if (scheme === 'ApiKey') {
      if (!this.apiKeySchemes.includes('ApiKey')) throw unauthorized('Authentication credentials were not provided.')
      return this.byApiKey(ctx, credential) ?? fail(unauthorized('Invalid API key.'))
    }

    if (scheme !== 'Bearer') throw unauthorized('Authentication credentials were not provided.')
    if (this.apiKeySchemes.includes('Bearer') && !looksLikeJwt(credential)) {
      return this.byApiKey(ctx, credential) ?? fail(unauthorized('Invalid API key.'))
    }

    return this.byAccessToken(ctx, credential)
  }

  /** Integration endpoints need IsEditorOrAbove (docs/backend-contract.md, Roles and scoping); an API key acts as the owner. */
  requireEditor(principal: Principal): void {
    if (!EDITOR_OR_ABOVE.has(principal.user.role)) throw new ApiError(403, 'You do not have permission to perform this action.')
  }

  private byApiKey(ctx: RequestContext, key: string): Principal | undefined {
    const {state} = this.store
    const site = state.sites.find((candidate) => candidate.wp_api_key === key)
    if (!site) return undefined
    const account = state.accounts.find((candidate) => candidate.id === site.accountId)
    const owner = state.users.find((user) => user.accountId === site.accountId && user.role === 'owner')
    if (!account || !owner) return undefined
    if (!site.is_active) throw new ApiError(403, 'Site is inactive.')
    ctx.log.authKind = 'api-key'
    return {user: owner, account, site, kind: 'api-key'}
  }

  private byAccessToken(ctx: RequestContext, token: string): Principal {
    const check = this.tokens.verify(token, 'access')
    if (!check.ok) {
      if (check.reason === 'expired') throw unauthorized('Token is expired')
      if (check.reason === 'wrong-type') throw unauthorized('Token has wrong type')
      throw unauthorized('Given token not valid for any token type')
    }

    ctx.log.authKind = 'jwt'
    const {state} = this.store
    const user = state.users.find((candidate) => candidate.id === check.claims.user_id)
    const account = user && state.accounts.find((candidate) => candidate.id === user.accountId)
    if (!user || !account) throw unauthorized('User not found')
    return {user, account, kind: 'jwt'}
  }
}

function fail(error: ApiError): never {
  throw error
}
