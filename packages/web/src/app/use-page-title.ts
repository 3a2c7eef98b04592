import { useEffect } from 'react';

/**
 * Sets the browser tab's title while a page is shown, so tabs and history read well.
 *
 * @example
 * usePageTitle('Catalog'); // "Catalog · Backbeat"
 */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Backbeat` : 'Backbeat';
  }, [title]);
}
