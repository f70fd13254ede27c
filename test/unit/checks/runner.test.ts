import {expect} from 'chai'

import {type CheckDefinition, type CheckOutcome, type CheckResult, isOk, runChecks, summarize} from '../../../src/lib/checks/runner.js'
import {CliError, ExitCode} from '../../../src/lib/errors.js'
import {registerSecret} from '../../../src/lib/secrets.js'

const check = (id: string, outcome: CheckOutcome | (() => Promise<CheckOutcome>), extra: Partial<CheckDefinition> = {}): CheckDefinition => ({
  id,
  title: `title of ${id}`,
  required: true,
  run: typeof outcome === 'function' ? outcome : async () => outcome,
  ...extra,
})

const pass = (detail = 'ok'): CheckOutcome => ({status: 'pass', detail})
const byId = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.id, r]))
/** A check's run: waits `ms`, then passes. */
const wait = (ms: number) => async () => {
  await new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
  return pass()
}

/** A result with only a status and whether it is required. */
const r = (status: CheckResult['status'], required = true): CheckResult => ({id: status, title: '', status, required, durationMs: 0, detail: ''})

describe('checks: runner', () => {
  it('returns results in the order given, with the fields of the spec in its order', async () => {
    const results = await runChecks([check('b', pass('second'), {needs: ['a']}), check('a', {status: 'warn', detail: 'first', hint: 'do this'})])
    expect(results.map((r) => r.id)).to.deep.equal(['b', 'a'])
    expect(Object.keys(results[1]!)).to.deep.equal(['id', 'title', 'status', 'required', 'durationMs', 'detail', 'hint'])
    expect(results[1]).to.deep.include({id: 'a', title: 'title of a', status: 'warn', required: true, detail: 'first', hint: 'do this'})
    expect(results[0]).to.not.have.property('hint')
  })

  it('skips everything downstream of a failure, naming the root cause, without running it', async () => {
    let ran = 0
    const counted = (id: string, extra: Partial<CheckDefinition>) =>
      check(
        id,
        async () => {
          ran++
          return pass()
        },
        extra,
      )
    const results = byId(
      await runChecks([
        check('config', pass()),
        check('backend.reachable', {status: 'fail', detail: 'connection refused'}, {needs: ['config']}),
        counted('backend.auth', {needs: ['backend.reachable']}),
        counted('integration.found', {needs: ['backend.auth']}),
        counted('wordpress.reachable', {needs: ['config']}),
      ]),
    )
    expect(ran).to.equal(1)
    expect(results['backend.auth']).to.deep.include({status: 'skip', detail: 'skipped: backend.reachable failed', durationMs: 0})
    expect(results['integration.found']).to.deep.include({status: 'skip', detail: 'skipped: backend.reachable failed'})
    expect(results['wordpress.reachable']!.status).to.equal('pass')
  })

  it('a warning does not block what needs it', async () => {
    const results = byId(await runChecks([check('a', {status: 'warn', detail: 'meh'}), check('b', pass(), {needs: ['a']})]))
    expect(results.b!.status).to.equal('pass')
  })

  it('`needsUnlessSkipped` tolerates a skipped optional step but not its failure', async () => {
    const results = byId(
      await runChecks([
        check('optional', {status: 'skip', detail: 'not configured'}),
        check('uses', pass(), {needsUnlessSkipped: ['optional']}),
        check('broken', {status: 'fail', detail: 'no'}),
        check('blocked', pass(), {needsUnlessSkipped: ['broken']}),
      ]),
    )
    expect(results.uses!.status).to.equal('pass')
    expect(results.blocked).to.deep.include({status: 'skip', detail: 'skipped: broken failed'})
  })

  it('`after` only orders: it waits for the checks, whatever their outcome', async () => {
    const order: string[] = []
    const results = byId(
      await runChecks([
        check('slow', async () => {
          await new Promise((resolve) => {
            setTimeout(resolve, 30)
          })
          order.push('slow')
          return pass()
        }),
        check('broken', {status: 'fail', detail: 'no'}),
        check(
          'next',
          async () => {
            order.push('next')
            return pass()
          },
          {after: ['slow', 'broken']},
        ),
      ]),
    )
    expect(results.next!.status).to.equal('pass')
    expect(order).to.deep.equal(['slow', 'next'])
  })

  it('a check skipped on its own (not applicable) is "was skipped" for what needs it', async () => {
    const results = byId(await runChecks([check('auth', {status: 'skip', detail: 'no credentials'}), check('uses', pass(), {needs: ['auth']})]))
    expect(results.uses!.detail).to.equal('skipped: auth was skipped')
  })

  it('runs independent chains side by side', async () => {
    const started = performance.now()
    await runChecks([check('a', wait(80)), check('b', wait(80)), check('c', wait(80), {needs: ['a']}), check('d', wait(80), {needs: ['b']})])
    // Two chains of 160 ms side by side; one after the other would take 320 ms.
    expect(performance.now() - started).to.be.within(155, 290)
  })

  it('uses given results (shared checks run once) without returning them', async () => {
    const shared: CheckResult = {id: 'backend.auth', title: 't', status: 'pass', required: true, durationMs: 5, detail: 'ok'}
    const failed: CheckResult = {...shared, status: 'fail'}
    expect((await runChecks([check('site', pass(), {needs: ['backend.auth']})], [shared])).map((r) => r.status)).to.deep.equal(['pass'])
    expect((await runChecks([check('site', pass(), {needs: ['backend.auth']})], [failed]))[0]!.detail).to.equal('skipped: backend.auth failed')
  })

  it('turns a thrown CliError into a failure with its hint and request id; anything else into an unexpected error', async () => {
    const results = byId(
      await runChecks([
        check('cli', async () => {
          throw new CliError('Integration 7 was not found.', {code: 'integration_not_found', exitCode: ExitCode.notConnected, hint: 'Run igny8 connect.', requestId: 'req-1'})
        }),
        check('bug', async () => {
          throw new TypeError('x is undefined')
        }),
      ]),
    )
    expect(results.cli).to.deep.include({status: 'fail', detail: 'Integration 7 was not found. (request id req-1)', hint: 'Run igny8 connect.'})
    expect(results.bug).to.deep.include({status: 'fail', detail: 'unexpected error: x is undefined'})
  })

  it('masks secrets in details and hints', async () => {
    registerSecret('s3cret-app-password')
    const [result] = await runChecks([check('a', {status: 'fail', detail: 'sent s3cret-app-password', hint: 'not s3cret-app-password'})])
    expect(result!.detail).to.equal('sent ***')
    expect(result!.hint).to.equal('not ***')
  })

  it('rejects unknown prerequisites, duplicates and cycles instead of hanging', async () => {
    await runChecks([check('a', pass(), {needs: ['nope']})]).then(
      () => expect.fail('should reject'),
      (error: Error) => expect(error.message).to.include('unknown check nope'),
    )
    await runChecks([check('a', pass()), check('a', pass())]).then(
      () => expect.fail('should reject'),
      (error: Error) => expect(error.message).to.include('defined twice'),
    )
    await runChecks([check('a', pass(), {needs: ['b']}), check('b', pass(), {after: ['a']})]).then(
      () => expect.fail('should reject'),
      (error: Error) => expect(error.message).to.match(/cycle: (a → b → a|b → a → b)/),
    )
  })

  it('required vs optional decides the verdict; --strict fails on warnings and optional failures too', () => {
    expect(isOk([r('pass'), r('skip'), r('warn'), r('fail', false)], false)).to.equal(true)
    expect(isOk([r('pass'), r('fail')], false)).to.equal(false)
    expect(isOk([r('pass'), r('warn')], true)).to.equal(false)
    expect(isOk([r('pass'), r('fail', false)], true)).to.equal(false)
    expect(isOk([r('pass'), r('skip')], true)).to.equal(true)
    expect(summarize([r('pass'), r('pass'), r('warn'), r('skip')])).to.deep.equal({pass: 2, warn: 1, fail: 0, skip: 1})
  })
})
