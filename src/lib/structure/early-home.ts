/**
 * The first request of every gather is the site's home page (REST discovery starts there), and it needs
 * nothing but the URL and got. When the URL comes from --wp-url or IGNY8_WP_URL (which win over the
 * profile), `structure gather` sends it before loading the rest of its code (zod, the schemas, the
 * profile store, the gather itself): that loading then happens while the request is on the wire
 * instead of before it. The request is anonymous, as discovery's always is; credentials are only
 * sent later, after the transport checks of the gather.
 */
import {createHttp, type HttpSettings} from '../http/http-client.js'
import {parseSiteUrl} from '../wordpress/site-url.js'
import {HOME_ACCEPT, WordPressTransport, type WpResponse} from '../wordpress/transport.js'
import type {PreparedGather} from './gather.js'

export interface EarlyHome {
  siteUrl: URL
  http: import('got').Got
  transport: WordPressTransport
  home: Promise<WpResponse>
}

/** Sends the home page request of `rawUrl`; undefined (nothing sent) without a usable URL. */
export async function requestHomeEarly(rawUrl: string | undefined, settings: HttpSettings): Promise<EarlyHome | undefined> {
  if (!rawUrl) return undefined
  let siteUrl: URL
  try {
    siteUrl = parseSiteUrl(rawUrl)
  } catch {
    // The gather reports the bad URL, with its usual words and exit code.
    return undefined
  }

  const http = await createHttp(settings)
  const transport = new WordPressTransport(http)
  const home = transport.get(siteUrl.href, {accept: HOME_ACCEPT})
  // Awaited by discovery; a failure here must not be reported as unhandled before that.
  home.catch(() => {})
  return {siteUrl, http, transport, home}
}

/** What the gather of `siteUrl` can take over from `early`: only the same site's request. */
export function preparedBy(early: EarlyHome | undefined, siteUrl: URL): PreparedGather | undefined {
  return early && early.siteUrl.href === siteUrl.href ? {transport: early.transport, home: early.home} : undefined
}
