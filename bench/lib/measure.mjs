/**
 * Runs commands as child processes and measures each run's wall time and peak RSS. Runs of the
 * commands compared with each other are interleaved (A B C A B C …) so that a change in machine load
 * during the measurement affects them alike; the ratios printed are between medians of the same run.
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const GNU_TIME = '/usr/bin/time'
const haveTime = fs.existsSync(GNU_TIME)
const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-bench-rss-'))
let rssSeq = 0
process.on('exit', () => fs.rmSync(rssDir, {recursive: true, force: true}))

/**
 * One run: `argv[0]` with `argv.slice(1)`, stdout/stderr captured. Wall time is measured around spawn →
 * exit in this process; peak RSS (KiB) comes from GNU time's %M (the child's ru_maxrss) when available.
 */
export function runOnce(argv, {env, cwd, input, timeoutMs = 120_000, stdoutToFile = false} = {}) {
  const seq = rssSeq++
  const rssFile = path.join(rssDir, `${process.pid}-${seq}`)
  const outFile = path.join(rssDir, `${process.pid}-${seq}.out`)
  const command = haveTime ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...argv] : argv
  return new Promise((resolve, reject) => {
    // stdoutToFile: stdout goes to a file, as in `igny8 … > report.json`, instead of a pipe.
    const outFd = stdoutToFile ? fs.openSync(outFile, 'w') : undefined
    const started = performance.now()
    const child = spawn(command[0], command.slice(1), {env: env ?? process.env, cwd, stdio: ['pipe', outFd ?? 'pipe', 'pipe']})
    if (outFd !== undefined) fs.closeSync(outFd)
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (d) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      const ms = performance.now() - started
      clearTimeout(timer)
      child.on('close', () => {
        let rssKiB
        try {
          const text = fs.readFileSync(rssFile, 'utf8').trim().split('\n')
          rssKiB = Number(text.at(-1))
          // GNU time prints "Command exited with non-zero status N" first when the command failed.
          fs.rmSync(rssFile, {force: true})
        } catch {}

        if (stdoutToFile) {
          stdout = fs.readFileSync(outFile, 'utf8')
          fs.rmSync(outFile, {force: true})
        }

        resolve({ms, startedAt: started, endedAt: started + ms, rssKiB: Number.isFinite(rssKiB) ? rssKiB : undefined, code, signal, stdout, stderr})
      })
    })
    child.stdin.end(input ?? '')
  })
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Interleaved measurement of several named commands: `warmup` unmeasured rounds, then `runs` rounds (a
 * case may ask for fewer of either: `case.warmup`, `case.runs`). `check(result, extra)` may throw to
 * reject a run whose output is wrong: a fast failure is not a fast run. `before`/`after` run around each
 * measured process (e.g. reset and read a server's counters); what `after` returns is kept as `extra`.
 */
export async function measureInterleaved(cases, {warmup = 2, runs = 10, onProgress} = {}) {
  const samples = new Map(cases.map((c) => [c.name, []]))
  const rounds = Math.max(...cases.map((c) => (c.warmup ?? warmup) + (c.runs ?? runs)))
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const caseWarmup = c.warmup ?? warmup
      if (round >= caseWarmup + (c.runs ?? runs)) continue
      // eslint-disable-next-line no-await-in-loop -- before/run/after of one measured process, in order, never overlapping another: timings are wall times
      if (c.before) await c.before()
      // eslint-disable-next-line no-await-in-loop -- one measured process at a time: runs side by side would measure each other's load
      const result = await runOnce(c.argv, c.options)
      // eslint-disable-next-line no-await-in-loop -- reads the server's counters of this run before the next run resets them
      const extra = c.after ? await c.after(result) : undefined
      if (c.check) c.check(result, extra)
      if (round >= caseWarmup) samples.get(c.name).push({...result, extra})
    }

    onProgress?.(round + 1, rounds)
  }

  const summary = {}
  for (const c of cases) {
    const list = samples.get(c.name)
    const ms = list.map((s) => s.ms)
    const rss = list.map((s) => s.rssKiB).filter((v) => v !== undefined)
    summary[c.name] = {
      median: median(ms),
      min: Math.min(...ms),
      max: Math.max(...ms),
      rssKiB: rss.length > 0 ? Math.max(...rss) : undefined,
      samples: list,
    }
  }

  return summary
}
