import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {CheckResult} from '../../../src/lib/checks/runner.js'

import {toJUnit} from '../../../src/lib/checks/junit.js'
import {assertOutputTarget} from '../../../src/lib/files.js'
import {findAll, parseXml} from '../../helpers/xml.js'

const result = (id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  title: `Title of ${id}`,
  status,
  required: true,
  durationMs: 1234,
  detail: `${id} detail`,
  ...extra,
})

const NASTY = `a <b> & "c" 'd' ]]> --> \u0001\u0008 e\u000B \uFFFE \uD800 lone, ok 😀 line1\nline2\ttab`

/** xmllint, when the machine has it (Debian: libxml2-utils): a second, independent opinion. */
function xmllint(xml: string): void {
  if (spawnSync('xmllint', ['--version']).error) return
  const run = spawnSync('xmllint', ['--noout', '-'], {input: xml, encoding: 'utf8'})
  expect(run.status, run.stderr).to.equal(0)
}

describe('checks: JUnit XML', () => {
  it('one suite per site, one test case per check; counts, time and classnames as CI systems read them', () => {
    const xml = toJUnit(
      [
        {name: 'backend (profile default)', checks: [result('config', 'pass'), result('backend.reachable', 'pass', {durationMs: 20})]},
        {
          name: 'site 3 Shop',
          classPrefix: 'igny8.site3',
          properties: {siteId: '3', integrationId: '103'},
          checks: [result('integration.found', 'pass'), result('structure.fresh', 'fail'), result('structure.drift', 'warn', {required: false}), result('roundtrip', 'skip')],
        },
      ],
      {strict: false, timestamp: '2026-01-02T03:04:05'},
    )
    const root = parseXml(xml)
    xmllint(xml)
    expect(root.name).to.equal('testsuites')
    expect(root.attributes).to.deep.include({tests: '6', failures: '1', errors: '0', skipped: '1'})
    const suites = findAll(root, 'testsuite')
    expect(suites.map((s) => s.attributes.name)).to.deep.equal(['backend (profile default)', 'site 3 Shop'])
    expect(suites[1]!.attributes).to.deep.include({tests: '4', failures: '1', skipped: '1', time: '4.936', timestamp: '2026-01-02T03:04:05'})
    expect(findAll(suites[1]!, 'property').map((p) => p.attributes)).to.deep.equal([
      {name: 'siteId', value: '3'},
      {name: 'integrationId', value: '103'},
    ])
    const cases = findAll(suites[1]!, 'testcase')
    expect(cases.map((c) => c.attributes.classname)).to.deep.equal(['igny8.site3.integration', 'igny8.site3.structure', 'igny8.site3.structure', 'igny8.site3.roundtrip'])
    expect(cases[1]!.attributes).to.deep.include({name: 'structure.fresh: Title of structure.fresh', time: '1.234'})
    expect(findAll(cases[1]!, 'failure')[0]!.attributes).to.deep.equal({message: 'structure.fresh detail', type: 'fail'})
    expect(findAll(cases[2]!, 'failure')).to.have.length(0)
    expect(findAll(cases[2]!, 'system-out')[0]!.text).to.equal('warn: structure.drift detail')
    expect(findAll(cases[3]!, 'skipped')[0]!.attributes.message).to.equal('roundtrip detail')
    expect(findAll(suites[0]!, 'testcase')[0]!.attributes.classname).to.equal('igny8.config')
  })

  it('under --strict a warning is a failure (marked optional when the check is)', () => {
    const xml = toJUnit([{name: 's', checks: [result('structure.drift', 'warn', {required: false})]}], {strict: true})
    const failure = findAll(parseXml(xml), 'failure')[0]!
    expect(failure.attributes.type).to.equal('warn (optional)')
  })

  it('escapes markup, keeps line breaks in attributes, and drops what XML cannot carry', () => {
    const xml = toJUnit([{name: NASTY, properties: {[`k`]: NASTY}, checks: [result('config', 'fail', {detail: NASTY, hint: NASTY, title: NASTY})]}], {strict: false})
    const root = parseXml(xml)
    xmllint(xml)
    const suite = findAll(root, 'testsuite')[0]!
    // eslint-disable-next-line no-control-regex -- the control characters XML 1.0 cannot carry, which toJUnit must drop
    const clean = NASTY.replaceAll(/[\u0001\u0008\u000B\uFFFE]|\uD800/g, '')
    expect(suite.attributes.name).to.equal(clean)
    expect(findAll(root, 'property')[0]!.attributes.value).to.equal(clean)
    const failure = findAll(root, 'failure')[0]!
    expect(failure.attributes.message).to.equal(clean)
    expect(failure.text).to.equal(`${clean}\nHint: ${clean}`)
    expect(findAll(root, 'testcase')[0]!.attributes.name).to.equal(`config: ${clean}`)
  })

  it('the checker used here rejects what is not well-formed', () => {
    for (const bad of ['<a>', '<a></b>', '<a x="1" x="2"/>', '<a>&nbsp;</a>', '<a>1 < 2</a>', '<a b=c/>', '<a/><b/>', '<a>\u0001</a>', '<a>&#1;</a>', '<a x="<"/>']) {
      expect(() => parseXml(bad), bad).to.throw(/not well-formed/)
    }

    expect(parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a x="&#10;&lt;"><!-- c --><b/>t&amp;<![CDATA[<raw>]]></a>\n')).to.deep.include({
      name: 'a',
      attributes: {x: '\n<'},
      text: 't&<raw>',
    })
  })

  it('a report folder that is missing or read-only is a usage error found before any check runs; - is stdout', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-junit-'))
    try {
      assertOutputTarget(path.join(dir, 'report.xml'), 'JUnit report')
      assertOutputTarget('-', 'JUnit report')
      expect(() => assertOutputTarget(path.join(dir, 'missing', 'report.xml'), 'JUnit report'))
        .to.throw('Cannot write the JUnit report')
        .that.satisfies((error: {exitCode: number; message: string}) => error.exitCode === 2 && error.message.includes('does not exist or is not writable'))
    } finally {
      fs.rmSync(dir, {recursive: true, force: true})
    }
  })
})
