/** Small pieces of human wording shared by the reports. */

/** `1 site`, `3 sites`; `plural(2, 'taxonomy', 'taxonomies')`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`
