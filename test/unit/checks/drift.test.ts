import {expect} from 'chai'

import {assessDrift, describeDrift} from '../../../src/lib/checks/drift.js'
import {parseTolerance} from '../../../src/lib/checks/options.js'

/** No --drift-tolerance: parseTolerance takes `string | undefined` (not an optional parameter), as oclif hands flags over. */
const NOT_GIVEN = undefined
const item = (count: number, extra: Record<string, unknown> = {}) => ({label: 'L', count, enabled: true, fetch_limit: 100, ...extra})

const stored = {
  post_types: {post: item(123), page: item(12), product: item(45)},
  taxonomies: {category: item(25), post_tag: item(102)},
}

describe('checks: structure drift', () => {
  it('no drift when slugs and counts match; labels, enabled and fetch_limit are not drift', () => {
    const live = {
      post_types: {post: item(123, {label: 'Articles', enabled: false}), page: item(12), product: item(45, {fetch_limit: 50})},
      taxonomies: {category: item(25), post_tag: item(102)},
    }
    const drift = assessDrift(stored, live, parseTolerance(NOT_GIVEN))
    expect(drift).to.deep.equal({beyond: [], tolerated: []})
    expect(describeDrift(drift, parseTolerance(NOT_GIVEN))).to.equal('WordPress matches the stored structure')
  })

  it('names every added and removed slug and every count change with both counts', () => {
    const live = {
      post_types: {post: item(125), page: item(12), product: item(45), event: item(3)},
      taxonomies: {category: item(24)},
    }
    const drift = assessDrift(stored, live, parseTolerance(NOT_GIVEN))
    expect(drift.beyond.map((e) => `${e.kind}.${e.slug}.${e.field}`)).to.deep.equal([
      'post_types.event.exists',
      'post_types.post.count',
      'taxonomies.category.count',
      'taxonomies.post_tag.exists',
    ])
    const text = describeDrift(drift, parseTolerance(NOT_GIVEN))
    expect(text).to.equal(
      'WordPress differs from the stored structure: post type event is new in WordPress; post type post: count 123 → 125 (+2); ' +
        'taxonomy category: count 25 → 24 (-1); taxonomy post_tag is gone from WordPress',
    )
  })

  it('a tolerance lets small count changes through but never an added or removed slug', () => {
    const live = {
      post_types: {post: item(125), page: item(20), product: item(45), event: item(1)},
      taxonomies: {category: item(25), post_tag: item(102)},
    }
    const absolute = assessDrift(stored, live, parseTolerance('2'))
    expect(absolute.tolerated.map((e) => e.slug)).to.deep.equal(['post'])
    expect(absolute.beyond.map((e) => e.slug)).to.deep.equal(['event', 'page'])
    expect(describeDrift(absolute, parseTolerance('2'))).to.match(/; within the tolerance of 2: post type post: count 123 → 125 \(\+2\)$/)

    const percent = assessDrift(stored, live, parseTolerance('70%'))
    expect(percent.tolerated.map((e) => e.slug)).to.deep.equal(['page', 'post'])
    expect(percent.beyond.map((e) => e.slug)).to.deep.equal(['event'])
  })

  it('a stored item without a count is drift, whatever the tolerance', () => {
    const drift = assessDrift({post_types: {post: {label: 'Posts'}}, taxonomies: {}}, {post_types: {post: item(1)}, taxonomies: {}}, parseTolerance('100%'))
    expect(drift.beyond).to.deep.equal([{kind: 'post_types', slug: 'post', field: 'count', backend: null, wordpress: 1}])
  })
})
