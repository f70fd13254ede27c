import type {CheckSettings} from './options.js'
import type {CheckDefinition, CheckOutcome} from './runner.js'
import type {RunSession, SiteSession} from './session.js'

/**
 * The checks of `igny8 integration check`: every link of the WordPress ↔ IGNY8 sync chain, what each
 * one needs first, and what it says when it passes, warns or fails. The data comes from ./session.ts
 * (fetched once per run or site), the verdict logic from the sync and structure libraries.
 */
import {type Integration, integrationSiteId, integrationWordPressUrl, type SyncStatus} from '../backend/contract.js'
import {formatDuration, formatMilliseconds} from '../duration.js'
import {onOff, plural} from '../output/words.js'
import {describeOrigin} from '../structure/report.js'
import {isStructureStored, readContentTypes, structureAgeMs} from '../sync/content-types.js'
import {type DiffEntry, diffStructure} from '../sync/diff.js'
import {countMismatches, pushStructure} from '../sync/push.js'
import {DISCOVERY_LABELS} from '../wordpress/discovery.js'
import {PLUGIN_NAMESPACE} from '../wordpress/igny8-plugin.js'
import {parseSiteUrl} from '../wordpress/site-url.js'
import {describeWpError} from '../wordpress/transport.js'
import {assessDrift, describeDrift} from './drift.js'

const pass = (detail: string): CheckOutcome => ({status: 'pass', detail})
const warn = (detail: string, hint?: string): CheckOutcome => ({status: 'warn', detail, hint})
const fail = (detail: string, hint?: string): CheckOutcome => ({status: 'fail', detail, hint})

const countOf = (items: Record<string, unknown>): number => Object.keys(items).length

// ---------------------------------------------------------------------------------------------
// The backend link, shared by every site of a fleet
// ---------------------------------------------------------------------------------------------

/** `config`, `backend.reachable`, `backend.auth`. With `fleet`, the WordPress side is each site's business. */
export function backendChecks(run: RunSession, mode: 'single' | 'fleet'): CheckDefinition[] {
  return [
    {
      id: 'config',
      title: 'Profile and environment give credentials, an integration and a WordPress URL',
      required: true,
      async run() {
        const context = await run.openBackend()
        const auth = `${context.authMethod === 'api-key' ? 'site API key' : 'email + password (JWT)'} from ${context.credentialSource === 'env' ? 'the environment' : 'the profile'}`
        const head = `profile "${context.profileName}", ${auth}, API ${context.apiUrl}`
        if (mode === 'fleet') return pass(`${head}; every site this login sees, each with its integration's WordPress URL`)
        if (context.integrationId === undefined && run.env.site === undefined) {
          return fail(`${head}; no WordPress integration is chosen`, 'Pass --site ID or --integration ID, set IGNY8_INTEGRATION_ID, or run `igny8 connect` to store one in the profile.')
        }

        const inputs = await run.resolveInputs()
        const who = inputs.credentials ? `as WordPress user "${inputs.credentials.user}"` : 'anonymously'
        return pass(`${head}, integration ${context.integrationId}, WordPress ${inputs.siteUrl.href} (read ${who})`)
      },
    },
    {
      id: 'backend.reachable',
      title: 'The IGNY8 API answers',
      required: true,
      needs: ['config'],
      async run() {
        const {status, ms} = await run.backend.client.probe()
        return pass(`${run.backend.apiUrl} answered HTTP ${status} in ${formatMilliseconds(ms)}`)
      },
    },
    {
      id: 'backend.auth',
      title: 'IGNY8 accepts the credentials',
      required: true,
      needs: ['backend.reachable'],
      async run() {
        const context = run.backend
        const tokenBefore = run.env.readProfile()?.secrets?.accessToken
        const loggedIn = context.login !== undefined
        await context.login?.()
        run.sites = await context.client.listSites()
        const sees = `it sees ${plural(run.sites.length, 'site')}`
        if (mode === 'fleet' && run.sites.length === 0) return warn(`the credentials were accepted, but ${sees}: there is nothing to check`, 'Log in as a user of the account that owns the sites (a site API key sees its own site only).')
        if (context.authMethod === 'api-key') return pass(`the site API key was accepted (Authorization: ${context.client.apiKeyScheme ?? 'Bearer'}); ${sees}`)
        const who = context.user?.email ?? 'the stored user'
        if (loggedIn) return pass(`logged in as ${who} with IGNY8_EMAIL and IGNY8_PASSWORD; ${sees}`)
        const stored = run.env.readProfile()?.secrets
        const refreshed = stored?.accessToken !== undefined && stored.accessToken !== tokenBefore
        const left = Date.parse(stored?.accessTokenExpiresAt ?? '') - Date.now()
        const token = refreshed
          ? 'the access token had expired and was refreshed (the new one is saved in the profile)'
          : `the access token is valid${left > 0 ? ` for another ${formatDuration(left)}` : ''}`
        return pass(`the session of ${who} was accepted: ${token}; ${sees}`)
      },
    },
  ]
}

// ---------------------------------------------------------------------------------------------
// One site: its integration, what the backend stores, its WordPress, and the two compared
// ---------------------------------------------------------------------------------------------

/**
 * The checks of one site. In a single-site run the WordPress side needs only `config`, so it runs
 * beside the backend chain; in a fleet the WordPress URL comes from the integration.
 */
export function siteChecks(site: SiteSession, settings: CheckSettings, mode: 'single' | 'fleet'): CheckDefinition[] {
  const {run} = site
  const client = () => run.backend.client
  // In a fleet a hint names the command for that very site.
  const push = site.siteId === undefined ? '`igny8 structure push`' : `\`igny8 structure push --site ${site.siteId}\``
  const checks: CheckDefinition[] = [
    {
      id: 'integration.found',
      title: 'The WordPress integration exists',
      required: true,
      needs: ['backend.auth'],
      async run() {
        const integration = await site.integration()
        if (integration.platform.toLowerCase() !== 'wordpress') {
          return fail(`integration ${integration.id} is a ${integration.platform} integration, not WordPress`, 'Pass the id of the site\'s WordPress integration (--integration), or run `igny8 connect` again.')
        }

        const detail = describeIntegration(integration, run)
        const url = integrationWordPressUrl(integration)
        if (mode === 'single' && url && !sameSite(url, run.inputs!.siteUrl)) {
          return warn(
            `${detail}, but this check reads WordPress at ${run.inputs!.siteUrl.href}`,
            'IGNY8 and this profile point at different WordPress sites: fix the site URL in the IGNY8 app, or run `igny8 connect --wp-url URL`.',
          )
        }

        return pass(detail)
      },
    },
    {
      id: 'integration.active',
      title: 'The integration is active and syncing',
      required: true,
      needs: ['integration.found'],
      run: async () => integrationActivity(site),
    },
    {
      id: 'structure.stored',
      title: 'IGNY8 holds a site structure',
      required: true,
      needs: ['integration.found'],
      async run() {
        const stored = await site.contentTypes()
        if (!isStructureStored(stored)) {
          return fail(
            `integration ${stored.integrationId} holds no site structure, so the Content Types tab of the IGNY8 app is empty`,
            `Push it with ${push}, or let the IGNY8 plugin sync (it pushes right after connecting, then daily).`,
          )
        }

        return pass(
          `${plural(countOf(stored.post_types), 'post type')} and ${plural(countOf(stored.taxonomies), 'taxonomy', 'taxonomies')} stored ` +
            `(plugin connection ${onOff(stored.plugin_connection_enabled)}, two-way sync ${onOff(stored.two_way_sync_enabled)})`,
        )
      },
    },
    {
      id: 'structure.fresh',
      title: 'The stored structure is recent',
      required: true,
      needs: ['structure.stored'],
      async run() {
        const {last_structure_fetch: last} = await site.contentTypes()
        const age = structureAgeMs(last)
        const limit = formatDuration(settings.maxAgeMs)
        if (!last || age === undefined) return warn(`the backend does not say when the structure was last pushed (last_structure_fetch ${last === null ? 'missing' : `"${last}"`})`)
        const ageSeconds = Math.round(age / 1000)
        if (age > settings.maxAgeMs) {
          return {
            ...fail(
              `last pushed ${last}, ${formatDuration(age)} ago: older than the maximum age of ${limit}`,
              `The IGNY8 plugin pushes daily from WP-cron (igny8_sync_site_structure): check that WP-cron runs on the site, or push now with ${push}.`,
            ),
            ageSeconds,
          }
        }

        if (age < -5 * 60_000) return {...warn(`last pushed ${last}, ${formatDuration(-age)} in the future`, 'The backend\'s clock or this machine\'s is wrong.'), ageSeconds}
        return {...pass(`last pushed ${last}, ${formatDuration(age)} ago (maximum age ${limit})`), ageSeconds}
      },
    },
    {
      id: 'wordpress.reachable',
      title: 'WordPress answers',
      required: true,
      needs: [mode === 'single' ? 'config' : 'integration.found'],
      async run() {
        const [{siteUrl}, {response: home, ms}] = await Promise.all([site.inputs(), site.home()])
        const answered = `${siteUrl.href} answered HTTP ${home.status} in ${formatMilliseconds(ms)}${home.url === siteUrl.href ? '' : ` (redirected to ${home.url})`}`
        if (home.status >= 400) return warn(answered, 'The home page fails for visitors; the REST API may still work (see wordpress.rest).')
        return pass(answered)
      },
    },
    {
      id: 'wordpress.rest',
      title: 'The WordPress REST API answers JSON',
      required: true,
      needs: ['wordpress.reachable'],
      async run() {
        const [{root, via, index, indexError}, {credentials}] = await Promise.all([site.discovery(), site.inputs()])
        const found = `REST root ${root.url} (found via ${DISCOVERY_LABELS[via]})`
        if (index) {
          const plugin = index.namespaces.includes(PLUGIN_NAMESPACE) ? 'the IGNY8 plugin is installed' : 'the IGNY8 plugin is not installed'
          return pass(`${found} answers JSON with ${plural(index.namespaces.length, 'namespace')}; ${plugin}`)
        }

        const said = `${indexError!.status} ${describeWpError(indexError!.error)}`
        if (credentials) return pass(`${found}; its index needs login (${said}) and credentials are configured`)
        return warn(
          `${found}, but it needs login: the index answered ${said}`,
          'Anonymous reads will fail: configure an application password (--wp-user with --wp-app-password-stdin, or IGNY8_WP_USER and IGNY8_WP_APP_PASSWORD).',
        )
      },
    },
    {
      id: 'wordpress.auth',
      title: 'WordPress accepts the application password',
      required: true,
      needs: ['wordpress.rest'],
      async run() {
        const inputs = await site.inputs()
        if (!inputs.credentials) {
          return {status: 'skip', detail: 'no WordPress credentials are configured (--wp-user, IGNY8_WP_USER or the profile), so WordPress is read anonymously'}
        }

        const user = await site.user()
        return pass(`the application password of "${inputs.credentials.user}" was accepted (WordPress user ${user.id}${user.name ? `, ${user.name}` : ''})`)
      },
    },
    {
      id: 'wordpress.structure',
      title: 'WordPress post types and taxonomies can be read',
      required: true,
      needs: ['wordpress.rest'],
      needsUnlessSkipped: ['wordpress.auth'],
      async run() {
        const {payload, report} = await site.live()
        const left = report.excluded.length > 0 ? ` Left out (not public): ${report.excluded.map((e) => e.slug).join(', ')}.` : ''
        return pass(`${plural(countOf(payload.post_types), 'post type')} and ${plural(countOf(payload.taxonomies), 'taxonomy', 'taxonomies')}. ${describeOrigin(report)}${left}`)
      },
    },
    {
      id: 'structure.drift',
      title: 'The stored structure matches WordPress',
      required: false,
      needs: ['structure.stored', 'wordpress.structure'],
      async run() {
        const [stored, {payload}] = await Promise.all([site.contentTypes(), site.live()])
        const drift = assessDrift(stored, payload, settings.driftTolerance)
        const detail = describeDrift(drift, settings.driftTolerance)
        if (drift.beyond.length === 0) return pass(detail)
        return warn(detail, `WordPress changed since the last push: the plugin's next daily sync will catch up, or push now with ${push}.`)
      },
    },
  ]

  if (settings.roundTrip) {
    checks.push({
      id: 'roundtrip',
      title: 'A pushed structure reads back unchanged',
      required: true,
      needs: ['integration.found', 'wordpress.structure'],
      // The push replaces what the stored-structure checks read: they go first, whatever they found.
      after: ['structure.fresh', 'structure.drift'],
      async run() {
        const [integration, {payload}] = await Promise.all([site.integration(), site.live()])
        const pushed = await pushStructure(client(), integration.id, payload)
        const readBack = await readContentTypes(client(), integration.id)
        const differences = diffStructure(readBack, payload)
        const notes = countMismatches(pushed)
        if (differences.length > 0 || notes.length > 0) {
          return fail(
            `pushed to integration ${integration.id}, but what reads back differs: ${[...differences.map((d) => describeRoundTrip(d)), ...notes].join('; ')}`,
            'The backend did not store the structure as sent: look for this update-structure request in the backend logs.',
          )
        }

        return pass(
          `pushed ${plural(countOf(payload.post_types), 'post type')} and ${plural(countOf(payload.taxonomies), 'taxonomy', 'taxonomies')} to integration ${integration.id}; ` +
            `read back, every field of every slug matches (last_structure_fetch ${readBack.last_structure_fetch ?? 'not given'})`,
        )
      },
    })
  }

  return checks
}

function describeIntegration(integration: Integration, run: RunSession): string {
  const siteId = integrationSiteId(integration)
  const name = run.siteName(siteId)
  const site = siteId === undefined ? '' : ` of site ${siteId}${name ? ` "${name}"` : ''}`
  const url = integrationWordPressUrl(integration)
  return `integration ${integration.id} (wordpress)${site}${url ? `, WordPress ${url}` : ', no WordPress URL stored'}`
}

function sameSite(a: string, b: URL): boolean {
  try {
    return parseSiteUrl(a).href === b.href
  } catch {
    return false
  }
}

/** is_active, then sync_enabled and the last sync's status from sync_status when the backend offers it. */
async function integrationActivity(site: SiteSession): Promise<CheckOutcome> {
  const integration = await site.integration()
  if (integration.is_active === false) {
    return fail(`integration ${integration.id} is inactive (is_active false): nothing syncs`, 'Activate the WordPress integration in the IGNY8 app, or reconnect the IGNY8 plugin.')
  }

  let status: SyncStatus | undefined
  let statusProblem: string | undefined
  try {
    status = await site.run.backend.client.syncStatus(integration.id)
  } catch (error) {
    statusProblem = (error as Error).message
  }

  const enabled = status?.sync_enabled ?? integration.sync_enabled
  const syncStatus = status?.sync_status ?? integration.sync_status
  const syncError = status?.sync_error ?? integration.sync_error
  const lastSync = status?.last_sync_at ?? integration.last_sync_at
  const parts = [
    'active',
    enabled === undefined ? 'sync enabled: unknown' : `sync ${enabled ? 'enabled' : 'disabled'}`,
    `sync status ${syncStatus ?? 'unknown'}${lastSync ? ` (last sync ${lastSync})` : ''}`,
    status ? undefined : statusProblem ? `sync_status failed: ${statusProblem}` : 'the backend offers no sync_status; read from the integration',
  ].filter(Boolean)
  const detail = parts.join(', ')
  if (syncStatus === 'error') return warn(`${detail}; the last sync failed: ${syncError ?? 'no error message'}`, 'Check the sync error in the IGNY8 app (Sites → Integrations) and the plugin\'s log (WP_DEBUG).')
  if (enabled === false) return warn(detail, 'Sync is switched off for this integration: enable it in the IGNY8 app.')
  if (statusProblem) return warn(detail)
  return pass(detail)
}

function describeRoundTrip(entry: DiffEntry): string {
  const kind = entry.kind === 'post_types' ? 'post type' : 'taxonomy'
  if (entry.field !== 'exists') return `${kind} ${entry.slug}: ${entry.field} stored ${JSON.stringify(entry.backend)}, pushed ${JSON.stringify(entry.wordpress)}`
  return entry.wordpress ? `${kind} ${entry.slug} was pushed but is not stored` : `${kind} ${entry.slug} is still stored though it was not pushed (merged, not replaced)`
}
