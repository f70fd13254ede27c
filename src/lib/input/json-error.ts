/**
 * One line about why a text is not JSON: JSON.parse's own words, without the raw text it quotes (which
 * may hold newlines) or its offset, and the line and column where the text stops being JSON. Node 20's
 * "Unexpected token" messages carry no position at all, so the position comes from a small scanner.
 */

/** `Unexpected token '}' at line 3, column 1` (the parser's message with the line of the problem). */
export function jsonSyntaxProblem(text: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error)
  const words =
    raw
      .replace(/, ".*" is not valid JSON$/s, '')
      .replaceAll(/(?: in JSON)? at position \d+/g, '')
      .replaceAll(/ \(line \d+ column \d+\)/g, '')
      // eslint-disable-next-line no-control-regex -- control characters never reach a terminal line
      .replaceAll(/[\u0000-\u001F\u007F]+/g, ' ')
      .replaceAll(/\s+/g, ' ')
      .trim() || 'not JSON'
  const offset = positionIn(raw) ?? syntaxErrorOffset(text)
  if (offset === undefined) return words
  const {line, column} = lineAndColumn(text, offset)
  return `${words} at line ${line}, column ${column}`
}

/** The position JSON.parse reported, when it did (not in Node 20's "Unexpected token" messages). */
function positionIn(message: string): number | undefined {
  const at = /at position (\d+)/.exec(message)
  return at ? Number(at[1]) : undefined
}

/** 1-based; an error at the very end is placed just after the last character that is not white space. */
export function lineAndColumn(text: string, offset: number): {line: number; column: number} {
  let at = Math.min(offset, text.length)
  if (at >= text.length) at = text.trimEnd().length
  const before = text.slice(0, at)
  const lastBreak = before.lastIndexOf('\n')
  return {line: before.split('\n').length, column: at - lastBreak}
}

const WHITE = new Set([' ', '\t', '\n', '\r'])
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't'])
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y

/**
 * Where the first syntax error of `text` is (an offset; `text.length` for a text that ends too soon), or
 * undefined for valid JSON. Iterative: a text nested a million levels deep cannot overflow the stack.
 */
export function syntaxErrorOffset(text: string): number | undefined {
  const stack: Array<'[' | '{'> = []
  let i = 0
  let state: 'after' | 'first-key' | 'first-value' | 'key' | 'value' = 'value'
  const skip = (): void => {
    while (i < text.length && WHITE.has(text[i]!)) i++
  }

  /** At a `"`: moves past the string; false (with `i` at the problem) when it is not one. */
  const string = (): boolean => {
    i++
    while (i < text.length) {
      const c = text[i]!
      if (c === '"') {
        i++
        return true
      }

      if (c === '\\') {
        const next = text[i + 1]
        if (next === 'u') {
          if (!/^[\dA-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) return false
          i += 6
          continue
        }

        if (next === undefined || !ESCAPES.has(next)) return false
        i += 2
        continue
      }

      if (c < ' ') return false
      i++
    }

    return false
  }

  /** A number, true, false or null; false (with `i` where JSON.parse complains) when there is none. */
  const scalar = (): boolean => {
    SCALAR.lastIndex = i
    if (SCALAR.test(text)) {
      i = SCALAR.lastIndex
      return true
    }

    i += literalPrefix(text, i)
    return false
  }

  for (;;) {
    skip()
    const c = text[i]
    switch (state) {
      case 'first-value':
      case 'value': {
        if (state === 'first-value' && c === ']') {
          stack.pop()
          i++
          state = 'after'
          break
        }

        if (c === '{' || c === '[') {
          stack.push(c)
          i++
          state = c === '{' ? 'first-key' : 'first-value'
          break
        }

        if (!(c === '"' ? string() : scalar())) return i
        state = 'after'
        break
      }

      case 'first-key':
      case 'key': {
        if (state === 'first-key' && c === '}') {
          stack.pop()
          i++
          state = 'after'
          break
        }

        if (c !== '"' || !string()) return i
        skip()
        if (text[i] !== ':') return i
        i++
        state = 'value'
        break
      }

      case 'after': {
        const top = stack.at(-1)
        if (!top) return i < text.length ? i : undefined
        if (c === ',') {
          i++
          state = top === '{' ? 'key' : 'value'
        } else if (c === (top === '{' ? '}' : ']')) {
          stack.pop()
          i++
        } else {
          return i
        }

        break
      }
    }
  }
}

/** How much of `true`, `false` or `null` starts at `at` (JSON.parse complains about the first character after it). */
function literalPrefix(text: string, at: number): number {
  for (const word of ['true', 'false', 'null']) {
    if (text[at] !== word[0]) continue
    let length = 1
    while (length < word.length && text[at + length] === word[length]) length++
    return length
  }

  return 0
}
