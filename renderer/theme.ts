// The component library's theme: Aura with a teal primary dark or light enough for WCAG AA text
// contrast on buttons, light or dark with the operating system (like theme.css).
import Aura from '@primeuix/themes/aura';
import { definePreset } from '@primeuix/themes';

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
  },
});

export const theme = { preset, options: { darkModeSelector: 'system' } };
