// The header's light/dark switch (the pick is saved; see theme.ts).
import { chooseTheme, otherTheme } from './theme';
import { useTheme } from './useTheme';

export function ThemeToggle() {
  const theme = useTheme();
  const next = otherTheme(theme);
  return (
    <button
      type="button"
      className="theme-toggle"
      data-testid="theme-toggle"
      data-theme={theme}
      aria-label={`Switch to the ${next} theme`}
      title={`Switch to the ${next} theme`}
      onClick={() => chooseTheme(next)}
    >
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}
