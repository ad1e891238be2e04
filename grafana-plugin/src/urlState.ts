import { useSearchParams } from 'react-router-dom';

/** Changes to a page's query parameters: a value sets one, undefined or empty removes it. */
export type UrlUpdate = (changes: Record<string, string | undefined>) => void;

/** A page's state in its URL (so every view is a link): the current parameters and a way to change some. */
export function useUrlState(): [URLSearchParams, UrlUpdate] {
  const [search, setSearch] = useSearchParams();
  const update: UrlUpdate = (changes) => {
    const next = new URLSearchParams(search);
    for (const [name, value] of Object.entries(changes)) {
      if (value) {
        next.set(name, value);
      } else {
        next.delete(name);
      }
    }
    setSearch(next);
  };
  return [search, update];
}
