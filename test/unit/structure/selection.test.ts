import {expect} from 'chai'

import type {CliError} from '../../../src/lib/errors.js'

import {applyOverrides, isCoreInternal, NO_OVERRIDES, parseOverrides, withDefaults} from '../../../src/lib/structure/selection.js'

const structure = () => ({
  post_types: withDefaults('post_types', [
    {slug: 'post', label: 'Posts', count: 3},
    {slug: 'page', label: 'Pages', count: 2},
    {slug: 'product', label: 'Products', count: 1},
  ]),
  taxonomies: withDefaults('taxonomies', [
    {slug: 'category', label: 'Categories', count: 4},
    {slug: 'post_tag', label: 'Tags', count: 5},
    {slug: 'genre', label: 'Genres', count: 6},
  ]),
})

function thrown(fn: () => unknown): CliError {
  try {
    fn()
  } catch (error) {
    return error as CliError
  }

  throw new Error('expected an error')
}

describe('structure selection', () => {
  it('leaves out core internals, including wp_* types newer WordPress adds', () => {
    for (const slug of ['attachment', 'nav_menu_item', 'wp_block', 'wp_template', 'wp_template_part', 'wp_navigation', 'wp_global_styles', 'wp_font_family', 'wp_font_face', 'wp_something_new']) {
      expect(isCoreInternal('post_types', slug), slug).to.equal(true)
    }

    for (const slug of ['nav_menu', 'link_category', 'post_format', 'wp_pattern_category', 'wp_theme']) expect(isCoreInternal('taxonomies', slug), slug).to.equal(true)
    for (const slug of ['post', 'page', 'product', 'wpcf7_contact_form']) expect(isCoreInternal('post_types', slug), slug).to.equal(false)
    for (const slug of ['category', 'post_tag', 'product_cat']) expect(isCoreInternal('taxonomies', slug), slug).to.equal(false)
  })

  it('enables post, page, category and post_tag with 100; others disabled with 50', () => {
    const s = structure()
    expect(s.post_types.post).to.deep.equal({label: 'Posts', count: 3, enabled: true, fetch_limit: 100})
    expect(s.post_types.product).to.deep.equal({label: 'Products', count: 1, enabled: false, fetch_limit: 50})
    expect(s.taxonomies.post_tag?.enabled).to.equal(true)
    expect(s.taxonomies.genre).to.deep.equal({label: 'Genres', count: 6, enabled: false, fetch_limit: 50})
  })

  it('parses repeated and comma-separated overrides', () => {
    const overrides = parseOverrides({enable: ['product, genre', 'post'], disable: ['page'], fetchLimit: ['product=250', 'genre=5,post=1']})
    expect([...overrides.enable]).to.deep.equal(['product', 'genre', 'post'])
    expect([...overrides.fetchLimits]).to.deep.equal([['product', 250], ['genre', 5], ['post', 1]])
    const applied = applyOverrides(structure(), overrides)
    expect(applied.post_types.product).to.deep.equal({label: 'Products', count: 1, enabled: true, fetch_limit: 250})
    expect(applied.post_types.page?.enabled).to.equal(false)
    expect(applied.taxonomies.genre).to.include({enabled: true, fetch_limit: 5})
  })

  it('changes nothing without overrides and does not touch its input', () => {
    const s = structure()
    expect(applyOverrides(s, NO_OVERRIDES)).to.deep.equal(s)
    applyOverrides(s, parseOverrides({disable: ['post']}))
    expect(s.post_types.post?.enabled).to.equal(true)
  })

  it('rejects malformed overrides with exit 2', () => {
    expect(thrown(() => parseOverrides({fetchLimit: ['product']}))).to.include({exitCode: 2, code: 'invalid_fetch_limit'})
    expect(thrown(() => parseOverrides({fetchLimit: ['product=-3']}))).to.include({exitCode: 2})
    expect(thrown(() => parseOverrides({fetchLimit: ['product=1.5']}))).to.include({exitCode: 2})
    expect(thrown(() => parseOverrides({enable: ['Product']}))).to.include({exitCode: 2, code: 'invalid_slug'})
    expect(thrown(() => parseOverrides({enable: ['page'], disable: ['page']}))).to.include({exitCode: 2, code: 'conflicting_overrides'})
  })

  it('names every unknown slug and lists the known ones (exit 2)', () => {
    const error = thrown(() => applyOverrides(structure(), parseOverrides({enable: ['products'], fetchLimit: ['constructor=3']})))
    expect(error).to.include({exitCode: 2, code: 'unknown_slug'})
    expect(error.message).to.equal('Unknown slugs "products", "constructor": this site has post types: post, page, product; taxonomies: category, post_tag, genre.')
  })

  it('explains that a core internal is never gathered', () => {
    const error = thrown(() => applyOverrides(structure(), parseOverrides({enable: ['attachment']})))
    expect(error.hint).to.equal('attachment is a WordPress internal and never gathered.')
  })
})
