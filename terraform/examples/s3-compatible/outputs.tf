output "bucket" {
  description = "The agent's `bucket`."
  value       = module.bucket.bucket_name
}

output "endpoint" {
  description = "The agent's `endpoint`."
  value       = var.endpoint
}

output "region" {
  description = "The agent's `region`."
  value       = var.region
}

output "prefix" {
  description = "The agent's `prefix`."
  value       = var.prefix
}

output "max_retention_days" {
  description = "Longest lock the bucket policy accepts, in days."
  value       = module.bucket.max_retention_days
}

output "agent_yaml" {
  description = "The agent's config file: terraform output -raw agent_yaml > /etc/segvault/agent.yaml"
  value       = module.agent_config.agent_yaml
}
