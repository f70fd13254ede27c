/**
 * lib/output/format.ts: every format of the rows (table, json, csv, tsv, yaml) with the values that
 * need escaping or quoting, --fields, --json against --format, and the TTY rule.
 */
import {expect} from 'chai'

import {isCliError} from '../../../src/lib/errors.js'
import {chooseOutput, formatRows, parseFields, type Row, yamlScalar} from '../../../src/lib/output/format.js'

const FIELDS = ['slug', 'count', 'enabled', 'label'] as const
const ROWS: Row[] = [
  {slug: 'post', count: 123, enabled: true, label: 'Posts'},
  {slug: 'genre', count: 4, enabled: false, label: 'Genres, "tags"\tand\nmore'},
  {slug: 'page', count: undefined, enabled: undefined, label: null},
]

const rows = (format: 'csv' | 'json' | 'table' | 'tsv' | 'yaml', header = true, fields: readonly string[] = FIELDS) => formatRows(ROWS, {format, header, fields}, {width: 200})

function usageFailure(run: () => unknown): {message: string; exitCode: number; code: string} {
  try {
    run()
  } catch (error) {
    if (isCliError(error)) return {message: error.message, exitCode: error.exitCode, code: error.code}
    throw error
  }

  throw new Error('expected a usage error')
}

const choose = (request: {format?: 'csv' | 'json' | 'table' | 'tsv' | 'yaml'; fields?: string; json?: boolean}, tty: boolean, rowsInPipe = true) =>
  chooseOutput({json: false, ...request, valid: FIELDS, rowsInPipe, stdout: {isTTY: tty}})

describe('output formats (--format, --fields)', () => {
  it('tsv: a header when asked, nothing for none, tabs and line breaks escaped', () => {
    const escaped = String.raw`Genres, "tags"\tand\nmore`
    expect(rows('tsv')).to.equal(['slug\tcount\tenabled\tlabel', 'post\t123\ttrue\tPosts', `genre\t4\tfalse\t${escaped}`, 'page\t\t\t'].join('\n'))
    expect(rows('tsv', false).split('\n')[0]).to.equal('post\t123\ttrue\tPosts')
    expect(formatRows([], {format: 'tsv', header: false, fields: FIELDS})).to.equal('')
    expect(formatRows([{slug: String.raw`a\b`}], {format: 'tsv', header: false, fields: ['slug']})).to.equal(String.raw`a\\b`)
  })

  it('csv (RFC 4180): a header, quotes around commas, quotes and line breaks, quotes doubled', () => {
    expect(rows('csv')).to.equal(['slug,count,enabled,label', 'post,123,true,Posts', 'genre,4,false,"Genres, ""tags""\tand\nmore"', 'page,,,'].join('\n'))
    expect(formatRows([{slug: ' x'}], {format: 'csv', header: false, fields: ['slug']})).to.equal('" x"')
    expect(formatRows([], {format: 'csv', header: true, fields: FIELDS})).to.equal('slug,count,enabled,label')
  })

  it('json: an array of objects with the fields in order, typed values, null for nothing', () => {
    const text = rows('json', true, ['label', 'count'])
    expect(JSON.parse(text)).to.deep.equal([
      {label: 'Posts', count: 123},
      {label: 'Genres, "tags"\tand\nmore', count: 4},
      {label: null, count: null},
    ])
    expect(Object.keys(JSON.parse(text)[0])).to.deep.equal(['label', 'count'])
    expect(formatRows([], {format: 'json', header: true, fields: FIELDS})).to.equal('[]')
  })

  it('yaml: a list of flat mappings, strings quoted only when a reader would take them for something else', () => {
    expect(rows('yaml')).to.equal(
      [
        '- slug: post',
        '  count: 123',
        '  enabled: true',
        '  label: Posts',
        '- slug: genre',
        '  count: 4',
        '  enabled: false',
        String.raw`  label: "Genres, \"tags\"\tand\nmore"`,
        '- slug: page',
        '  count: null',
        '  enabled: null',
        '  label: null',
      ].join('\n'),
    )
    expect(formatRows([], {format: 'yaml', header: true, fields: FIELDS})).to.equal('[]')
    for (const plain of ['post', 'Product categories', 'integration.found', 'a-b_c', 'Catégories', 'x:y', 'C#']) expect(yamlScalar(plain), plain).to.equal(plain)
    for (const quoted of ['', 'yes', 'No', 'null', '~', 'on', '123', '1.5', '-3', '.5', '2026-01-01', '1:30', '- item', 'key: value', 'a #comment', '#x', '*ref', '&a', '!tag', '@x', '`x`', "'q'", '"q"', '{a}', '[a]', ' lead', 'trail ', 'a\nb', 'tab\t', '.inf', 'line\u2028sep']) {
      expect(yamlScalar(quoted), JSON.stringify(quoted)).to.match(/^".*"$/)
      expect(JSON.parse(yamlScalar(quoted)), JSON.stringify(quoted)).to.equal(quoted)
    }

    expect(yamlScalar(7)).to.equal('7')
    expect(yamlScalar(false)).to.equal('false')
    expect(yamlScalar(null)).to.equal('null')
  })

  it('table: box-drawn with a header, no colour, numbers right-aligned, yes/no, - for nothing; wrapped to the width', () => {
    const text = formatRows([ROWS[0]!, {slug: 'page'}], {format: 'table', header: true, fields: FIELDS}, {width: 200})
    expect(text.split('\n')).to.deep.equal([
      '┌──────┬───────┬─────────┬───────┐',
      '│ slug │ count │ enabled │ label │',
      '├──────┼───────┼─────────┼───────┤',
      '│ post │   123 │ yes     │ Posts │',
      '├──────┼───────┼─────────┼───────┤',
      '│ page │     - │ -       │ -     │',
      '└──────┴───────┴─────────┴───────┘',
    ])
    const long = formatRows([{id: 'structure.drift', detail: 'word '.repeat(40).trim()}], {format: 'table', header: true, fields: ['id', 'detail']}, {width: 60})
    expect(long.split('\n').every((line) => [...line].length <= 60)).to.equal(true)
    expect(long.split('\n').length).to.be.above(5)
    // eslint-disable-next-line no-control-regex -- matches terminal colour codes
    expect(long).to.not.match(/\u001B\[/)
  })

  it('--fields picks and orders the columns; an unknown one is exit 2 naming the valid ones', () => {
    expect(parseFields('count, slug,count', FIELDS)).to.deep.equal(['count', 'slug'])
    expect(rows('csv', true, parseFields('label,slug', FIELDS)).split('\n')[1]).to.equal('Posts,post')
    const unknown = usageFailure(() => parseFields('slug,size', FIELDS))
    expect(unknown).to.deep.include({exitCode: 2, code: 'unknown_field'})
    expect(unknown.message).to.equal('Unknown field "size" for --fields: the fields are slug, count, enabled, label.')
    expect(usageFailure(() => parseFields(' , ', FIELDS)).exitCode).to.equal(2)
  })

  describe('the choice (TTY rule)', () => {

    it('no --format: the report on a terminal; in a pipe TSV rows without a header when the report is tables, else the report', () => {
      expect(choose({}, true)).to.deep.equal({kind: 'report'})
      expect(choose({}, false)).to.deep.equal({kind: 'rows', format: 'tsv', header: false, fields: [...FIELDS]})
      expect(choose({}, false, false)).to.deep.equal({kind: 'report'})
    })

    it('--format is obeyed on a terminal and in a pipe, with a header', () => {
      for (const tty of [true, false]) {
        expect(choose({format: 'tsv'}, tty, false)).to.deep.equal({kind: 'rows', format: 'tsv', header: true, fields: [...FIELDS]})
        expect(choose({format: 'table', fields: 'count'}, tty)).to.deep.equal({kind: 'rows', format: 'table', header: true, fields: ['count']})
      }
    })

    it('--fields alone means rows: a table on a terminal, TSV in a pipe', () => {
      expect(choose({fields: 'slug'}, true, false)).to.deep.equal({kind: 'rows', format: 'table', header: true, fields: ['slug']})
      expect(choose({fields: 'slug'}, false, false)).to.deep.equal({kind: 'rows', format: 'tsv', header: false, fields: ['slug']})
    })

    it('--json is the whole result document: with --format or --fields it is exit 2; alone it is the report', () => {
      expect(choose({json: true}, false)).to.deep.equal({kind: 'report'})
      for (const request of [{format: 'json' as const}, {fields: 'slug'}]) {
        const failure = usageFailure(() => choose({...request, json: true}, false))
        expect(failure.exitCode).to.equal(2)
        expect(failure.message).to.match(/^--(format|fields) cannot be used with --json/)
      }
    })
  })
})
