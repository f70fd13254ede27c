/**
 * `igny8 sandbox serve` as a library: a local backend that speaks the IGNY8 API as
 * docs/backend-contract.md describes it, for end-to-end tests and demos. See server.ts for the request
 * pipeline and control.ts for the test hooks.
 */
export {startSandbox, type Sandbox, type SandboxCredentials, type SandboxSiteCredentials} from './server.js'
export {LIST_SHAPES, REFRESH_PATHS, DEFAULT_WP_URL, type ListShape, type RefreshPath, type RequestLogEntry, type SandboxOptions, type SeedOptions} from './options.js'
export {faultSpecSchema, type FaultSpec} from './faults.js'
export {SandboxStateError} from './store.js'
