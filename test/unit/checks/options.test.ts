import {expect} from 'chai'

import {parseCheckFlags, parseMaxAge, parseShard, parseTolerance, sitesOfShard, tolerates} from '../../../src/lib/checks/options.js'
import {isCliError} from '../../../src/lib/errors.js'

function usage(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(isCliError(error), String(error)).to.equal(true)
    expect((error as {exitCode: number}).exitCode).to.equal(2)
    return (error as Error).message
  }

  return expect.fail('expected a usage error')
}

const idsOf = (sites: Array<{id: number}>) => sites.map((s) => s.id)
/** A flag not given: the parsers take `string | undefined` (not an optional parameter), as oclif hands flags over. */
const NOT_GIVEN = undefined

describe('checks: flag values', () => {
  describe('--drift-tolerance', () => {
    it('parses N and N%, default 0', () => {
      expect(parseTolerance(NOT_GIVEN)).to.deep.equal({kind: 'absolute', value: 0})
      expect(parseTolerance('5')).to.deep.equal({kind: 'absolute', value: 5})
      expect(parseTolerance('2.5%')).to.deep.equal({kind: 'percent', value: 2.5})
      expect(parseTolerance(' 10 % ')).to.deep.equal({kind: 'percent', value: 10})
      for (const bad of ['', 'abc', '-1', '5%%', '%', '1e3']) expect(usage(() => parseTolerance(bad))).to.include('--drift-tolerance')
    })

    it('an absolute tolerance allows |live - stored| ≤ N; a percentage is of the stored count', () => {
      const zero = parseTolerance(NOT_GIVEN)
      expect(tolerates(zero, 123, 123)).to.equal(true)
      expect(tolerates(zero, 123, 124)).to.equal(false)
      expect(tolerates(parseTolerance('2'), 123, 125)).to.equal(true)
      expect(tolerates(parseTolerance('2'), 123, 121)).to.equal(true)
      expect(tolerates(parseTolerance('2'), 123, 126)).to.equal(false)
      const tenPercent = parseTolerance('10%')
      expect(tolerates(tenPercent, 200, 220)).to.equal(true)
      expect(tolerates(tenPercent, 200, 180)).to.equal(true)
      expect(tolerates(tenPercent, 200, 221)).to.equal(false)
      // Nothing stored: any growth is beyond a percentage.
      expect(tolerates(tenPercent, 0, 1)).to.equal(false)
      expect(tolerates(tenPercent, 0, 0)).to.equal(true)
    })
  })

  describe('--max-age', () => {
    it('defaults to 26 h and takes the durations of content-types', () => {
      expect(parseMaxAge(NOT_GIVEN)).to.equal(26 * 3600 * 1000)
      expect(parseMaxAge('2d')).to.equal(2 * 86_400_000)
      expect(parseMaxAge('90m')).to.equal(90 * 60_000)
      expect(parseMaxAge('3600')).to.equal(3_600_000)
      for (const bad of ['5x', '', '0', '-1h']) expect(usage(() => parseMaxAge(bad))).to.include('--max-age')
    })
  })

  describe('--shard', () => {
    it('accepts K/N with 1 ≤ K ≤ N and nothing else', () => {
      expect(parseShard('1/1')).to.deep.equal({index: 1, count: 1})
      expect(parseShard('3/4')).to.deep.equal({index: 3, count: 4})
      for (const bad of ['0/2', '3/2', '1/0', '2', '1/2/3', 'a/b', '-1/2', '1.5/2', '']) expect(usage(() => parseShard(bad))).to.include('--shard')
    })

    it('splits any fleet so that the N shards cover every site exactly once, whatever order the backend lists them in', () => {
      for (const size of [0, 1, 2, 3, 7, 20, 101]) {
        const sites = Array.from({length: size}, (_v, i) => ({id: 1000 - i * 7}))
        const shuffled = [...sites].sort(() => Math.random() - 0.5)
        for (const count of [1, 2, 3, 5, 8]) {
          const slices = Array.from({length: count}, (_v, k) => idsOf(sitesOfShard(shuffled, {index: k + 1, count})))
          const all = slices.flat()
          expect(all.length, `${size} sites / ${count} shards`).to.equal(size)
          expect(new Set(all).size).to.equal(size)
          // Deterministic: the same slice from another order of the same list.
          expect(sitesOfShard(sites, {index: 1, count}).map((s) => s.id)).to.deep.equal(slices[0])
          // Balanced: slices differ by at most one site.
          const lengths = slices.map((s) => s.length)
          expect(Math.max(...lengths) - Math.min(...lengths)).to.be.at.most(1)
        }
      }
    })

    it('takes every N-th site by id, starting at K-1', () => {
      const sites = [{id: 5}, {id: 1}, {id: 3}, {id: 2}, {id: 4}]
      expect(sitesOfShard(sites, {index: 1, count: 2}).map((s) => s.id)).to.deep.equal([1, 3, 5])
      expect(sitesOfShard(sites, {index: 2, count: 2}).map((s) => s.id)).to.deep.equal([2, 4])
      expect(sitesOfShard(sites, NOT_GIVEN).map((s) => s.id)).to.deep.equal([1, 2, 3, 4, 5])
    })
  })

  it('parseCheckFlags checks the gather flags too, so a typo is exit 2 and not a failing check', () => {
    const base = {'round-trip': false, strict: false}
    expect(parseCheckFlags(base)).to.deep.equal({
      settings: {maxAgeMs: 26 * 3600 * 1000, driftTolerance: {kind: 'absolute', value: 0}, roundTrip: false, strict: false},
      shard: undefined,
    })
    expect(usage(() => parseCheckFlags({...base, 'fetch-limit': ['post=0']}))).to.include('--fetch-limit')
    expect(usage(() => parseCheckFlags({...base, 'wp-url': 'ftp://x'}))).to.include('WordPress URL')
    expect(usage(() => parseCheckFlags({...base, enable: ['post'], disable: ['post']}))).to.include('both enabled and disabled')
    expect(parseCheckFlags({...base, shard: '2/3', strict: true}).shard).to.deep.equal({index: 2, count: 3})
  })
})
