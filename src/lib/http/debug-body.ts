/**
 * Bodies for the `IGNY8_DEBUG=body` trace: JSON fields that name a secret are masked by their name
 * (whatever their value), then every known or token-shaped secret by redact(); the result is one line,
 * cut at MAX_TRACE_BODY bytes with a note saying so.
 */
import {MASK, redact} from '../secrets.js'

/** The largest piece of a body a trace line shows. */
export const MAX_TRACE_BODY = 4096

/** Field names whose value is a secret (password, tokens, API keys). */
const SECRET_FIELD =
  /^(password|passwd|new_password|old_password|app_password|application_password|token|tokens|access|refresh|access_token|refresh_token|id_token|api_key|apikey|wp_api_key|key|secret|client_secret|authorization)$/i

/** Bodies are never nested this deep; past it the rest is left out rather than walked. */
const MAX_DEPTH = 64

/** A copy of `value` with every field named like a secret masked, at any depth. */
export function maskSecretFields(value: unknown, depth = 0): unknown {
  if (!value || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '[nested too deeply]'
  if (Array.isArray(value)) return value.map((item) => maskSecretFields(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(value)) {
    out[name] = SECRET_FIELD.test(name) && field !== null && field !== '' ? maskedValue(field) : maskSecretFields(field, depth + 1)
  }

  return out
}

/** An object under a secret's name (`tokens: {access, refresh}`) keeps its shape; anything else is the mask. */
function maskedValue(field: unknown): unknown {
  if (field && typeof field === 'object' && !Array.isArray(field)) {
    return Object.fromEntries(Object.keys(field).map((name) => [name, MASK]))
  }

  return MASK
}

/**
 * A body as one trace line: JSON (a parsed value, or text that parses) with its secret fields masked and
 * re-serialised compactly, other text as it is; `(empty)` for nothing.
 */
export function traceBody(body: unknown, limit = MAX_TRACE_BODY): string {
  let text: string
  if (body === undefined || body === null || body === '') return '(empty)'
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    text = typeof body === 'string' ? body : body.toString('utf8')
    const json = parseJsonText(text)
    if (json !== undefined) text = JSON.stringify(maskSecretFields(json))
  } else if (typeof body === 'object' && typeof (body as {pipe?: unknown}).pipe === 'function') {
    return '(a stream, not shown)'
  } else {
    text = JSON.stringify(maskSecretFields(body)) ?? String(body)
  }

  // Masked before the cut, so a secret that straddles the cut is never shown in part.
  // eslint-disable-next-line no-control-regex -- one line: line breaks and other control characters become spaces
  const line = redact(text).replaceAll(/[\u0000-\u001F\u007F]+/g, ' ')
  const bytes = Buffer.byteLength(line)
  if (bytes <= limit) return line
  const cut = Buffer.from(line).subarray(0, limit).toString('utf8').replace(/\uFFFD$/, '')
  return `${cut} … (cut at ${limit} of ${bytes} bytes)`
}

/** Text that is a JSON object or array, parsed; anything else undefined. */
function parseJsonText(text: string): unknown {
  const start = text.trimStart()[0]
  if (start !== '{' && start !== '[') return undefined
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown
  } catch {
    return undefined
  }
}

/** A request id in a JSON body's top-level `request_id` (the IGNY8 envelope), if any. */
export function bodyRequestId(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.length > 1_048_576) return undefined
  const json = parseJsonText(body)
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined
  const id = (json as {request_id?: unknown}).request_id
  return typeof id === 'string' && id !== '' ? id : undefined
}
