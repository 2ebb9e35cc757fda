// The page's entry: the theme, then the app element that index.html already holds.
import './theme.css';
import './plasticity-app';
