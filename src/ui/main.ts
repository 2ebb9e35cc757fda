// The page's entry: the theme (a stored choice pinned before the first paint), then the app element that index.html already holds.
import './theme.css';
import { applyStoredTheme } from './app/theme';
import './plasticity-app';

applyStoredTheme();
