/**
 * Scripted failures, queued through the control hook and consumed by matching API requests (first
 * match wins, `times` uses each). What a fault does:
 * - `status` / `body` (with `contentType`): answer that instead of the real thing (no effect on state);
 * - `headers`, `contentType` and `delayMs` alone: the real answer, later and/or relabelled;
 * - `drop`: headers and half a body, then the socket is destroyed;
 * - `hang`: never answer;
 * - `applyThenFail`: perform the real request (its effect is stored), then answer as above
 *   (status defaults to 500): "stored but the reply was lost".
 */
import {z} from 'zod'

export const faultSpecSchema = z.strictObject({
  method: z.string().min(1).optional(),
  /** Substring of the request's path name; empty matches every API request. */
  path: z.string().default(''),
  times: z.number().int().min(1).default(1),
  status: z.number().int().min(100).max(599).optional(),
  headers: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** A string is sent raw; anything else as JSON. */
  body: z.unknown().optional(),
  contentType: z.string().min(1).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  drop: z.boolean().optional(),
  hang: z.boolean().optional(),
  applyThenFail: z.boolean().optional(),
})
export type FaultSpec = z.input<typeof faultSpecSchema>
export type Fault = z.output<typeof faultSpecSchema> & {id: number}

/** One spec or an array of them. */
export const faultRequestSchema = z.union([faultSpecSchema, z.array(faultSpecSchema).min(1)])

export class FaultQueue {
  private faults: Fault[] = []
  private nextId = 1

  add(specs: Array<z.output<typeof faultSpecSchema>>): Fault[] {
    const added = specs.map((spec) => ({...spec, id: this.nextId++}))
    this.faults.push(...added)
    return added
  }

  clear(): number {
    const count = this.faults.length
    this.faults = []
    return count
  }

  pending(): Fault[] {
    return this.faults.map((fault) => ({...fault}))
  }

  /** Takes one use of the first fault matching the request, if any. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find((candidate) => (!candidate.method || candidate.method.toUpperCase() === method) && path.includes(candidate.path))
    if (!fault) return undefined
    fault.times -= 1
    if (fault.times <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault)
    return {...fault}
  }
}

/** Whether the fault replaces the answer (else it only delays it and/or adds headers). */
export function replacesAnswer(fault: Fault): boolean {
  return fault.status !== undefined || fault.body !== undefined || Boolean(fault.drop) || Boolean(fault.hang) || Boolean(fault.applyThenFail)
}
