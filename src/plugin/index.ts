/** `adgen/unplugin`: the unplugin instance behind adgen/vite, adgen/rollup, adgen/esbuild and adgen/webpack (`unplugin.rspack` and others too). */
export { unplugin, unplugin as default, type AdgenPluginOptions } from "./plugin.js";
