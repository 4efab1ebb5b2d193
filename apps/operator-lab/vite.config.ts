// The app's Vite config: @basiskit/app-shell's (COOP/COEP headers, ES-module workers, relative asset URLs).
import { appViteConfig } from '@basiskit/app-shell/vite';

export default appViteConfig();
