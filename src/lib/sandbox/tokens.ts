/**
 * JWTs as the real backend issues them (HS256; claims sub, type access|refresh, exp, iat, jti) plus a
 * `seq` claim: the serial that lets the control hook expire "every token issued so far" without
 * touching the clock. The secret lives in the state, so tokens survive a restart with a state file.
 */
import {createHmac, randomUUID, timingSafeEqual} from 'node:crypto'

import type {SandboxStore} from './store.js'

export type TokenType = 'access' | 'refresh'

export interface TokenClaims {
  sub: string
  user_id: number
  type: TokenType
  iat: number
  exp: number
  jti: string
  seq: number
}

export type TokenCheck =
  | {ok: true; claims: TokenClaims}
  | {ok: false; reason: 'malformed' | 'signature' | 'wrong-type' | 'expired' | 'revoked'}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/

export const looksLikeJwt = (value: string): boolean => JWT_SHAPE.test(value)

const b64 = (value: Buffer | string): string => Buffer.from(value).toString('base64url')

export class TokenService {
  constructor(
    private readonly store: SandboxStore,
    private readonly ttlSeconds: Record<TokenType, number>,
  ) {}

  /** Issues an access + refresh pair for a user. The caller commits the store. */
  issuePair(userId: number): {access: string; refresh: string} {
    return {access: this.issue(userId, 'access'), refresh: this.issue(userId, 'refresh')}
  }

  issue(userId: number, type: TokenType): string {
    const book = this.store.state.tokens
    book.serial += 1
    const iat = Math.floor(Date.now() / 1000)
    const claims: TokenClaims = {
      sub: String(userId),
      user_id: userId,
      type,
      iat,
      exp: iat + this.ttlSeconds[type],
      jti: randomUUID().replaceAll('-', ''),
      seq: book.serial,
    }
    const unsigned = `${b64(JSON.stringify({alg: 'HS256', typ: 'JWT'}))}.${b64(JSON.stringify(claims))}`
    return `${unsigned}.${this.sign(unsigned)}`
  }

  verify(token: string, expected: TokenType): TokenCheck {
    if (!looksLikeJwt(token)) return {ok: false, reason: 'malformed'}
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const expectedSignature = Buffer.from(this.sign(`${header}.${payload}`))
    const given = Buffer.from(signature)
    if (given.length !== expectedSignature.length || !timingSafeEqual(given, expectedSignature)) return {ok: false, reason: 'signature'}
    let claims: TokenClaims
    try {
      const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {alg?: unknown}
      if (head.alg !== 'HS256') return {ok: false, reason: 'malformed'}
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims
    } catch {
      return {ok: false, reason: 'malformed'}
    }

    if (typeof claims.exp !== 'number' || typeof claims.seq !== 'number' || typeof claims.jti !== 'string') return {ok: false, reason: 'malformed'}
    if (claims.type !== expected) return {ok: false, reason: 'wrong-type'}
    const book = this.store.state.tokens
    if (claims.exp <= Math.floor(Date.now() / 1000) || claims.seq <= book.expiredThrough[expected]) return {ok: false, reason: 'expired'}
    if (expected === 'refresh' && book.revoked.some((entry) => entry.jti === claims.jti)) return {ok: false, reason: 'revoked'}
    return {ok: true, claims}
  }

  /** Marks a refresh token used (rotation): it is rejected from now on. The caller commits the store. */
  revoke(claims: TokenClaims): void {
    this.store.state.tokens.revoked.push({jti: claims.jti, exp: claims.exp})
  }

  /** Every token of that kind issued so far is treated as expired. The caller commits the store. */
  expireIssued(kind: TokenType | 'all'): void {
    const book = this.store.state.tokens
    if (kind === 'access' || kind === 'all') book.expiredThrough.access = book.serial
    if (kind === 'refresh' || kind === 'all') book.expiredThrough.refresh = book.serial
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', Buffer.from(this.store.state.tokens.secret, 'hex')).update(unsigned).digest('base64url')
  }
}
