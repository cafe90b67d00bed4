# 1. Why was the deploy refused? The registry said 409; the checker says which rule and field.
cat deploy.log
study schema check order-v1.avsc order-v2.avsc || true
curl -s "$SCHEMA_REGISTRY_URL/config/orders-value?defaultToGlobal=true"

# 2. Give the new field a default, so the new schema can read orders written with version 1.
sed 's/{"name": "sales_channel", "type": "string"}/{"name": "sales_channel", "type": "string", "default": "web"}/' \
  order-v2.avsc > order-v2-fixed.avsc
study schema check order-v1.avsc order-v2-fixed.avsc

# 3. Ask the registry first, then register it as the next version (subject still BACKWARD).
body=$(python3 -c 'import json, sys; print(json.dumps({"schema": open(sys.argv[1]).read()}))' order-v2-fixed.avsc)
curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$body" \
  "$SCHEMA_REGISTRY_URL/compatibility/subjects/orders-value/versions/latest"
curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$body" \
  "$SCHEMA_REGISTRY_URL/subjects/orders-value/versions"
curl -s "$SCHEMA_REGISTRY_URL/subjects/orders-value/versions"
