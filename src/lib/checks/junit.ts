/**
 * JUnit XML for CI systems: one <testsuite> per site (or profile), one <testcase> per check;
 * `fail` (and `warn` under --strict) become <failure>, `skip` becomes <skipped>.
 */
import type {CheckResult} from './runner.js'

export interface JUnitSuite {
  name: string
  checks: CheckResult[]
}

export function toJUnit(suites: JUnitSuite[], options: {strict: boolean; timestamp?: string}): string {
  const timestamp = options.timestamp ?? new Date().toISOString().replace(/\.\d+Z$/, '')
  let tests = 0
  let failures = 0
  let skipped = 0
  let time = 0
  const parts: string[] = []
  for (const suite of suites) {
    const failed = (c: CheckResult): boolean => c.status === 'fail' || (options.strict && c.status === 'warn')
    const suiteFailures = suite.checks.filter((c) => failed(c)).length
    const suiteSkipped = suite.checks.filter((c) => c.status === 'skip').length
    const suiteTime = suite.checks.reduce((sum, c) => sum + c.durationMs, 0) / 1000
    tests += suite.checks.length
    failures += suiteFailures
    skipped += suiteSkipped
    time += suiteTime
    parts.push(
      `  <testsuite name="${xml(suite.name)}" tests="${suite.checks.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" time="${seconds(suiteTime)}" timestamp="${timestamp}">`,
    )
    for (const check of suite.checks) {
      const open = `    <testcase classname="igny8.${xml(check.id.split('.')[0] ?? check.id)}" name="${xml(check.id)}: ${xml(check.title)}" time="${seconds(check.durationMs / 1000)}"`
      const text = [check.detail, check.hint ? `Hint: ${check.hint}` : ''].filter(Boolean).join('\n')
      if (failed(check)) {
        parts.push(`${open}>`, `      <failure message="${xml(check.detail)}" type="${check.status}${check.required ? '' : ' (optional)'}">${xml(text)}</failure>`, '    </testcase>')
      } else if (check.status === 'skip') {
        parts.push(`${open}>`, `      <skipped message="${xml(check.detail)}"/>`, '    </testcase>')
      } else {
        parts.push(`${open}>`, `      <system-out>${xml(`${check.status}: ${text}`)}</system-out>`, '    </testcase>')
      }
    }

    parts.push('  </testsuite>')
  }

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="igny8 integration check" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(time)}">`,
    ...parts,
    '</testsuites>',
    '',
  ].join('\n')
}

function seconds(value: number): string {
  return value.toFixed(3)
}

/** Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry. */
export function xml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
}
