/**
 * A WordPress 6.1 site for nock, shaped like a real WordPress 6.1's answers (scripts/wordpress.sh runs a
 * real one): the home page with its Link header and generator tag, the trimmed REST index, /wp/v2/types
 * and /wp/v2/taxonomies (objects keyed by slug, core internals included) and per_page=1 counts with
 * X-WP-Total.
 */
import nock from 'nock'

export const SITE = 'https://wp.example'
export const INDEX_FIELDS = 'name,url,home,namespaces,authentication'

const type = (slug: string, name: string, restBase: string, extra: Record<string, unknown> = {}) => ({
  description: '',
  hierarchical: false,
  has_archive: false,
  name,
  slug,
  icon: null,
  taxonomies: [],
  rest_base: restBase,
  rest_namespace: 'wp/v2',
  _links: {collection: [{href: `${SITE}/wp-json/wp/v2/types`}], 'wp:items': [{href: `${SITE}/wp-json/wp/v2/${restBase}`}]},
  ...extra,
})

export const TYPES = {
  post: type('post', 'Posts', 'posts', {taxonomies: ['category', 'post_tag'], icon: 'dashicons-admin-post'}),
  page: type('page', 'Pages', 'pages', {hierarchical: true}),
  attachment: type('attachment', 'Media', 'media'),
  nav_menu_item: type('nav_menu_item', 'Navigation Menu Items', 'menu-items', {taxonomies: ['nav_menu']}),
  wp_block: type('wp_block', 'Reusable blocks', 'blocks'),
  wp_template: type('wp_template', 'Templates', 'templates'),
  wp_template_part: type('wp_template_part', 'Template Parts', 'template-parts'),
  wp_navigation: type('wp_navigation', 'Navigation Menus', 'navigation'),
  product: type('product', 'Products', 'products', {taxonomies: ['product_cat'], has_archive: true, description: 'Things we sell'}),
}

const taxonomy = (slug: string, name: string, restBase: string, types: string[], hierarchical = false) => ({
  name,
  slug,
  description: '',
  types,
  hierarchical,
  rest_base: restBase,
  rest_namespace: 'wp/v2',
  _links: {},
})

export const TAXONOMIES = {
  category: taxonomy('category', 'Categories', 'categories', ['post'], true),
  post_tag: taxonomy('post_tag', 'Tags', 'tags', ['post']),
  nav_menu: taxonomy('nav_menu', 'Navigation Menus', 'menus', ['nav_menu_item']),
  product_cat: taxonomy('product_cat', 'Product categories', 'product_cat', ['product'], true),
}

/** rest_base → published total. */
export const COUNTS: Record<string, number> = {posts: 123, pages: 12, products: 45, categories: 25, tags: 102, product_cat: 15}
export const POST_TYPE_BASES = new Set(['posts', 'pages', 'products'])

export const INDEX = {
  name: 'Lab',
  url: SITE,
  home: SITE,
  namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1', 'wp-block-editor/v1'],
  authentication: {'application-passwords': {endpoints: {authorization: `${SITE}/wp-admin/authorize-application.php`}}},
  _links: {help: [{href: 'https://developer.wordpress.org/rest-api/'}]},
}

export function homeHtml(options: {generator?: string | false; linkTag?: string} = {}): string {
  const generator = options.generator === false ? '' : `<meta name="generator" content="WordPress ${options.generator ?? '6.1.9'}" />`
  const link = options.linkTag ? `<link rel="https://api.w.org/" href="${options.linkTag}" />` : ''
  return `<!DOCTYPE html><html><head><title>Lab</title>${link}${generator}<link rel='stylesheet' href='${SITE}/wp-includes/css/dist/block-library/style.min.css' /></head><body>Hello</body></html>`
}

export const HTML = {'content-type': 'text/html; charset=UTF-8'}

/** Where the REST root lives: `/wp-json/` (pretty) or `?rest_route=` on `/` or `/index.php` (plain). */
export type RootForm = {form: 'pretty'} | {form: 'plain'; path: '/' | '/index.php'}
export const PRETTY: RootForm = {form: 'pretty'}
export const PLAIN: RootForm = {form: 'plain', path: '/index.php'}

export function restRootUrl(root: RootForm): string {
  return root.form === 'pretty' ? `${SITE}/wp-json/` : `${SITE}${root.path === '/' ? '/' : root.path}?rest_route=/`
}

/** An interceptor for a REST route (`wp/v2/types`, or '' for the index) in either form. */
export function restGet(scope: nock.Scope, root: RootForm, route: string, query: Record<string, string> = {}): nock.Interceptor {
  if (root.form === 'pretty') return scope.get(`/wp-json/${route}`).query(query)
  return scope.get(root.path).query({rest_route: `/${route}`, ...query})
}

export interface FakeSiteOptions {
  root?: RootForm
  /** Home page: the Link header (default), only the <link> tag, or neither. */
  advertise?: 'header' | 'tag' | 'none'
  generator?: string | false
  /** Extra request headers every REST request must carry (e.g. authorization). */
  expectHeaders?: Record<string, string | RegExp>
  /** Leave out the count interceptors (the test adds its own). */
  skipCounts?: boolean
  types?: unknown
  taxonomies?: unknown
  /** The index body, or false to leave the home page and the index to the test. */
  index?: unknown
}

/** Home page, index, types, taxonomies and the six counts of a healthy site. */
export function fakeSite(options: FakeSiteOptions = {}): nock.Scope {
  const root = options.root ?? PRETTY
  const rootUrl = restRootUrl(root)
  const scope = nock(SITE, options.expectHeaders ? {reqheaders: options.expectHeaders} : undefined)
  const advertise = options.advertise ?? 'header'
  if (options.index !== false) {
    nock(SITE)
      .get('/')
      .reply(200, homeHtml({generator: options.generator, linkTag: advertise === 'tag' ? rootUrl : undefined}), {
        ...HTML,
        ...(advertise === 'header' ? {link: `<${rootUrl}>; rel="https://api.w.org/"`} : {}),
      })
    restGet(nock(SITE), root, '', {_fields: INDEX_FIELDS}).reply(200, (options.index ?? INDEX) as nock.Body)
  }

  restGet(scope, root, 'wp/v2/types').reply(200, (options.types ?? TYPES) as nock.Body)
  restGet(scope, root, 'wp/v2/taxonomies').reply(200, (options.taxonomies ?? TAXONOMIES) as nock.Body)
  if (!options.skipCounts) for (const base of Object.keys(COUNTS)) countReply(scope, root, base)
  return scope
}

export function countQuery(base: string): Record<string, string> {
  return {...(POST_TYPE_BASES.has(base) ? {status: 'publish'} : {}), per_page: '1', _fields: 'id'}
}

/** A count answer; `total` null leaves X-WP-Total out. */
export function countReply(scope: nock.Scope, root: RootForm, base: string, total: number | null = COUNTS[base] ?? 0): nock.Scope {
  return restGet(scope, root, `wp/v2/${base}`, countQuery(base)).reply(200, total ? [{id: 1}] : [], {
    ...(total === null ? {} : {'x-wp-total': String(total), 'x-wp-totalpages': String(total)}),
  })
}

/** The payload a healthy fake site yields with the defaults. */
export const EXPECTED_POST_TYPES = {
  post: {label: 'Posts', count: 123, enabled: true, fetch_limit: 100},
  page: {label: 'Pages', count: 12, enabled: true, fetch_limit: 100},
  product: {label: 'Products', count: 45, enabled: false, fetch_limit: 50},
}
export const EXPECTED_TAXONOMIES = {
  category: {label: 'Categories', count: 25, enabled: true, fetch_limit: 100},
  post_tag: {label: 'Tags', count: 102, enabled: true, fetch_limit: 100},
  product_cat: {label: 'Product categories', count: 15, enabled: false, fetch_limit: 50},
}

export function wpError(code: string, message: string, status: number): {code: string; message: string; data: {status: number}} {
  return {code, message, data: {status}}
}
