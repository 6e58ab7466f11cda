// While a run trains, leaving or reloading the page would drop it silently: the browser's own
// "Leave site?" prompt asks first. (Browsers show their own text; setting returnValue is what
// makes them ask.)
import { onBeforeUnmount, onMounted } from 'vue';
import { useTrainingStore } from '../stores/trainingStore';

export function useLeaveWarning(): void {
  const training = useTrainingStore();
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!training.active) return;
    event.preventDefault();
    event.returnValue = '';
  };
  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload));
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload));
}
