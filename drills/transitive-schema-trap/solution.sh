# 1. See it: the audit job (reader v3) fails on the oldest records only.
cat audit.log
for n in 1 2 3; do
  curl -sf "$SCHEMA_REGISTRY_URL/subjects/payments-value/versions/$n/schema" > "v$n.avsc"
done
study schema check v1.avsc v2.avsc v3.avsc --level BACKWARD                 # passes: v3 vs v2 only
study schema check v1.avsc v2.avsc v3.avsc --level BACKWARD_TRANSITIVE || true   # fails: v3 cannot read v1

# 2. Make the registry compare a new version with every earlier one.
curl -sf -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
  --data '{"compatibility": "BACKWARD_TRANSITIVE"}' "$SCHEMA_REGISTRY_URL/config/payments-value"

# 3. Version 4: `amount` becomes a union that holds v1's strings and v3's longs (null when absent).
cat > v4.avsc <<'AVSC'
{
  "type": "record",
  "name": "Payment",
  "namespace": "shop.payments",
  "fields": [
    {"name": "payment_id", "type": "long"},
    {"name": "amount", "type": ["null", "string", "long"], "default": null,
     "doc": "v1 wrote decimal text, v3 writes cents"}
  ]
}
AVSC
study schema check v1.avsc v2.avsc v3.avsc v4.avsc --level BACKWARD_TRANSITIVE
body=$(python3 -c 'import json, sys; print(json.dumps({"schema": open(sys.argv[1]).read()}))' v4.avsc)
curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$body" \
  "$SCHEMA_REGISTRY_URL/subjects/payments-value/versions"
curl -s "$SCHEMA_REGISTRY_URL/config/payments-value"
