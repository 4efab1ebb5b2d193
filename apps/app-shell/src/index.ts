// The page side and the message types; the worker side is '@basiskit/app-shell/worker' (it loads
// tfjs, which stays out of the page), the Vite config '@basiskit/app-shell/vite'.
export * from './page';
export * from './protocol';
