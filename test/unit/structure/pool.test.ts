import {expect} from 'chai'

import {mapWithConcurrency} from '../../../src/lib/structure/pool.js'

const sleep = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })

describe('mapWithConcurrency', () => {
  it('never runs more than the limit at once and keeps the order of the items', async () => {
    let running = 0
    let peak = 0
    const results = await mapWithConcurrency([30, 5, 20, 1, 10, 2, 8], 3, async (ms, index) => {
      running++
      peak = Math.max(peak, running)
      await sleep(ms)
      running--
      return index
    })
    expect(results).to.deep.equal([0, 1, 2, 3, 4, 5, 6])
    expect(peak).to.equal(3)
  })

  it('runs one at a time with a limit of 1', async () => {
    const order: string[] = []
    await mapWithConcurrency(['a', 'b', 'c'], 1, async (item) => {
      order.push(`start ${item}`)
      await sleep(1)
      order.push(`end ${item}`)
    })
    expect(order).to.deep.equal(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
  })

  it('rejects with the first failure and starts nothing new after it', async () => {
    const started: number[] = []
    let failure: unknown
    try {
      await mapWithConcurrency([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n)
        await sleep(n === 2 ? 1 : 5)
        if (n === 2) throw new Error('boom')
        return n
      })
    } catch (error) {
      failure = error
    }

    expect((failure as Error).message).to.equal('boom')
    await sleep(20)
    expect(started).to.deep.equal([1, 2])
  })

  it('handles an empty list', async () => {
    expect(await mapWithConcurrency([], 8, async () => 1)).to.deep.equal([])
  })
})
