// The page's address holds the experiment: `#v=1&…` (share-link.ts's format) in
// the fragment, so the static host never sees it and any base path works.
// Version-0 links put the run form's settings in the query (`?dataset=&rule=…`).
import { decodeExperiment, type DecodedLink, encodeExperiment } from '../experiment/share-link';
import type { Experiment } from '../experiment/experiment';

export type AddressRead = DecodedLink & { fromQuery: boolean };

/** The experiment an address asks for, or null when it asks for none (then the defaults show). */
export function readAddress(url: { hash: string; search: string }): AddressRead | null {
  const fragment = url.hash.replace(/^#/, '');
  if (fragment !== '') return { ...decodeExperiment(fragment), fromQuery: false };
  const query = url.search.replace(/^\?/, '');
  if (query !== '') return { ...decodeExperiment(query), fromQuery: true };
  return null;
}

/** The address for `e`: this page (its query dropped when it was a version-0 link) with the experiment as fragment. */
export function addressOf(e: Experiment, url: { pathname: string; search: string }, dropQuery: boolean): string {
  return `${url.pathname}${dropQuery ? '' : url.search}#${encodeExperiment(e)}`;
}

/** The browser's address bar, kept in step with the experiment without adding history entries. */
export class AddressBar {
  /** The fragment written last: replaceState fires no hashchange, but a link pasted into the bar does. */
  private written = '';
  /** A version-0 query is dropped the next time the address is written. */
  private dropQuery = false;

  read(): AddressRead | null {
    const read = readAddress(location);
    this.dropQuery = read?.fromQuery ?? false;
    return read;
  }

  write(e: Experiment): void {
    const address = addressOf(e, location, this.dropQuery);
    history.replaceState(history.state, '', address);
    this.written = address.slice(address.indexOf('#'));
    this.dropQuery = false;
  }

  /** Whether the address changed since it was last written here (a link pasted into this tab). */
  changedElsewhere(): boolean {
    return location.hash !== this.written;
  }
}
