/**
 * A REST API root and the URLs of its routes, in both forms WordPress serves:
 * pretty permalinks `https://example.com/wp-json/wp/v2/types?per_page=1`, and plain permalinks
 * `https://example.com/?rest_route=/wp/v2/types&per_page=1` (the route keeps its slashes and its
 * leading "/": without it WordPress answers rest_no_route).
 */
export type Query = Record<string, string | number | undefined>

export class RestRoot {
  readonly form: 'path' | 'query'
  private readonly base: URL

  constructor(url: string) {
    this.base = new URL(url)
    this.base.hash = ''
    if (this.base.searchParams.has('rest_route')) {
      this.form = 'query'
    } else {
      this.form = 'path'
      if (!this.base.pathname.endsWith('/')) this.base.pathname += '/'
    }
  }

  /** The root itself, as WordPress advertises it. */
  get url(): string {
    return this.base.href
  }

  /** `route` as `wp/v2/types` or `/wp/v2/types`. */
  route(route: string, query: Query = {}): string {
    const path = route.replace(/^\/+/, '')
    const params = Object.entries(query).filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    if (this.form === 'path') {
      const url = new URL(encodePath(path), this.base)
      return appendQuery(url.href, params)
    }

    const kept = [...this.base.searchParams].filter(([name]) => name !== 'rest_route')
    const prefix = `${this.base.origin}${this.base.pathname}?`
    const restRoute = `rest_route=/${encodePath(path)}`
    return appendQuery(prefix + [...kept.map(([k, v]) => `${encodeValue(k)}=${encodeValue(v)}`), restRoute].join('&'), params)
  }
}

function appendQuery(url: string, params: Array<[string, string | number]>): string {
  if (params.length === 0) return url
  const query = params.map(([name, value]) => `${encodeValue(name)}=${encodeValue(String(value))}`).join('&')
  return url + (url.includes('?') ? '&' : '?') + query
}

function encodePath(path: string): string {
  return path.split('/').map((segment) => encodeURIComponent(segment)).join('/')
}

/** Query values keep "," and "/" readable (`_fields=id,name`); WordPress decodes either form. */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replaceAll('%2C', ',').replaceAll('%2F', '/')
}
