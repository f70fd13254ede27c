/**
 * The WordPress version, when a site still tells: the generator meta tag of the home page
 * (`<meta name="generator" content="WordPress 6.1.9" />`) or the feed's
 * `<generator>https://wordpress.org/?v=6.1.9</generator>`. Many sites remove both; then it stays unknown.
 */
export function versionFromHtml(html: string): string | undefined {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/\bname\s*=\s*["']?generator["']?/i.test(tag)) continue
    const content = /\bcontent\s*=\s*["']WordPress\s+([0-9][\w.-]*)["']/i.exec(tag)
    if (content) return content[1]
  }

  return undefined
}

export function versionFromFeed(xml: string): string | undefined {
  return /<generator>\s*https?:\/\/wordpress\.org\/\?v=([0-9][\w.-]*)\s*<\/generator>/i.exec(xml)?.[1]
}

/** Whether a page looks like WordPress made it, to tell "REST is off" from "not WordPress at all". */
export function looksLikeWordPress(html: string): boolean {
  return versionFromHtml(html) !== undefined || /\/wp-(content|includes)\//.test(html)
}

/** The RSS feed URL that works with pretty and plain permalinks alike. */
export function feedUrl(home: string): string {
  const url = new URL(home)
  url.search = '?feed=rss2'
  url.hash = ''
  return url.href
}
