# 1. The producer's serializer looks its schema up in the subject (auto-registration is off): 40403.
tail -n 3 shipping-service.log
curl -s "$SCHEMA_REGISTRY_URL/subjects/shipments-value/versions"                # [1]
curl -s "$SCHEMA_REGISTRY_URL/subjects/shipments-value/versions?deleted=true"   # [1,2]: v2 soft-deleted

# 2. Register the service's schema again, as the deploy pipeline would: a new version, same schema id.
body=$(python3 -c 'import json, sys; print(json.dumps({"schema": open(sys.argv[1]).read()}))' shipment-v2.avsc)
curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$body" \
  "$SCHEMA_REGISTRY_URL/subjects/shipments-value/versions"
curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$body" \
  "$SCHEMA_REGISTRY_URL/subjects/shipments-value"                               # the producer's lookup

# 3. The producer recovers on its own (it retries every send).
for _ in $(seq 1 60); do
  if tail -n 5 shipping-service.log | grep -q '^sent shipment'; then
    tail -n 2 shipping-service.log
    exit 0
  fi
  sleep 1
done
echo "shipping-service is still failing" >&2
exit 1
