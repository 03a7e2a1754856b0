# GitHub deployments (GraphQL shape), Bitbucket deployments (ROLLED_BACK is
# a rolled-back deployment; UNDEPLOYED is no outcome), against
# scripts/ref-adapters.py; environments matching (?i)prod are production.
. "$E2E_ROOT/tests/e2e/adapters.sh"
sample github_deployments github-deployments github-deployments/deployments-graphql.jsonl deployments
sample bitbucket_deployments bitbucket-deployments bitbucket/deployments.jsonl deployments
echo "--- the rolled-back one"
dump s_bitbucket_deployments deployments | sed -n '1p;/,rolled_back,/p'
rejects s_bitbucket_deployments | cut -c1-160
