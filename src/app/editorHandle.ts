/** The mounted canvas, shared by the toolbar, shortcuts and panels (set by GraphCanvas). */
import { shallowRef } from 'vue';
import type { EditorHandle } from '../editor/types';

export const editorHandle = shallowRef<EditorHandle>();
