/**
 * In-process runs (@oclif/test's runCommand) see the real process.stdout: whether it is a terminal
 * depends on how mocha was started. A test that depends on it says which it wants.
 */
export function setStdoutTTY(isTTY: boolean, columns = 120): () => void {
  const saved = {isTTY: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'), columns: Object.getOwnPropertyDescriptor(process.stdout, 'columns')}
  Object.defineProperty(process.stdout, 'isTTY', {value: isTTY || undefined, configurable: true, writable: true})
  Object.defineProperty(process.stdout, 'columns', {value: isTTY ? columns : undefined, configurable: true, writable: true})
  return () => {
    for (const key of ['isTTY', 'columns'] as const) {
      const descriptor = saved[key]
      if (descriptor) Object.defineProperty(process.stdout, key, descriptor)
      else delete (process.stdout as {columns?: number; isTTY?: boolean})[key]
    }
  }
}
