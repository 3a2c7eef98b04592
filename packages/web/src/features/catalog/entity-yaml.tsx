import { useState } from 'react';
import { ErrorState, Loading } from '../../app/ui/status.js';
import { useEntityYaml } from './catalog-api.js';

export function EntityYaml(props: { kind: string; namespace: string; name: string }) {
  const yaml = useEntityYaml(props.kind, props.namespace, props.name);
  const [copied, setCopied] = useState(false);
  if (yaml.isPending) return <Loading />;
  if (yaml.isError) return <ErrorState error={yaml.error} onRetry={() => yaml.refetch()} />;
  const copy = async () => {
    await navigator.clipboard?.writeText(yaml.data);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <section className="card">
      <div className="card-head">
        <h2>Descriptor</h2>
        <button type="button" className="btn btn-small" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre className="code" data-testid="entity-yaml">
        {yaml.data}
      </pre>
    </section>
  );
}
