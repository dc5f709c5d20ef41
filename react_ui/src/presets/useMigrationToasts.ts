// Nodes migrated while a graph loaded (`nodes_migrated`) or when a module changed under a
// running node (`node_rebound` with `migrated`): a small toast each.
import { useEffect } from 'react';
import type { WorkerClient } from '../protocol/client';
import { useToast } from '../ui/toast';
import { migratedText } from './model';

export function useMigrationToasts(client: Pick<WorkerClient, 'on'>): void {
  const toast = useToast();
  useEffect(() => {
    const offs = [
      client.on('nodes_migrated', (data) => {
        const text = migratedText(data);
        if (text) toast.push(text, 'info');
      }),
      client.on('node_rebound', (data) => {
        if (data.migrated) toast.push(`${data.node.name} migrated: ${data.migrated}`, 'info');
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client, toast]);
}
