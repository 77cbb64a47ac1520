/** Stream names of the park programme: one stream per park, one per target cell (unit, year, metric). */
export const parkStream = (parkId: string): string => `park-${parkId}`;
export const targetStream = (targetId: string): string => `target-${targetId}`;

/** The park id of a `park-<parkId>` stream, or null for any other stream. */
export function parkIdOfStream(stream: string): string | null {
  return stream.startsWith('park-') && stream.length > 'park-'.length ? stream.slice('park-'.length) : null;
}
