/**
 * Secrets known to this process (passwords, API keys, tokens, application passwords) are registered
 * here as soon as they are read, so every line igny8 writes to a terminal, a log or a file can be
 * passed through `redact()`. Token-shaped strings are masked even when nobody registered them.
 */
const known = new Set<string>()

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) {
    known.add(value)
    // WordPress accepts application passwords with or without the spaces its UI shows.
    const compact = value.replaceAll(' ', '')
    if (compact !== value && compact.length >= 4) known.add(compact)
  }
}

const JWT_SHAPE = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/g
/** IGNY8 site API keys look like `igny8_aBcD3fG…` (docs/backend-contract.md, Site API keys): masked even when a server echoes someone else's. */
const API_KEY_SHAPE = /\bigny8_[A-Za-z0-9]{16,}/g
// Credentials are long; a word after a scheme name ("the Bearer scheme") is prose, not a secret.
const AUTH_HEADER = /\b(Bearer|ApiKey|Basic)\s+(?=[\w.~+/=-]{12,})[\w.~+/=-]+/gi

export const MASK = '***'

export function redact(text: string): string {
  let out = text
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(MASK)
  }

  return out.replaceAll(JWT_SHAPE, MASK).replaceAll(API_KEY_SHAPE, MASK).replaceAll(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${MASK}`)
}
