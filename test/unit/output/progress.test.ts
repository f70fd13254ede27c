import {expect} from 'chai'

import {formatClock} from '../../../src/lib/duration.js'
import {ProgressBar, terminalWidth} from '../../../src/lib/output/progress.js'

function fakeStream(isTTY: boolean, columns = 80): {isTTY: boolean; columns: number; written: string[]; write(text: string): boolean} {
  const written: string[] = []
  return {isTTY, columns, written, write: (text: string) => written.push(text) > 0}
}

describe('ProgressBar', () => {
  it('draws sites done, failing so far and the time taken on one line that fits the terminal, and erases it', () => {
    const stream = fakeStream(true, 60)
    const bar = new ProgressBar(stream, 4)
    bar.tick(false)
    bar.tick(true)
    bar.tick(false)
    bar.tick(false)
    const last = stream.written.at(-1)!
    expect(last.startsWith('\r\u001B[2K')).to.equal(true)
    expect(last.slice('\r\u001B[2K'.length)).to.match(/^\[█+\] 4\/4 sites · 1 failing · 0:00$/)
    expect(bar.line().length).to.be.at.most(60)
    bar.clear()
    expect(stream.written.at(-1)).to.equal('\r\u001B[2K')
  })

  it('is redrawn at most ten times a second, and the last site always shows', () => {
    const stream = fakeStream(true)
    const bar = new ProgressBar(stream, 1000)
    for (let i = 0; i < 1000; i++) bar.tick(i % 10 === 0)
    expect(stream.written.length).to.be.below(10)
    expect(stream.written.at(-1)).to.include('1000/1000 sites · 100 failing')
  })

  it('draws nothing when stderr is not a terminal', () => {
    const stream = fakeStream(false)
    const bar = new ProgressBar(stream, 3)
    bar.tick(true)
    bar.tick(true)
    bar.tick(true)
    bar.clear()
    expect(stream.written).to.deep.equal([])
  })

  it('tables fit the terminal, or 80 columns when stdout is not one', () => {
    expect(terminalWidth({isTTY: false, columns: 200})).to.equal(80)
    expect(terminalWidth({isTTY: true, columns: 100})).to.equal(100)
    expect(terminalWidth({isTTY: true, columns: 30})).to.equal(60)
  })

  it('formats the time taken as a clock', () => {
    expect(formatClock(0)).to.equal('0:00')
    expect(formatClock(42_400)).to.equal('0:42')
    expect(formatClock(725_000)).to.equal('12:05')
    expect(formatClock(3_729_000)).to.equal('1:02:09')
  })
})
