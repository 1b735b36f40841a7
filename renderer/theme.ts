// The component library's theme: Aura with a teal primary dark or light enough for WCAG AA text
// contrast on buttons, light or dark with the operating system (like theme.css).
import Aura from '@primeuix/themes/aura';
import { definePreset } from '@primeuix/themes';

/** Message text of every severity in one shade of its colour (e.g. '800': {green.800} for success). */
const messageColours = (shade: string) => {
  const palette = { info: 'blue', success: 'green', warn: 'yellow', error: 'red' } as const;
  return Object.fromEntries(
    Object.entries(palette).map(([severity, hue]) => {
      const colour = `{${hue}.${shade}}`;
      return [severity, { color: colour, outlined: { color: colour, borderColor: colour }, simple: { color: colour } }];
    }),
  );
};

const preset = definePreset(Aura, {
  semantic: {
    primary: {
      50: '{teal.50}',
      100: '{teal.100}',
      200: '{teal.200}',
      300: '{teal.300}',
      400: '{teal.400}',
      500: '{teal.500}',
      600: '{teal.600}',
      700: '{teal.700}',
      800: '{teal.800}',
      900: '{teal.900}',
      950: '{teal.950}',
    },
    colorScheme: {
      light: {
        primary: { color: '{primary.700}', contrastColor: '#ffffff', hoverColor: '{primary.800}', activeColor: '{primary.900}' },
      },
      dark: {
        primary: { color: '{primary.300}', contrastColor: '{surface.950}', hoverColor: '{primary.200}', activeColor: '{primary.100}' },
      },
    },
  },
  components: {
    // Aura's outlined secondary text (surface.500) and red.500 text are below AA contrast on white.
    button: {
      colorScheme: {
        light: {
          outlined: { secondary: { color: '{surface.700}', borderColor: '{surface.400}' }, danger: { color: '{red.700}', borderColor: '{red.600}' } },
          text: { danger: { color: '{red.700}' } },
        },
      },
    },
    // Aura's message text is below AA contrast on its own background: light x.600 on x.50 (2.9-4.4:1),
    // dark x.500 on a tint of it (about 4.1:1 for info and error). x.800 and x.300 are above 6:1.
    message: { colorScheme: { light: messageColours('800'), dark: messageColours('300') } },
  },
});

export const theme = { preset, options: { darkModeSelector: 'system' } };
