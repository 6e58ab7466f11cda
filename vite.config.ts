import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  build: {
    // elkjs (auto-arrange) is loaded on demand in its own chunk and is larger than this.
    chunkSizeWarningLimit: 1600,
  },
});
