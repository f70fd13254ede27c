/**
 * Picking the IGNY8 site for `connect`: by id, domain, slug or name; the API key's own site; the only
 * site; or a choice on a terminal. Ambiguity is a usage error that lists the choices.
 */
import type {Site} from '../backend/contract.js'

import {CliError, ExitCode} from '../errors.js'

export function normalizeDomain(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '')
}

/** Sites matching a `--site` value: an exact id first, then domain, slug, and name (case-insensitive). */
export function matchSites(sites: Site[], query: string): Site[] {
  const q = query.trim()
  if (/^\d+$/.test(q)) {
    const byId = sites.filter((site) => site.id === Number(q))
    if (byId.length > 0) return byId
  }

  const domain = normalizeDomain(q)
  const byDomain = sites.filter((site) => [site.domain, site.wp_url].some((d) => d && normalizeDomain(d) === domain))
  if (byDomain.length > 0) return byDomain
  const bySlug = sites.filter((site) => site.slug && site.slug.toLowerCase() === q.toLowerCase())
  if (bySlug.length > 0) return bySlug
  return sites.filter((site) => site.name.trim().toLowerCase() === q.toLowerCase())
}

export function describeSite(site: Site): string {
  const domain = site.domain ?? site.wp_url
  return `${site.id}  ${site.name}${domain ? `  (${domain})` : ''}`
}

export interface ChooseSiteOptions {
  sites: Site[]
  query?: string
  /** The site API key used to log in, to find the key's own site. */
  apiKey?: string
  /** Asks on a terminal; undefined when there is none. */
  ask?: (question: string) => Promise<string>
}

export async function chooseSite({sites, query, apiKey, ask}: ChooseSiteOptions): Promise<Site> {
  if (sites.length === 0) {
    throw new CliError('This login cannot see any IGNY8 site.', {
      code: 'no_sites',
      exitCode: ExitCode.notConnected,
      hint: 'Create a site in the IGNY8 app, or ask an owner to grant you access to one.',
    })
  }

  if (query) {
    const matches = matchSites(sites, query)
    if (matches.length === 1) return matches[0]!
    if (matches.length === 0) {
      throw new CliError(`No site matches "${query}". Choices: ${listChoices(sites)}.`, {
        code: 'site_not_found',
        exitCode: ExitCode.usage,
        hint: 'Pass --site with one of the ids, domains or names listed.',
      })
    }

    throw ambiguous(`"${query}" matches ${matches.length} sites`, matches)
  }

  if (apiKey) {
    const own = sites.filter((site) => site.wp_api_key && site.wp_api_key === apiKey)
    if (own.length === 1) return own[0]!
  }

  if (sites.length === 1) return sites[0]!
  if (ask) {
    const lines = sites.map((site, index) => `  ${index + 1}) ${describeSite(site)}`).join('\n')
    for (let attempt = 0; attempt < 3; attempt++) {
      // eslint-disable-next-line no-await-in-loop -- one question at a time, asked again after a wrong answer
      const answer = (await ask(`Several sites are available:\n${lines}\nWhich one (number, id, domain or name)? `)).trim()
      const index = Number(answer)
      if (/^\d+$/.test(answer) && index >= 1 && index <= sites.length) return sites[index - 1]!
      const matches = matchSites(sites, answer)
      if (matches.length === 1) return matches[0]!
    }
  }

  throw ambiguous(`This login can see ${sites.length} sites; choose one with --site`, sites)
}

function listChoices(sites: Site[]): string {
  const shown = sites.slice(0, 20).map((site) => describeSite(site))
  return shown.join('; ') + (sites.length > 20 ? `; … and ${sites.length - 20} more` : '')
}

function ambiguous(reason: string, sites: Site[]): CliError {
  return new CliError(`${reason}: ${listChoices(sites)}.`, {
    code: 'site_ambiguous',
    exitCode: ExitCode.usage,
    hint: 'Pass --site with an id, domain or name (or set IGNY8_SITE).',
  })
}
