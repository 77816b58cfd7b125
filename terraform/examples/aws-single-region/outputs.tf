output "bucket" {
  description = "The agent's `bucket`."
  value       = module.bucket.bucket_name
}

output "region" {
  description = "The agent's `region`."
  value       = module.bucket.region
}

output "prefix" {
  description = "The agent's `prefix`."
  value       = module.iam.prefix
}

output "agent_role_arn" {
  description = "Role the agent runs as (null with identity_type = \"user\")."
  value       = module.iam.agent_role_arn
}

output "restore_role_arn" {
  description = "Read-only role for `segvault restore`, `points`, `verify` and `drill`."
  value       = module.iam.restore_role_arn
}

output "gc_role_arn" {
  description = "Role for `segvault gc`; only the witness may assume it."
  value       = module.iam.gc_role_arn
}

output "witness_role_arn" {
  description = "Role the witness runs as (null with identity_type = \"user\")."
  value       = module.iam.witness_role_arn
}

output "witness_prefix" {
  description = "Key prefix of the witness's attestations (<prefix>_witness/)."
  value       = module.iam.witness_prefix
}

output "identities" {
  description = "Name, ARN and policy of each identity."
  value       = module.iam.identities
}

output "max_retention_days" {
  description = "Longest lock the bucket policy accepts, in days."
  value       = module.bucket.max_retention_days
}

output "agent_yaml" {
  description = "The agent's config file: terraform output -raw agent_yaml > /etc/segvault/agent.yaml"
  value       = module.agent_config.agent_yaml
}
