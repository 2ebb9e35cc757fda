// Light or dark: follows the system until the person picks one, which is kept
// (localStorage) and pinned with data-theme on <html>, as theme.css expects.
export type Theme = 'light' | 'dark';

const KEY = 'plasticity-lab.theme';

/** Pins the stored choice, if any; call before the first paint. */
export function applyStoredTheme(): void {
  const t = stored();
  if (t) document.documentElement.dataset.theme = t;
}

/** The theme showing now: the pinned one, else the system's. */
export function currentTheme(): Theme {
  const pinned = document.documentElement.dataset.theme;
  if (pinned === 'light' || pinned === 'dark') return pinned;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function setTheme(t: Theme): void {
  document.documentElement.dataset.theme = t;
  try {
    localStorage.setItem(KEY, t);
  } catch {
    // Storage refused (a private window): the choice lasts for this page only.
  }
}

function stored(): Theme | null {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : null;
  } catch {
    return null;
  }
}
