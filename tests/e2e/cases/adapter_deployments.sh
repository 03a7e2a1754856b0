# GitHub deployments (GraphQL shape), Bitbucket deployments (ROLLED_BACK is
# a rolled-back deployment; UNDEPLOYED is no outcome), against
# scripts/ref-adapters.py; environments matching (?i)prod are production.
. "$E2E_ROOT/tests/e2e/adapters.sh"
sample github_deployments github-deployments github-deployments/deployments-graphql.jsonl deployments
sample bitbucket_deployments bitbucket-deployments bitbucket/deployments.jsonl deployments
echo "--- the rolled-back one"
dump s_bitbucket_deployments deployments | sed -n '1p;/,rolled_back,/p'
rejects s_bitbucket_deployments | sed "s#$E2E_DATA#DATA#g" | cut -c1-160
echo "--- GitHub REST deployments as 'gh api' writes them: a top-level array,"
echo "--- each with its statuses (newest first) joined in; written for this test"
cat >rest.json <<'JSON'
[
  {"id": 101, "sha": "a1b2c3", "ref": "v1.2.0", "task": "deploy", "environment": "production",
   "creator": {"login": "octocat"}, "created_at": "2024-05-01T10:00:00Z",
   "updated_at": "2024-05-01T10:05:00Z",
   "repository_url": "https://api.github.com/repos/acme/shop",
   "statuses": [{"state": "success", "updated_at": "2024-05-01T10:04:30Z"},
                {"state": "in_progress", "updated_at": "2024-05-01T10:01:00Z"}]},
  {"id": 102, "sha": "d4e5f6", "ref": "main", "environment": "staging",
   "created_at": "2024-05-02T09:00:00Z", "repository_url": "https://api.github.com/repos/acme/shop",
   "statuses": [{"state": "error", "updated_at": "2024-05-02T09:02:00Z"}]},
  {"id": 103, "sha": "d4e5f7", "ref": "main", "environment": "Prod-EU",
   "created_at": "2024-05-03T09:00:00Z", "repository_url": "https://api.github.com/repos/acme/shop",
   "statuses": [{"state": "queued"}]},
  {"id": 104, "environment": "production", "created_at": "2024-05-04T09:00:00Z",
   "repository_url": "https://api.github.com/repos/acme/shop", "statuses": []}
]
JSON
"$BIN/shiplog-ingest" --store s_rest --format github-deployments rest.json 2>err.txt
echo "exit=$?"
norm <err.txt
dump s_rest deployments | cut -d, -f1-9,28-33
rejects s_rest
