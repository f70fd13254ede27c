export {type FaultSpec, faultSpecSchema} from './faults.js'
export {DEFAULT_WP_URL, LIST_SHAPES, type ListShape, REFRESH_PATHS, type RefreshPath, type RequestLogEntry, type SandboxOptions, type SeedOptions} from './options.js'
/**
 * `igny8 sandbox serve` as a library: a local backend that speaks the IGNY8 API as
 * docs/backend-contract.md describes it, for end-to-end tests and demos. See server.ts for the request
 * pipeline and control.ts for the test hooks.
 */
export {type Sandbox, type SandboxCredentials, type SandboxSiteCredentials, startSandbox} from './server.js'
export {SandboxStateError} from './store.js'
