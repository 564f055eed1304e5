/** `adgen/vite`: the adgen plugin for Vite, `plugins: [adgen()]` (see plugin.ts and the README). */
import { unplugin } from "./plugin.js";

export type { AdgenPluginOptions } from "./plugin.js";
export default unplugin.vite;
