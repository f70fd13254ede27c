/** Small pieces of human wording shared by the reports. */

/** `1 site`, `3 sites`; `plural(2, 'taxonomy', 'taxonomies')`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** A backend flag that may be unknown (null): `on`, `off` or `unknown`. */
export const onOff = (value: boolean | null): string => (value === null ? 'unknown' : value ? 'on' : 'off')
