import {expect} from 'chai'

import {formatDuration, formatMilliseconds, formatSeconds, parseDuration} from '../../src/lib/duration.js'

describe('durations', () => {
  it('parses a number with a unit (ms, s, m, h, d, any case), or bare seconds', () => {
    expect(parseDuration('26h')).to.equal(26 * 3_600_000)
    expect(parseDuration('90m')).to.equal(90 * 60_000)
    expect(parseDuration('2d')).to.equal(2 * 86_400_000)
    expect(parseDuration('3600s')).to.equal(3_600_000)
    expect(parseDuration('250ms')).to.equal(250)
    expect(parseDuration(' 1.5 H ')).to.equal(5_400_000)
    expect(parseDuration('3600')).to.equal(3_600_000)
    expect(parseDuration('0')).to.equal(0)
  })

  it('parses nothing else', () => {
    for (const bad of ['', 'h', '5x', '-1h', '1e3', '2 days', '1h30m', '.5h', '5%']) expect(parseDuration(bad), bad).to.equal(undefined)
  })

  it('formats an age for humans, rounded to the unit that fits', () => {
    expect(formatDuration(0)).to.equal('0 s')
    expect(formatDuration(-5000)).to.equal('0 s')
    expect(formatDuration(89_000)).to.equal('89 s')
    expect(formatDuration(90_000)).to.equal('2 min')
    expect(formatDuration(89 * 60_000)).to.equal('89 min')
    expect(formatDuration(90 * 60_000)).to.equal('2 h')
    expect(formatDuration(26 * 3_600_000)).to.equal('26 h')
    expect(formatDuration(47 * 3_600_000)).to.equal('47 h')
    expect(formatDuration(48 * 3_600_000)).to.equal('2 days')
    expect(formatDuration(10 * 86_400_000)).to.equal('10 days')
  })

  it('formats how long a request took to the millisecond', () => {
    expect(formatMilliseconds(184)).to.equal('184 ms')
    expect(formatMilliseconds(183.6)).to.equal('184 ms')
    expect(formatMilliseconds(0)).to.equal('0 ms')
  })

  it('formats how long a run took to the hundredth of a second', () => {
    expect(formatSeconds(2414)).to.equal('2.41 s')
    expect(formatSeconds(0)).to.equal('0.00 s')
    expect(formatSeconds(61_010)).to.equal('61.01 s')
  })
})
