/**
 * A strict XML 1.0 well-formedness check for the JUnit reports, with no dependency: one root element,
 * matched tags, quoted and unique attributes, only the five named entities and valid character
 * references, no `<` or bare `&` in text or attribute values, and only characters XML allows. It
 * returns the element tree (entities decoded) so tests can assert on it; any violation throws with the
 * offset. Comments, CDATA and processing instructions are accepted; DTDs are not (JUnit has none).
 */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** The element's own text, concatenated and decoded. */
  text: string
}

// Tab, LF, CR, and the ranges of the XML 1.0 Char production (the `u` flag makes lone surrogates fail).
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const NAME = /[A-Za-z_:][\w.:-]*/y
const NAMED: Record<string, string> = {lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"}

export function parseXml(source: string): XmlElement {
  const bad = INVALID_CHAR.exec(source)
  if (bad) fail(`character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, bad.index)
  let at = 0

  function fail(message: string, where = at): never {
    throw new Error(`not well-formed XML at offset ${where}: ${message} (near ${JSON.stringify(source.slice(Math.max(0, where - 20), where + 20))})`)
  }

  const skipSpace = () => {
    while (at < source.length && /[ \t\r\n]/.test(source[at]!)) at++
  }

  const expectText = (text: string) => {
    if (!source.startsWith(text, at)) fail(`expected ${JSON.stringify(text)}`)
    at += text.length
  }

  const name = (): string => {
    NAME.lastIndex = at
    const match = NAME.exec(source)
    if (!match) fail('expected a name')
    at += match[0].length
    return match[0]
  }

  /** Decodes references in text or an attribute value; rejects bare `&` and `<`. */
  const decode = (raw: string, offset: number): string =>
    raw.replaceAll(/&([^;&\s]*);?|</g, (whole, ref: string, index: number) => {
      if (whole === '<') fail('"<" in text or an attribute value', offset + index)
      if (!whole.endsWith(';')) fail('"&" that does not start a reference', offset + index)
      if (ref in NAMED) return NAMED[ref]!
      const code = /^#x[0-9a-fA-F]+$/.test(ref) ? Number.parseInt(ref.slice(2), 16) : /^#\d+$/.test(ref) ? Number(ref.slice(1)) : Number.NaN
      if (Number.isNaN(code)) fail(`unknown entity &${ref};`, offset + index)
      if (code > 0x10_ff_ff) fail(`character reference &${ref}; is out of range`, offset + index)
      const char = String.fromCodePoint(code)
      if (INVALID_CHAR.test(char)) fail(`character reference &${ref}; is not an XML character`, offset + index)
      return char
    })

  const misc = () => {
    for (;;) {
      skipSpace()
      if (source.startsWith('<!--', at)) comment()
      else if (source.startsWith('<?', at)) pi()
      else return
    }
  }

  const comment = () => {
    const end = source.indexOf('-->', at + 4)
    if (end === -1) fail('unterminated comment')
    if (source.slice(at + 4, end).includes('--')) fail('"--" inside a comment')
    at = end + 3
  }

  const pi = () => {
    const end = source.indexOf('?>', at + 2)
    if (end === -1) fail('unterminated processing instruction')
    at = end + 2
  }

  const element = (): XmlElement => {
    expectText('<')
    const tag = name()
    const node: XmlElement = {name: tag, attributes: {}, children: [], text: ''}
    for (;;) {
      const before = at
      skipSpace()
      if (source.startsWith('/>', at)) {
        at += 2
        return node
      }

      if (source[at] === '>') {
        at++
        break
      }

      if (at === before) fail('expected whitespace before an attribute')
      const attribute = name()
      if (attribute in node.attributes) fail(`attribute ${attribute} appears twice`)
      skipSpace()
      expectText('=')
      skipSpace()
      const quote = source[at]
      if (quote !== '"' && quote !== "'") fail('attribute value must be quoted')
      const end = source.indexOf(quote, at + 1)
      if (end === -1) fail('unterminated attribute value')
      node.attributes[attribute] = decode(source.slice(at + 1, end), at + 1)
      at = end + 1
    }

    for (;;) {
      const next = source.indexOf('<', at)
      if (next === -1) fail(`element <${tag}> is never closed`)
      const raw = source.slice(at, next)
      if (raw.includes(']]>')) fail('"]]>" in text')
      node.text += decode(raw, at)
      at = next
      if (source.startsWith('</', at)) {
        at += 2
        const closing = name()
        if (closing !== tag) fail(`</${closing}> closes <${tag}>`)
        skipSpace()
        expectText('>')
        return node
      }

      if (source.startsWith('<!--', at)) comment()
      else if (source.startsWith('<![CDATA[', at)) {
        const end = source.indexOf(']]>', at)
        if (end === -1) fail('unterminated CDATA section')
        node.text += source.slice(at + 9, end)
        at = end + 3
      } else if (source.startsWith('<?', at)) pi()
      else node.children.push(element())
    }
  }

  if (source.startsWith('<?xml', at)) {
    const end = source.indexOf('?>', at)
    if (end === -1) fail('unterminated XML declaration')
    if (!/^<\?xml\s+version\s*=\s*(["'])1\.[0-9]\1(\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/.test(source.slice(at, end))) {
      fail('malformed XML declaration')
    }

    at = end + 2
  }

  misc()
  if (source.startsWith('<!DOCTYPE', at)) fail('DOCTYPE is not supported here')
  const root = element()
  misc()
  if (at !== source.length) fail('content after the root element')
  return root
}

/** Every descendant element (depth first) with this name. */
export function findAll(node: XmlElement, name: string): XmlElement[] {
  return node.children.flatMap((child) => [...(child.name === name ? [child] : []), ...findAll(child, name)])
}
