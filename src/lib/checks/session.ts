/**
 * What the checks of one run share, fetched once on first use by whichever check needs it first: the
 * backend context (opened by `config`), the sites the login sees (read by `backend.auth`), and per site
 * the integration, the stored content types, the WordPress home page, discovery and verified user, and
 * the live structure (gathered with those, so no WordPress answer is asked for twice). A SiteSession
 * lives only as long as its site's checks, so nothing gathered outlives them.
 */
import type {Got} from 'got'

import type {Integration, Site} from '../backend/contract.js'
import type {Profile} from '../config/profile-store.js'
import type {Deadline} from '../deadline.js'
import type {WpUser} from '../wordpress/schemas.js'

import {type BackendContext, resolveIntegrationId} from '../connection/backend-context.js'
import {chooseSiteById, type ChosenSite, findSiteIntegration, isOwnSite, requireWordPressUrl, siteWordPressUrl} from '../connection/site-target.js'
import {createHttp, type HttpSettings} from '../http/http-client.js'
import {assertCredentialTransport} from '../http/transport-policy.js'
import {type GatherFlagValues, type GatherInputContext, resolveSiteGatherInputs} from '../structure/gather-inputs.js'
import {resolveWordPressTarget} from '../structure/gather-target.js'
import {applicationPasswordsAvailable, type GatherOptions, type GatherResult, gatherStructure} from '../structure/gather.js'
import {type ContentTypesResult, readContentTypes} from '../sync/content-types.js'
import {WordPressClient} from '../wordpress/client.js'
import {type Discovery, RestDiscovery} from '../wordpress/discovery.js'
import {HOME_ACCEPT, WordPressTransport, type WpResponse} from '../wordpress/transport.js'

/** Everything a gather needs except the HTTP client. */
export type GatherInputs = Omit<GatherOptions, 'http'>

/** What the command hands the checks: its settings precedence, profile and HTTP settings. */
export interface CheckEnvironment {
  profileName: string
  /** BaseCommand.openBackend() with the IGNY8_EMAIL/IGNY8_PASSWORD login deferred to `backend.auth`. */
  openBackend: () => Promise<BackendContext>
  /** The stored profile as it is now (a token refresh rewrites it). */
  readProfile: () => Profile | undefined
  /** The gather flags (WordPress side) and BaseCommand.gatherContext(), read when `config` runs. */
  gather: {flags: GatherFlagValues; context: () => Promise<GatherInputContext>}
  http: HttpSettings
  /** `--site ID`: check that site of the login, its integration and WordPress URL from the backend. */
  site?: number
  /** `--integration ID`: with --site, it wins over the site's own (the profile's does not). */
  integration?: number
}

/** A function that runs `work` once and hands every caller the same promise. */
export function once<T>(work: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () => {
    pending ??= work()
    return pending
  }
}

export class RunSession {
  /** The sites the login sees, as `backend.auth` read them. */
  sites: Site[] = []
  /** The WordPress side of a single-site run, resolved by `config`. */
  inputs?: GatherInputs
  /** Set once `config` opened the backend. */
  context?: BackendContext
  private wordpressGot?: Got
  private gatherContextPromise?: Promise<GatherInputContext>

  constructor(readonly env: CheckEnvironment) {}

  /** BaseCommand.gatherContext(), made once for the whole run. */
  gatherContext(): Promise<GatherInputContext> {
    this.gatherContextPromise ??= this.env.gather.context()
    return this.gatherContextPromise
  }

  async openBackend(): Promise<BackendContext> {
    this.context = await this.env.openBackend()
    return this.context
  }

  /** Only after `config` passed (every other check needs it). */
  get backend(): BackendContext {
    if (!this.context) throw new Error('the backend is used before the config check opened it')
    return this.context
  }

  /** Resolves the single-site WordPress inputs (flag > env > profile); may read stdin, so only once. */
  /**
   * The single-site target: with --site, that site's integration and WordPress URL (flags and the
   * environment still win); otherwise flag > env > profile, and the configured integration's WordPress
   * URL when none is given (a CI job configured by the environment alone). May read stdin, so only once.
   */
  async resolveInputs(): Promise<GatherInputs> {
    const {backend} = this
    let site: ChosenSite | undefined
    if (this.env.site !== undefined) {
      // The site list needs the login that backend.auth would otherwise make.
      await backend.login?.()
      const chosen = resolveIntegrationId(this.env.integration, undefined, () => {})
      site = await chooseSiteById(backend, this.env.site, chosen)
      backend.integrationId = site.target.integrationId
    }

    const {inputs} = await resolveWordPressTarget({flags: this.env.gather.flags, context: await this.gatherContext(), site, backend: async () => backend})
    this.inputs = inputs
    return inputs
  }

  /** One got instance for every WordPress site of the run (shared keep-alive agents). */
  http(): Got {
    this.wordpressGot ??= createHttp(this.env.http)
    return this.wordpressGot
  }

  siteName(siteId: number | undefined): string | undefined {
    return this.sites.find((site) => site.id === siteId)?.name
  }

  /**
   * The WordPress side of one site of a fleet: its integration's URL. The profile's WordPress
   * credentials and site API key belong to the profile's own site; every other site is read
   * anonymously, so no secret of one site is ever sent to another.
   */
  async fleetInputs(site: Site, integration: Integration): Promise<GatherInputs> {
    // The integration's URL, else the site's wp_url or domain (connection/site-target.ts).
    const url = requireWordPressUrl({integration, wordpressUrl: siteWordPressUrl(integration, site)})
    const context = await this.gatherContext()
    // A site API key that sees one site is that site's key.
    const own = isOwnSite(site, {profileSiteId: context.profile?.site?.id, authMethod: this.backend.authMethod, visibleSites: this.sites.length})
    return resolveSiteGatherInputs(this.env.gather.flags, context, {url, own})
  }
}

/** One site's data, each piece fetched once. */
export class SiteSession {
  readonly integration: () => Promise<Integration>
  readonly contentTypes: () => Promise<ContentTypesResult>
  readonly inputs: () => Promise<GatherInputs>
  readonly transport: () => Promise<WordPressTransport>
  /** The home page as a browser asks for it, and how long it took. */
  readonly home: () => Promise<{response: WpResponse; ms: number}>
  readonly discovery: () => Promise<Discovery>
  /** The WordPress user the configured application password belongs to (only called with credentials). */
  readonly user: () => Promise<WpUser>
  /** The live structure, read with this session's home page, discovery and verified user. */
  readonly live: () => Promise<GatherResult>

  constructor(
    readonly run: RunSession,
    locate: (session: SiteSession) => Promise<Integration>,
    inputs: (session: SiteSession) => Promise<GatherInputs>,
    /** What this site's WordPress requests go through (a fleet site's carries its deadline). */
    readonly http: Got = run.http(),
    /** A fleet site's id (hints name the command for that very site). */
    readonly siteId?: number,
  ) {
    this.integration = once(() => locate(this))
    this.contentTypes = once(async () => readContentTypes(run.backend.client, (await this.integration()).id))
    this.inputs = once(() => inputs(this))
    this.transport = once(async () => new WordPressTransport(this.http))
    this.home = once(async () => {
      const [{siteUrl}, transport] = await Promise.all([this.inputs(), this.transport()])
      const started = performance.now()
      const response = await transport.get(siteUrl.href, {accept: HOME_ACCEPT})
      return {response, ms: performance.now() - started}
    })
    this.discovery = once(async () => new RestDiscovery(await this.transport()).discover((await this.inputs()).siteUrl, (await this.home()).response))
    this.user = once(async () => {
      const [{root, index}, inputs, transport] = await Promise.all([this.discovery(), this.inputs(), this.transport()])
      if (!inputs.credentials) throw new Error('SiteSession.user() needs WordPress credentials')
      assertCredentialTransport(root.url, 'the WordPress application password', inputs.allowHttp)
      return new WordPressClient(transport, root, inputs.credentials).verifyCredentials(applicationPasswordsAvailable(index))
    })
    this.live = once(async () => {
      const [inputs, transport, discovery] = await Promise.all([this.inputs(), this.transport(), this.discovery()])
      const user = inputs.credentials ? await this.user() : undefined
      return gatherStructure({...inputs, http: this.http, prepared: {transport, discovery, user}})
    })
  }

  /** The site of the profile (or --site): its integration id comes from the configuration. */
  static configured(run: RunSession): SiteSession {
    return new SiteSession(
      run,
      () => run.backend.client.getIntegration(run.backend.integrationId!),
      async () => run.inputs!,
      run.http(),
      run.env.site,
    )
  }

  /**
   * A site of the fleet: its WordPress integration is looked up, its WordPress URL comes from it. Its
   * WordPress requests end when `deadline` passes (--site-timeout).
   */
  static ofFleet(run: RunSession, site: Site, deadline?: Deadline): SiteSession {
    return new SiteSession(
      run,
      async () => findSiteIntegration(run.backend.client, site),
      async (session) => run.fleetInputs(site, await session.integration()),
      deadline ? createHttp({...run.env.http, deadline}) : run.http(),
      site.id,
    )
  }
}
